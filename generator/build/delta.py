"""A build whose changes are some articles' contents, or new articles: which outputs those
can reach.

The common edit (a typo fixed, a paragraph added, a story re-scraped with a changed line
and so a new `updated`) leaves every article's date, id, slug, topic, source and tags as
they were. Then the catalog (order, URLs, groups, days) and the page plan are those of the
last complete build, and an output can differ from the last build's only if its context
shows a changed entry, or an entry whose story links changed, or it is a feed and an
`updated` changed (a feed is dated by its newest). Every other output's fingerprint is the
one its page record holds, so it need not be digested again: on a large site,
fingerprinting every output is the largest stage of such a build.

The daily build adds articles (and runs on a later day). Then the plan is not the last
one, but most pages (articles, days, months, years) still show only entries, so those
that show no new, changed or relinked entry keep their fingerprints; the feeds, indexes,
listings and front page, which show counts, positions and the clock, are digested
(`reached`). This is sound only under the conditions `previous_names`,
`content_changes` and `marked_urls` check; anything else builds as before."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, Generic, TypeVar

from generator.build.build_cache import LinksOutline, PageRecord, article_from_meta
from generator.build.fingerprint import SCALARS
from generator.build.loader import Loaded, Scanned
from generator.content.article import Article
from generator.site.catalog import Catalog, Day, Entry, Group
from generator.site.feeds import Feed
from generator.site.outputs import MadeFile, Page
from generator.site.urls import Urls

# What the catalog, the page plan and the clock's reach (plan_expiry) read of an article:
# a change to any of these may move it between pages. (The made files, sitemap and search
# lists, are checked by their own bases: `kept_bases`.)
PLACING = (
    "date", "id", "slug", "topic", "topic_slug", "source_path", "tags", "source",
    "source_slug", "draft", "date_only",
)  # fmt: skip
# What story clusters and related articles read of an article besides its place.
LINKING = ("title", "summary")
# What an entry's local times and every feed's own date (feeds._updated) read besides its
# place: a feed whose window is empty is dated by entries it does not show.
DATING = ("updated",)
_URL = attrgetter("url")
T = TypeVar("T")


def previous_names(scanned: Scanned) -> tuple[dict[str, str], frozenset[str]]:
    """content/'s files with the content keys they had before this build's changes, and
    the files new to the cache (not among those names): the names the last complete
    build's plan key holds if it saw every file but the new ones, and each as it was."""
    names = {name: key for name, key, _meta in scanned.cached}
    added = set()
    for name in scanned.todo:
        before = scanned.before.get(name)
        if before is None:
            added.add(name)
        else:
            names[name] = before[0]
    return names, frozenset(added)


@dataclass(frozen=True)
class ContentChanges:
    """The articles whose contents changed or that are new, none of the others moved
    (PLACING kept)."""

    ids: frozenset[str]  # the changed and the new articles' ids
    relink: bool  # a title or summary changed: story links must be found again
    redate: bool  # an `updated` changed: every feed is dated again
    # New articles, or a clock past the last plan's span: the catalog may hold entries the
    # last one did not, so the plan is not the last one (`reached`).
    grown: bool = False


def content_changes(scanned: Scanned, loaded: Loaded, grown: bool) -> ContentChanges | None:
    """The changed and new files' articles, when each changed one kept every PLACING
    field; else None. `grown`: files were added or the clock moved on since the last plan."""
    if loaded.problems or len(loaded.keys) != len(loaded.articles):
        return None
    if not scanned.todo and not grown:
        return ContentChanges(frozenset(), False, False)
    by_name = {str(a.source_path): a for a in loaded.articles}
    ids, relink, redate = set(), grown, grown  # new entries: new links, feeds dated again
    for name in scanned.todo:
        article, before = by_name.get(name), scanned.before.get(name)
        if article is None:
            return None
        ids.add(article.id)
        if before is None:  # new: `previous_names` made `grown` true
            continue
        old = article_from_meta(before[1], "")
        if any(getattr(old, f) != getattr(article, f) for f in PLACING):
            return None
        relink = relink or any(getattr(old, f) != getattr(article, f) for f in LINKING)
        redate = redate or any(getattr(old, f) != getattr(article, f) for f in DATING)
    return ContentChanges(frozenset(ids), relink, redate, grown)


