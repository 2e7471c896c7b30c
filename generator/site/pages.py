"""Catalog → the list of Pages: every page's kind, URL, output path, template and context.

Planning is cheap and happens before any rendering, so two pages claiming one
path are caught before a byte is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from generator.core.config import Config
from generator.site.catalog import Catalog, Day, Entry, Group
from generator.site.clusters import day_stories
from generator.site.contexts import (
    ArchiveContext,
    ArticleContext,
    DayContext,
    GroupsContext,
    GroupSummary,
    ListingContext,
    MonthContext,
    MonthSummary,
    NoContext,
    PageContext,
    Pagination,
    Ref,
    SearchContext,
    YearContext,
    YearSummary,
)
from generator.site.front import front_page
from generator.site.outputs import Page
from generator.site.related import Links
from generator.site.urls import Urls


def _summaries(groups: tuple[Group, ...]) -> tuple[GroupSummary, ...]:
    return tuple(GroupSummary(g.name, g.slug, len(g.entries)) for g in groups)


def _page(urls: Urls, kind: str, url: str, template: str, context: PageContext) -> Page:
    return Page(kind, url, urls.output_path(urls.rel(url)), template, context)


def _years(catalog: Catalog, urls: Urls) -> tuple[YearSummary, ...]:
    months: dict[tuple[int, int], list[Day]] = defaultdict(list)
    for day in catalog.days:
        months[(day.date.year, day.date.month)].append(day)
    by_year: dict[int, list[MonthSummary]] = defaultdict(list)
    for (y, m), days in sorted(months.items(), reverse=True):
        by_year[y].append(MonthSummary(y, m, urls.month(y, m), tuple(days)))
    return tuple(YearSummary(y, urls.year(y), tuple(ms)) for y, ms in by_year.items())


def _listing(
    urls: Urls, kind: str, group: Group, size: int, url_for: Callable[[str, int | None], str]
) -> Iterator[Page]:
    """A group's entries in pages numbered from the oldest: page k (page/k/) holds the k-th
    oldest `size` articles and keeps them, its number and its links as articles arrive, so
    adding today's articles re-renders at most three listing pages per group (instead of
    shifting every page). The group's own URL shows the newest size to 2×size−1 articles
    (all of a smaller group), so it is never a nearly empty page."""
    entries, slug = group.entries, group.slug  # newest first
    archived = max(len(entries) // size - 1, 0)
    own = url_for(slug, None)

    def url(k: int) -> str | None:
        return None if k < 1 else own if k > archived else url_for(slug, k)

    # Only the newest page shows the count: an archived page's context must not change.
    summary = GroupSummary(group.name, slug, len(entries))
    newest = entries[: len(entries) - archived * size]
    pagination = Pagination(archived + 1, True, None, url(archived))
    yield _page(urls, kind, own, f"{kind}.html",
                ListingContext(group=summary, entries=newest, pagination=pagination))  # fmt: skip
    ref = Ref(group.name, slug)
    for k in range(archived, 0, -1):
        stop = len(entries) - (k - 1) * size
        pagination = Pagination(k, False, url(k + 1), url(k - 1))
        yield _page(
            urls, kind, url_for(slug, k), f"{kind}.html",
            ListingContext(group=ref, entries=entries[stop - size : stop], pagination=pagination),
        )  # fmt: skip


def _neighbours(entries: tuple[Entry, ...], i: int) -> tuple[Entry | None, Entry | None]:
    """(older, newer) around position i of a newest-first tuple."""
    older = entries[i + 1] if i + 1 < len(entries) else None
    newer = entries[i - 1] if i > 0 else None
    return older, newer


def _links_of(links: Links, url: str) -> dict[str, tuple[Entry, ...]]:
    """What an article page shows of the story links: its story's other reports, its related."""
    return {"also": links.also.get(url, ()), "related": links.related.get(url, ())}


