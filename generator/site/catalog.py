"""Articles sorted and grouped: by day (in the site timezone), by topic, by source, by tag.

This is also where final URLs are fixed, because two stories with one slug on one
day must get distinct, deterministic addresses before any page links to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.content.article import Article
from generator.core.identity import free_slug, slugify
from generator.site.urls import Urls


@dataclass(frozen=True, slots=True)
class Entry:
    """An article as listed on the site: its URL and local (site-timezone) times."""

    article: Article
    url: str
    local: dt.datetime
    local_updated: dt.datetime | None

    @property
    def day(self) -> dt.date:
        return self.local.date()

    # Templates read article fields straight off the entry (e.title, e.summary). The ones
    # every listing shows are properties: falling through to __getattr__ raises and catches
    # an AttributeError inside Python each time, a tenth of a listing page's render.
    title = property(lambda self: self.article.title)
    summary = property(lambda self: self.article.summary)
    source = property(lambda self: self.article.source)
    topic = property(lambda self: self.article.topic)
    date_only = property(lambda self: self.article.date_only)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.article, name)


@dataclass(frozen=True, slots=True)
class Group:
    """A topic, source or tag with its entries, newest first."""

    name: str
    slug: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    entries: tuple[Entry, ...]  # newest first
    topics: tuple[Group, ...]  # the day's entries grouped by topic, topics by name


@dataclass(frozen=True)
class Catalog:
    entries: tuple[Entry, ...]  # newest first
    days: tuple[Day, ...]  # newest first
    topics: tuple[Group, ...]  # by name
    sources: tuple[Group, ...]
    tags: tuple[Group, ...]


def local_updated(article: Article, tz: dt.tzinfo) -> dt.datetime | None:
    return article.updated.astimezone(tz) if article.updated else None


def _newest_first(entry: Entry) -> tuple:
    return (-entry.article.date.timestamp(), entry.article.id)


def _group(members: Iterable[tuple[str, str, Entry]]) -> tuple[Group, ...]:
    """Group (name, slug, entry) triples by slug, in order; one slug, one group, first name wins."""
    names: dict[str, str] = {}
    found: dict[str, list[Entry]] = {}
    for name, slug, entry in members:
        listed = found.get(slug)
        if listed is None:
            names[slug], found[slug] = name, [entry]
        else:
            listed.append(entry)
    groups = [Group(names[s], s, tuple(es)) for s, es in found.items()]
    return tuple(sorted(groups, key=lambda g: (g.name.casefold(), g.slug)))


def make_catalog(articles: Iterable[Article], tz: dt.tzinfo, urls: Urls) -> Catalog:
    """Sort, assign unique URLs, and group. Entries keep newest-first order everywhere."""
    ordered = sorted(articles, key=lambda a: (a.date.timestamp(), a.id))
    taken: dict[dt.date, set[str]] = defaultdict(set)  # each day's slugs given out
    entries: list[Entry] = []
    for article in ordered:  # oldest first, so an older story keeps the plain slug
        local = article.date.astimezone(tz)
        day = local.date()
        given = taken[day]
        slug = free_slug(article.slug, given.__contains__)
        given.add(slug)
        entries.append(
            Entry(
                article=article,
                url=urls.article(day, slug),
                local=local,
                local_updated=local_updated(article, tz),
            )
        )
    entries.sort(key=_newest_first)

    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.local.date()].append(entry)
    days = tuple(
        Day(d, tuple(es), _group([(e.article.topic, e.article.topic_slug, e) for e in es]))
        for d, es in sorted(by_day.items(), reverse=True)
    )
    topics = _group([(e.article.topic, e.article.topic_slug, e) for e in entries])
    sources = _group(
        [(e.article.source, e.article.source_slug or "", e) for e in entries if e.article.source]
    )
    slugs: dict[str, str] = {}  # slugify is slow and tags repeat
    tags = _group(
        [
            (t, slugs.get(t) or slugs.setdefault(t, slugify(t)), e)
            for e in entries
            for t in e.article.tags
        ]
    )
    return Catalog(tuple(entries), days, topics, sources, tags)