def marked_urls(
    catalog: Catalog, changes: ContentChanges, old: LinksOutline, new: LinksOutline, urls: Urls
) -> set[str] | None:
    """The URLs of the changed and new articles' entries and of every entry whose story
    links changed; None when the outlines do not cover the same entries (not the same
    plan), or, for a grown catalog, when it lost an entry or a new entry took or moved
    another's URL.

    A grown catalog also marks the entries of its new URLs (a future article come due has
    no new file) and every entry of a topic whose name changed: a group takes its newest
    member's spelling (catalog._group), and each of its article pages shows that name."""
    if changes.grown:
        if not old.keys() <= new.keys():
            return None
        marked = new.keys() - old.keys()
        if _slugs_moved(catalog, marked, urls):
            return None
        for group in catalog.topics:
            first_old = next((e for e in group.entries if e.url not in marked), None)
            if first_old is not None and first_old.article.topic != group.name:
                marked.update(map(_URL, group.entries))
    elif old.keys() != new.keys():
        return None
    else:
        marked = set()
    marked.update(e.url for e in catalog.entries if e.article.id in changes.ids)
    marked.update(moved_links(old, new))
    return marked


def _slugs_moved(catalog: Catalog, fresh: set[str], urls: Urls) -> bool:
    """Whether a day with a new URL (`fresh`) holds an entry whose URL is not its own slug's:
    two stories with one slug on one day, where a new one may have taken an old one's URL
    (the older story keeps the plain slug) and a page showing that URL shows another
    article under it."""
    days = {e.day for e in catalog.entries if e.url in fresh} if fresh else set()
    return any(
        e.url != urls.article(day.date, e.article.slug)
        for day in catalog.days
        if day.date in days
        for e in day.entries
    )


def moved_links(old: LinksOutline, new: LinksOutline) -> set[str]:
    """The URLs whose story links differ between two outlines (or that only `new` has)."""
    if old is new:
        return set()
    return {url for url, links in new.items() if old.get(url) != links}


class _Walk(Generic[T]):
    """The Fingerprinter's walk over a context (fingerprint.py), answering what it shows
    of the catalog's entries, so an output whose answer names no changed entry has the
    fingerprint it had. Objects shared by many pages (days, groups) are walked once."""

    nothing: T  # what a value that shows no entry answers
    article: T  # what an Article answers: digested by its content key alone

    def __init__(self) -> None:
        self._memo: dict[int, T] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def entry(self, entry: Entry) -> T:
        raise NotImplementedError

    def entries(self, entries: tuple[Entry, ...]) -> T:
        """A tuple of entries (a page's own listing): AttributeError when not all are."""
        raise NotImplementedError

    def combine(self, answers: Iterable[T]) -> T:
        raise NotImplementedError

    def context(self, context: Mapping[str, Any]) -> T:
        return self.combine(map(self.shows, context.values()))

    def shows(self, value: Any) -> T:
        kind = type(value)
        if kind is Entry:
            return self.entry(value)
        if kind in SCALARS or kind is dt.date or kind is dt.datetime:
            return self.nothing
        if kind is Article:
            return self.article
        if kind is tuple and value and type(value[0]) is Entry:
            try:
                return self.entries(value)
            except AttributeError:  # not all entries: walked one by one below
                pass
        found = self._memo.get(id(value))
        if found is not None:
            return found
        if kind is Day or kind is Group or kind is Catalog:  # all derived from their entries
            found = self.shows(value.entries)
        elif isinstance(value, dict):
            found = self.combine(map(self.shows, value.values()))
        elif isinstance(value, list | tuple):
            found = self.combine(map(self.shows, value))
        elif dataclasses.is_dataclass(value):
            names = self._fields.get(kind)
            if names is None:
                names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
            found = self.combine(self.shows(getattr(value, n)) for n in names)
        elif isinstance(value, Path):
            found = self.nothing
        else:
            raise TypeError(f"cannot tell what {kind.__name__} shows")
        self._memo[id(value)] = found  # the value lives as long as the plan: ids stay unique
        return found