def plan_pages(
    catalog: Catalog,
    config: Config,
    urls: Urls,
    now: dt.datetime | None = None,
    links: Links | None = None,
) -> Iterator[Page]:
    """Yield every HTML/XML page of the site; contexts hold references, no rendering yet.
    `now` (the build's clock) only labels the front page's today and yesterday; `links`
    (site/related.py) are the story clusters and related articles, none when not given."""
    links = links or Links({}, {})
    years = _years(catalog, urls)
    days = catalog.days
    yield _page(
        urls, "home", urls.home(), "home.html", front_page(catalog, config, now, links.also)
    )
    for i, day in enumerate(days):
        stories, also = day_stories(day, links.also)
        context = DayContext(
            day=day,
            stories=stories,
            also=also,
            prev_day=days[i + 1] if i + 1 < len(days) else None,
            next_day=days[i - 1] if i else None,
        )
        yield _page(urls, "day", urls.day(day.date), "day.html", context)
    for year in years:
        yield _page(urls, "year", year.url, "year.html", YearContext(year=year))
        for month in year.months:
            yield _page(urls, "month", month.url, "month.html", MonthContext(month=month))
    yield _page(urls, "archive", urls.archive(), "archive.html", ArchiveContext(years=years))

    topics = GroupsContext(groups=_summaries(catalog.topics))
    yield _page(urls, "topics", urls.topics(), "topics.html", topics)
    for group in catalog.topics:
        yield from _listing(urls, "topic", group, config.pages.topic_page_size, urls.topic)
    sources = GroupsContext(groups=_summaries(catalog.sources))
    yield _page(urls, "sources", urls.sources(), "sources.html", sources)
    for group in catalog.sources:
        yield from _listing(urls, "source", group, config.pages.source_page_size, urls.source)
    tags = GroupsContext(groups=_summaries(catalog.tags))
    yield _page(urls, "tags", urls.tags(), "tags.html", tags)
    for group in catalog.tags:
        yield from _listing(urls, "tag", group, config.pages.topic_page_size, urls.tag)

    for topic in catalog.topics:  # every article has exactly one topic
        ref = Ref(topic.name, topic.slug)  # not the whole group: its other members don't show
        for i, entry in enumerate(topic.entries):
            older, newer = _neighbours(topic.entries, i)
            shows = _links_of(links, entry.url)
            yield _page(
                urls, "article", entry.url, "article.html",
                ArticleContext(
                    entry=entry, topic=ref, older=older, newer=newer,
                    also=shows["also"], related=shows["related"],
                ),
            )  # fmt: skip

    if config.search.enabled:
        search = SearchContext(
            topics=tuple(g.name for g in catalog.topics),
            sources=tuple(g.name for g in catalog.sources),
        )
        yield _page(urls, "search", urls.search(), "search.html", search)
    yield _page(urls, "404", urls.page("404.html"), "404.html", NoContext())
    yield _page(urls, "robots", urls.page("robots.txt"), "robots.txt", NoContext())


def relinked(
    pages: list[Page],
    place: Mapping[str, int],
    catalog: Catalog,
    config: Config,
    urls: Urls,
    now: dt.datetime | None,
    links: Links,
    moved: Iterable[str],
) -> tuple[list[Page], list[int]]:
    """`pages` (plan_pages' for this catalog) as plan_pages would plan them with `links`,
    when only the entries `moved` (by URL) have other links: only the home page, their
    article pages and their days' pages show links, so only those are planned again (at
    32,000 articles plan_pages takes about 0.4 s). `place`: each page's number by URL.
    Returns the pages and the numbers of those replaced."""
    fresh = list(pages)
    replaced: list[int] = []

    def put(url: str, context: Mapping[str, Any]) -> None:
        i = place[url]
        old = fresh[i]
        fresh[i] = Page(old.kind, old.url, old.output, old.template, cast(PageContext, context))
        replaced.append(i)

    def context(url: str) -> Mapping[str, Any]:
        return cast(Mapping[str, Any], pages[place[url]].context)

    put(urls.home(), front_page(catalog, config, now, links.also))
    days: set[str] = set()
    for url in sorted(moved):  # each entry's page is its URL
        put(url, {**context(url), **_links_of(links, url)})
        days.add(urls.day(context(url)["entry"].day))
    for url in sorted(days):
        stories, also = day_stories(context(url)["day"], links.also)
        put(url, {**context(url), "stories": stories, "also": also})
    return fresh, replaced
