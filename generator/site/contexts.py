"""The template contract: what each template of a theme receives, one type per page kind.

Every template also sees `site` (a SiteView) and `page` (the Page being rendered).
Contexts are plain dicts at run time (TypedDicts), so they cost nothing to build and their
fingerprints are digests of plain data; the type checker holds the planner to them, and a
test holds the README's theme section to them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from generator.site.catalog import Day, Entry, Group
from generator.site.urls import Urls


@dataclass(frozen=True)
class SiteView:
    """What every template sees as `site`: settings and URL helpers, nothing mutable."""

    title: str
    description: str
    language: str
    author: str
    base_url: str
    base_path: str
    urls: Urls
    search: bool  # [search] enabled: the search page and the header's search box exist


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a listing page sits. Pages are numbered from the oldest, and an archived page
    (every one but the group's own URL) holds nothing that changes as articles arrive: no
    page total, no group count; so adding today's articles re-renders a few pages per group."""

    number: int  # 1: the oldest articles; the newest page has the highest number
    newest: bool  # the group's own URL
    prev_url: str | None  # the next newer page (rel=prev)
    next_url: str | None  # the next older page (rel=next)


@dataclass(frozen=True, slots=True)
class MonthSummary:
    year: int
    month: int
    url: str
    days: tuple[Day, ...]  # newest first

    @property
    def count(self) -> int:
        return sum(len(d.entries) for d in self.days)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


CHART_HEIGHT = 60  # the busiest day's bar, in the chart's own units


@dataclass(frozen=True, slots=True)
class DayChart:
    """A year's articles per day as one SVG path of bars (x: day of the year, y: count)."""

    width: int  # days in the year: the viewBox's width
    height: int  # the viewBox's height
    path: str  # one bar per day with articles, scaled to the busiest day
    days: int  # days with articles
    busiest: Day | None


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    url: str
    months: tuple[MonthSummary, ...]  # newest first

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def chart(self) -> DayChart:
        height = CHART_HEIGHT
        days = [d for m in self.months for d in m.days]
        first = dt.date(self.year, 1, 1)
        width = 366 if calendar.isleap(self.year) else 365
        busiest = max(days, key=lambda d: (len(d.entries), d.date), default=None)
        most = len(busiest.entries) if busiest else 1
        bars = []
        for d in sorted(days, key=lambda d: d.date):
            bar = max(1, round(len(d.entries) / most * height))
            bars.append(f"M{(d.date - first).days} {height}v-{bar}h1v{bar}z")
        return DayChart(width, height, "".join(bars), len(days), busiest)


@dataclass(frozen=True, slots=True)
class Ref:
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class GroupSummary:
    name: str
    slug: str
    count: int


@dataclass(frozen=True, slots=True)
class FrontDay:
    """One day's part of the front page."""

    date: dt.date
    label: str  # "Today", "Yesterday", or "" (the template shows the date)
    topics: tuple[Group, ...]  # the day's shown stories by topic, topics by name
    count: int  # stories shown
    total: int  # stories listed on the day's page: more than `count` when the window starts
    # inside the day, or a story of the day is listed under a newer day's report


class HomeContext(TypedDict):
    day: Day | None  # the latest day, None on an empty site
    front: tuple[FrontDay, ...]  # the newest stories by day, newest first (site/front.py)
    also: dict[str, tuple[Entry, ...]]  # a listed story's URL → other sources' reports
    earlier_days: tuple[Day, ...]  # the days after those shown whole, at most [pages] home_days


class DayContext(TypedDict):
    day: Day
    stories: tuple[Group, ...]  # the day's topics listing each story once (site/clusters.py)
    also: dict[str, tuple[Entry, ...]]  # a listed story's URL → other sources' reports
    prev_day: Day | None  # the next older day with articles
    next_day: Day | None  # the next newer day with articles


class MonthContext(TypedDict):
    month: MonthSummary


class YearContext(TypedDict):
    year: YearSummary


class ArchiveContext(TypedDict):
    years: tuple[YearSummary, ...]  # newest first


class GroupsContext(TypedDict):
    """topics.html, sources.html and tags.html: every topic, source or tag with its count."""

    groups: tuple[GroupSummary, ...]


class ListingContext(TypedDict):
    """topic.html, source.html and tag.html: one page of a group's articles."""

    group: GroupSummary | Ref  # GroupSummary (with the count) on the newest page only
    entries: tuple[Entry, ...]  # this page's articles, newest first
    pagination: Pagination


class ArticleContext(TypedDict):
    entry: Entry
    topic: Ref
    older: Entry | None  # the neighbours in the article's topic
    newer: Entry | None
    also: tuple[Entry, ...]  # the same story from other sources, first report of each
    related: tuple[Entry, ...]  # 3 to 5 from its topic, by shared words (site/related.py)


class SearchContext(TypedDict):
    """search.html: the names its topic and source filters offer, by name."""

    topics: tuple[str, ...]
    sources: tuple[str, ...]


class NoContext(TypedDict):
    """404.html and robots.txt: `site` and `page` only."""


PageContext = (
    HomeContext
    | DayContext
    | MonthContext
    | YearContext
    | ArchiveContext
    | GroupsContext
    | ListingContext
    | ArticleContext
    | SearchContext
    | NoContext
)

# Which context each template of the theme receives.
TEMPLATE_CONTEXTS: dict[str, type] = {
    "home.html": HomeContext,
    "day.html": DayContext,
    "month.html": MonthContext,
    "year.html": YearContext,
    "archive.html": ArchiveContext,
    "topics.html": GroupsContext,
    "sources.html": GroupsContext,
    "tags.html": GroupsContext,
    "topic.html": ListingContext,
    "source.html": ListingContext,
    "tag.html": ListingContext,
    "article.html": ArticleContext,
    "search.html": SearchContext,
    "404.html": NoContext,
    "robots.txt": NoContext,
}
