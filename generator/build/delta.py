"""A build whose only changes are some articles' contents: which outputs those can reach.

The common edit (a typo fixed, a paragraph added, a story re-scraped with a changed line
and so a new `updated`) leaves every article's date, id, slug, topic, source and tags as
they were. Then the catalog (order, URLs, groups, days) and the page plan are those of the
last complete build, and an output can differ from the last build's only if its context
shows a changed entry, or an entry whose story links changed, or it is a feed and an
`updated` changed (a feed is dated by its newest). Every other output's fingerprint is the one its page
record holds, so it need not be digested again: on a large site, fingerprinting every
output is the largest stage of such a build. This is sound only under the conditions
`previous_names` and `content_changes` check; anything else builds as before.
"""

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


def previous_names(scanned: Scanned) -> dict[str, str] | None:
    """content/'s files with the content keys they had before this build's changes: the
    names the last complete build's plan key holds if only contents changed; None when a
    file is new to the cache (an added file always changes the plan)."""
    names = {name: key for name, key, _meta in scanned.cached}
    for name in scanned.todo:
        before = scanned.before.get(name)
        if before is None:
            return None
        names[name] = before[0]
    return names


@dataclass(frozen=True)
class ContentChanges:
    """The articles whose contents changed, none of them moved (PLACING kept)."""

    ids: frozenset[str]  # the changed articles' ids
    relink: bool  # a title or summary changed: story links must be found again
    redate: bool  # an `updated` changed: every feed is dated again


def content_changes(scanned: Scanned, loaded: Loaded) -> ContentChanges | None:
    """The changed files' articles, when each kept every PLACING field; else None."""
    if loaded.problems or len(loaded.keys) != len(loaded.articles):
        return None
    if not scanned.todo:
        return ContentChanges(frozenset(), False, False)
    by_name = {str(a.source_path): a for a in loaded.articles}
    ids, relink, redate = set(), False, False
    for name in scanned.todo:
        article, before = by_name.get(name), scanned.before.get(name)
        if article is None or before is None:
            return None
        old = article_from_meta(before[1], "")
        if any(getattr(old, f) != getattr(article, f) for f in PLACING):
            return None
        relink = relink or any(getattr(old, f) != getattr(article, f) for f in LINKING)
        redate = redate or any(getattr(old, f) != getattr(article, f) for f in DATING)
        ids.add(article.id)
    return ContentChanges(frozenset(ids), relink, redate)


def marked_urls(
    catalog: Catalog, ids: frozenset[str], old: LinksOutline, new: LinksOutline
) -> set[str] | None:
    """The URLs of the changed articles' entries and of every entry whose story links
    changed; None when the outlines do not cover the same entries (not the same plan)."""
    if old.keys() != new.keys():
        return None
    marked = {e.url for e in catalog.entries if e.article.id in ids}
    marked.update(moved_links(old, new))
    return marked


def moved_links(old: LinksOutline, new: LinksOutline) -> set[str]:
    """The URLs whose story links differ between two outlines of the same entries."""
    if old is new:
        return set()
    return {url for url, links in new.items() if old[url] != links}


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


def reached(pages: Sequence[Page], feeds: Iterable[Feed], marked: set[str]) -> set[int]:
    """The outputs (by number: pages, then feeds) whose contexts show a marked entry."""
    reach = Reach(marked)
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
