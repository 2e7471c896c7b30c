"""Related articles: three to five per article, from its topic, ranked by shared words.

Chosen among the POOL articles of the same topic published just before it: the best MOST
by the number of top terms shared (each article's TOP_TERMS words of highest TF-IDF weight
in its title and summary, site/clusters.py), newest first on a tie; the topic's nearest
older ones fill up to FEWEST. An article near the start of its topic, with fewer older ones, is filled up
from the site's articles before it (by shared words, then nearest), and only near the start
of the site from newer ones. So an article's related list depends on what came before it:
adding today's articles leaves every older article page as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter

from generator.site.catalog import Catalog, Entry
from generator.site.clusters import DayLinks, find_stories

POOL = 30
MOST = 5
FEWEST = 3
BLOCK = 200  # a topic's articles are ranked, and remembered, this many at a time
# entry URL → (its story's other reports' URLs, its related articles' URLs)
Outline = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def _add(chosen: list[Entry], taken: set[str], candidates: Sequence[Entry], upto: int) -> None:
    """Append candidates not yet taken to `chosen` until it holds `upto`."""
    for e in candidates:
        if len(chosen) >= upto:
            return
        if e.url not in taken:
            chosen.append(e)
            taken.add(e.url)


def _related_in(
    entries: list[Entry],
    block: range,
    catalog: Catalog,
    position: Mapping[str, int],
    terms: Mapping[str, frozenset[str]],
    also: Mapping[str, tuple[Entry, ...]],
) -> list[tuple[Entry, ...]]:
    """The related articles of a topic's entries (oldest first) in `block`; the POOL
    entries before it are read only for the words they share."""
    everything = catalog.entries  # newest first
    postings: dict[str, list[int]] = defaultdict(list)  # term → positions, ascending
    found: list[tuple[Entry, ...]] = []
    for o in range(max(0, block.start - POOL), block.stop):
        entry = entries[o]
        mine = terms[entry.url]
        shared: dict[int, int] = defaultdict(int)  # earlier position → terms shared
        for w in mine:
            near = postings[w]
            for q in reversed(near):
                if q < o - POOL:
                    break
                shared[q] += 1
            near.append(o)
        if o < block.start:
            continue
        taken = {entry.url} | {e.url for e in also.get(entry.url, ())}
        chosen: list[Entry] = []
        add = partial(_add, chosen, taken)
        best = sorted(shared, key=lambda q: (-shared[q], -q))
        add([entries[q] for q in best], MOST)
        add(entries[max(0, o - POOL) : o][::-1], FEWEST)
        if len(chosen) < FEWEST:  # a topic's first articles: then the site's
            at = position[entry.url]
            site_older = list(everything[at + 1 : at + 1 + POOL])
            add(sorted(site_older, key=lambda e: -len(mine & terms[e.url])), FEWEST)
            add(list(everything[max(0, at - POOL) : at][::-1]), FEWEST)
        found.append(tuple(chosen))
    return found


def _block_key(
    entries: list[Entry],
    block: range,
    catalog: Catalog,
    position: Mapping[str, int],
    words: Mapping[str, str],
    also: Mapping[str, tuple[Entry, ...]],
) -> str:
    """All a block's related lists follow from: its entries' URLs, top terms (`words`:
    each entry's, spelled out) and other reports, the POOL entries before it, and the
    site's entries around those that may be filled up from the site."""
    parts = []
    for o in range(max(0, block.start - POOL), block.stop):
        entry = entries[o]
        if o < block.start:
            parts.append(entry.url + words[entry.url])
            continue
        others = also.get(entry.url, ())
        parts.append(entry.url + words[entry.url] + "|".join(e.url for e in others))
        if min(o, POOL) - len(others) < FEWEST:  # may take from the site's neighbours
            at = position[entry.url]
            for e in catalog.entries[max(0, at - POOL) : at + POOL + 1]:
                parts.append(e.url + words[e.url])
    text = "\n".join(parts)
    return "r" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _reads(
    entries: list[Entry],
    block: range,
    moved: set[str],
    near: list[int],
    position: Mapping[str, int],
    also: Mapping[str, tuple[Entry, ...]],
    wide: int,
) -> bool:
    """Whether a block's key (`_block_key`) reads an entry of `moved` (at the catalog
    positions `near`, sorted), when no story has more than POOL - FEWEST other reports
    (`wide`: the most any has), so that only a topic's first FEWEST + wide entries may
    be filled up from the site."""
    if not moved.isdisjoint(e.url for e in entries[max(0, block.start - POOL) : block.stop]):
        return True
    for o in range(block.start, min(block.stop, FEWEST + wide)):
        url = entries[o].url
        if min(o, POOL) - len(also.get(url, ())) < FEWEST:  # reads the site's neighbours
            at = position[url]
            i = bisect_left(near, at - POOL)
            if i < len(near) and near[i] <= at + POOL:
                return True
    return False


def find_related(
    catalog: Catalog,
    terms: Mapping[str, frozenset[str]],
    words: Mapping[str, str],
    also: Mapping[str, tuple[Entry, ...]],
    known: Mapping[str, str] | None = None,
    previous: Links | None = None,
    moved: set[str] | None = None,
) -> tuple[dict[str, tuple[Entry, ...]], dict[str, str], set[str], dict[tuple[str, int], str]]:
    """Entry URL → its related articles, best first; never itself nor its story's other
    reports (the page lists those as "Also reported by"). And a memo for the next build:
    a block of a topic whose inputs are as in `known` (the last build's memo) is not ranked
    again. Blocks are counted from a topic's oldest article, so today's articles change
    only each topic's newest block, and an edit the one or two blocks that read it.
    `terms` and `words` (the same terms spelled out) are find_stories'. `previous`: the
    links of the last build of this very catalog (a process that keeps its plan), whose
    lists a block with the same inputs takes as they are, not decoded from the memo; with
    `moved`, the URLs whose words or other reports differ from `previous`', a block that
    reads none of them has the key it had, which is not made again.
    Also returns the URLs whose lists were not taken from `previous`, and each block's key
    (by topic and first position)."""
    position = {e.url: i for i, e in enumerate(catalog.entries)}
    by_url = {e.url: e for e in catalog.entries}
    related: dict[str, tuple[Entry, ...]] = {}
    memo: dict[str, str] = {}
    fresh: set[str] = set()
    blocks: dict[tuple[str, int], str] = {}
    kept = previous.memo if previous is not None else {}
    wide = max(map(len, also.values()), default=0)
    # the last keys stand for blocks reading no moved entry (unless a story is too wide)
    held_blocks = previous.blocks if previous is not None and wide <= POOL - FEWEST else {}
    spare = moved is not None and bool(held_blocks)
    moving = moved if moved is not None else set()
    near = sorted(position[url] for url in moving if url in position)
    for topic in catalog.topics:
        entries = list(topic.entries[::-1])  # oldest first
        for first in range(0, len(entries), BLOCK):
            block = range(first, min(first + BLOCK, len(entries)))
            key = None
            if spare and not _reads(entries, block, moving, near, position, also, wide):
                key = held_blocks.get((topic.slug, first))
            if key is None:
                key = _block_key(entries, block, catalog, position, words, also)
            blocks[(topic.slug, first)] = key
            urls = [e.url for e in entries[block.start : block.stop]]
            text = kept.get(key)
            if text:
                assert previous is not None
                related.update((url, previous.related[url]) for url in urls)
                memo[key] = text
                continue
            text = (known or {}).get(key)
            if text:
                lists = [tuple(map(by_url.__getitem__, urls)) for urls in json.loads(text)]
            else:
                lists = _related_in(entries, block, catalog, position, terms, also)
                text = json.dumps([[e.url for e in chosen] for chosen in lists])
            memo[key] = text
            related.update(zip(urls, lists, strict=True))
            fresh.update(urls)
    return related, memo, fresh, blocks


@dataclass(frozen=True)
class Links:
    """What article and day pages show beyond an article itself."""

    also: dict[str, tuple[Entry, ...]]  # entry URL → its story's reports by other sources
    related: dict[str, tuple[Entry, ...]]  # entry URL → its related articles
    memo: dict[str, str] = field(default_factory=dict)  # for the next build's `known`
    # The URLs whose related lists were found again rather than taken from the `previous`
    # Links given to link_articles; None when none was given.
    fresh: set[str] | None = field(default=None, compare=False)
    # For a later build of this very catalog: find_stories' result for each day, each
    # entry's top terms spelled out, and each block's key (find_related)
    days: dict[dt.date, DayLinks] = field(default_factory=dict, compare=False)
    words: dict[str, str] = field(default_factory=dict, compare=False)
    blocks: dict[tuple[str, int], str] = field(default_factory=dict, compare=False)

    def outline(self, previous: Outline | None = None) -> Outline:
        """Entry URL → (its `also` URLs, its `related` URLs): what a later build compares
        its own links with, or rebuilds them from (`outlined`), as plain data. `previous`:
        the outline of the Links given to link_articles, of which only the entries whose
        lists were found again are outlined again (a block's key holds its entries' `also`:
        an entry whose story's reports changed is one of those)."""
        also, empty, url_of = self.also, (), attrgetter("url")
        urls: Iterable[str] = self.related
        found: Outline = {}
        if previous is not None and self.fresh is not None:
            found, urls = dict(previous), self.fresh
        for url in urls:
            chosen = self.related[url]
            found[url] = (tuple(map(url_of, also.get(url, empty))), tuple(map(url_of, chosen)))
        return found


def outlined(
    outline: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]], catalog: Catalog
) -> Links | None:
    """The Links an outline describes, over this catalog's entries (no memo: a build that
    takes its links from an outline keeps the last build's memo); None when the outline
    is not of these entries."""
    by_url = {e.url: e for e in catalog.entries}
    if by_url.keys() != outline.keys():
        return None
    get = by_url.__getitem__
    also = {url: tuple(map(get, others)) for url, (others, _) in outline.items() if others}
    related = {url: tuple(map(get, chosen)) for url, (_, chosen) in outline.items()}
    return Links(also, related)


