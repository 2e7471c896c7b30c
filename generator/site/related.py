"""Related articles: three to five per article, from its topic, ranked by shared words.

Chosen among the POOL articles of the same topic published just before it (the words of
titles and summaries, as story clusters sign them: names and numbers count double), the
best MOST with a word in common, newest first on a tie; the topic's nearest older ones fill
up to FEWEST. An article near the start of its topic, with fewer older ones, is filled up
from the site's articles before it (by shared words, then nearest), and only near the start
of the site from newer ones. So an article's related list depends on what came before it:
adding today's articles leaves every older article page as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from generator.site.catalog import Catalog, Entry
from generator.site.clusters import find_stories

POOL = 30
MOST = 5
FEWEST = 3


def _best(
    terms: frozenset[str], pool: list[Entry], all_terms: Mapping[str, frozenset[str]]
) -> list[Entry]:
    """Those of `pool` (nearest first) sharing significant words, most shared first."""
    scored = [(-len(terms & all_terms[e.url]), k) for k, e in enumerate(pool)]
    return [pool[k] for score, k in sorted(scored) if score < 0]


def _add(chosen: list[Entry], taken: set[str], candidates: list[Entry], upto: int) -> None:
    """Append candidates not yet taken to `chosen` until it holds `upto`."""
    for e in candidates:
        if len(chosen) >= upto:
            return
        if e.url not in taken:
            chosen.append(e)
            taken.add(e.url)


def find_related(
    catalog: Catalog,
    terms: Mapping[str, frozenset[str]],
    also: Mapping[str, tuple[Entry, ...]],
) -> dict[str, tuple[Entry, ...]]:
    """Entry URL → its related articles, best first; never itself nor its story's other
    reports (the page lists those as "Also reported by")."""
    everything = catalog.entries  # newest first
    position = {e.url: i for i, e in enumerate(everything)}
    related: dict[str, tuple[Entry, ...]] = {}
    for topic in catalog.topics:
        entries = topic.entries  # newest first
        for i, entry in enumerate(entries):
            sig = terms[entry.url]
            taken = {entry.url} | {e.url for e in also.get(entry.url, ())}
            chosen: list[Entry] = []
            add = partial(_add, chosen, taken)
            older = list(entries[i + 1 : i + 1 + POOL])
            add(_best(sig, older, terms), MOST)
            add(older, FEWEST)
            if len(chosen) < FEWEST:  # a topic's first articles: then the site's
                at = position[entry.url]
                site_older = list(everything[at + 1 : at + 1 + POOL])
                add(_best(sig, site_older, terms), FEWEST)
                add(site_older, FEWEST)
                add(list(everything[max(0, at - POOL) : at][::-1]), FEWEST)
            related[entry.url] = tuple(chosen)
    return related


@dataclass(frozen=True)
class Links:
    """What article and day pages show beyond an article itself."""

    also: dict[str, tuple[Entry, ...]]  # entry URL → its story's reports by other sources
    related: dict[str, tuple[Entry, ...]]  # entry URL → its related articles


def link_articles(catalog: Catalog) -> Links:
    """Story clusters, then related articles (which leave out a story's other reports)."""
    stories = find_stories(catalog)
    return Links(stories.also, find_related(catalog, stories.terms, stories.also))