class Reach(_Walk[bool]):
    """Whether a context shows any of a set of entries (by URL)."""

    nothing, article = False, True  # an Article: assume it changed

    def __init__(self, urls: set[str]):
        super().__init__()
        self.urls = urls

    def entry(self, entry: Entry) -> bool:
        return entry.url in self.urls

    def entries(self, entries: tuple[Entry, ...]) -> bool:
        return not self.urls.isdisjoint(map(_URL, entries))

    def combine(self, answers: Iterable[bool]) -> bool:
        return any(answers)

    def context(self, context: Mapping[str, Any]) -> bool:
        """`shows` for each value, with the values most pages hold (an entry, None) tested
        inline: this runs once for every output of the site."""
        urls = self.urls
        for value in context.values():
            if type(value) is Entry:
                if value.url in urls:
                    return True
            elif value is not None and self.shows(value):
                return True
        return False


ANY = ""  # no entry's URL: stands for "shows an Article", which any change may reach


class Shown(_Walk[frozenset[str]]):
    """The URLs of every entry a context shows (ANY for an Article)."""

    nothing, article = frozenset(), frozenset((ANY,))

    def entry(self, entry: Entry) -> frozenset[str]:
        return frozenset((entry.url,))

    def entries(self, entries: tuple[Entry, ...]) -> frozenset[str]:
        return frozenset(map(_URL, entries))

    def combine(self, answers: Iterable[frozenset[str]]) -> frozenset[str]:
        return frozenset().union(*answers)


def shown_by(context: Mapping[str, Any]) -> frozenset[str]:
    """The URLs of every entry one context shows (ANY for an Article)."""
    return Shown().context(context)


def showing(contexts: Iterable[Mapping[str, Any]]) -> dict[str, list[int]]:
    """Each entry's URL (and ANY) with the numbers of the contexts that show it: built once
    for a plan a process keeps, it answers `Reach` for any marked set without a walk."""
    walk = Shown()
    found: dict[str, list[int]] = {}
    for i, context in enumerate(contexts):
        for url in walk.context(context):
            listed = found.get(url)
            if listed is None:
                found[url] = [i]
            else:
                listed.append(i)
    return found


# The pages that show more of a grown catalog than its entries: counts, positions in a
# group and names (the indexes, listings and search page) or the clock (the front page).
# Every other page shows entries and what follows from them alone: an article (with its
# topic's name, marked when it changed), a day (its stories, its neighbour days), a month,
# a year, the archive.
BEYOND_ENTRIES = frozenset(
    {"home", "topics", "sources", "tags", "search", "topic", "source", "tag"}
)


def reached(
    pages: Sequence[Page], feeds: Sequence[Feed], marked: set[str], grown: bool = False
) -> set[int]:
    """The outputs (by number: pages, then feeds) whose contexts show a marked entry; for
    a `grown` catalog, also every feed and every page BEYOND_ENTRIES. Of the others, most
    outputs of a site, a page that shows no new, changed or relinked entry is as it was:
    a new entry next to an old one (an article's neighbour in its topic, a new day beside
    an old one) is itself marked."""
    reach = Reach(marked)
    if grown:
        found = {
            i for i, p in enumerate(pages) if p.kind in BEYOND_ENTRIES or reach.context(p.context)
        }
        found.update(range(len(pages), len(pages) + len(feeds)))
        return found
    contexts = [*(p.context for p in pages), *({"feed": f} for f in feeds)]
    return {i for i, context in enumerate(contexts) if reach.context(context)}


def kept_fingerprints(
    paths: Sequence[str], previous: Mapping[str, PageRecord], reach: set[int]
) -> list[str | None]:
    """For each output: the fingerprint its record holds when the build cannot `reach` it,
    else None (to be digested)."""
    kept: list[str | None] = []
    for i, path in enumerate(paths):
        record = previous.get(path)
        kept.append(None if record is None or i in reach else record[0])
    return kept


def kept_bases(
    made: Iterable[MadeFile], previous: Mapping[str, PageRecord], marked: set[str]
) -> dict[str, str]:
    """The basis fingerprints known without digesting: those of the made files whose basis
    is a tuple of entries (a search list's) none of them marked. Such a list holds the same
    entries as the last build's (their places are the same), each with the same content
    key; 670 lists at 32,000 articles, a tenth of a second to digest."""
    reach = Reach(marked)
    return {
        f.path: record[0]
        for f in made
        if type(f.basis) is tuple
        and (record := previous.get(f.path)) is not None
        and not reach.shows(f.basis)
    }