def link_articles(
    catalog: Catalog,
    keys: Mapping[str, str] | None = None,
    known: Mapping[str, str] | None = None,
    jobs: int = 1,
    previous: Links | None = None,
    changed: Collection[str] | None = None,
) -> Links:
    """Story clusters, then related articles (which leave out a story's other reports);
    `keys`, `known` and `jobs` (worker processes) as find_stories takes them, `previous`
    as find_related does. With `changed`, the ids of the only articles changed since
    `previous`, the stories of days they cannot reach are `previous`' too."""
    moved = None  # the URLs whose words or other reports differ from previous'
    if previous is not None and changed is not None:
        days = {e.day for e in catalog.entries if e.article.id in changed}
        stories = find_stories(catalog, keys, known, jobs, previous.days, days)
        moved = _moved(stories.words, stories.also, previous)
    else:
        stories = find_stories(catalog, keys, known, jobs)
    terms, words, also = stories.terms, stories.words, stories.also
    related, memo, fresh, blocks = find_related(catalog, terms, words, also, known, previous, moved)
    fresh_or_none = fresh if previous is not None else None
    return Links(also, related, stories.memo | memo, fresh_or_none, stories.days, words, blocks)


def _moved(
    words: Mapping[str, str], also: Mapping[str, tuple[Entry, ...]], previous: Links
) -> set[str]:
    """The URLs whose top terms or other reports are not `previous`' (all, when it kept
    no words)."""
    url_of = attrgetter("url")
    moved = {url for url, w in words.items() if previous.words.get(url) != w}
    for url in also.keys() | previous.also.keys():
        now, before = also.get(url, ()), previous.also.get(url, ())
        if now is not before and list(map(url_of, now)) != list(map(url_of, before)):
            moved.add(url)
    return moved
