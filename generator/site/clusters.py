"""Story clusters: articles from different sources about one event, published within two days.

Each article's signature is the set of words of its title and summary (its first paragraph),
stop words left out, names and numbers weighing double. Two articles are one story when the
cosine of their TF-IDF vectors reaches THRESHOLD, where a word's document frequency is
counted over the days the later article's window covers (its day and the two before), and
when, if both mention numbers (years aside), they share at least one: "Rs8.14 a litre" and
"Rs12 a litre" are two price changes. Only articles of different sources are compared, and
only candidates that share a word rarer than COMMON of the window, found through an inverted
index, so a day is compared with its window, never with the archive. Clusters are the
connected groups of such pairs. Everything here depends only on the articles of each
window: adding today's articles cannot change an older window's clusters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from generator.site.catalog import Catalog, Day, Entry, Group

WINDOW_DAYS = 2  # an article is compared with those of its day and the two before
THRESHOLD = 0.4  # TF-IDF cosine: see tests/data/cluster_pairs.json and the README
TOP_TERMS = 8  # an article's most significant words: candidates share one of them

_WORD = re.compile(r"\w+(?:[.,']\w+)*")
_DIGIT = re.compile(r"\d")
_UNIT = re.compile(r"^[^\d]+|[^\d]+$")  # a figure's currency or unit
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its just me
    more most my no nor not now of off on once only or other our out over own same she should so
    some such than that the their them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    said says say told according new year years one two three four five six seven eight nine ten
    first second third last next week day monday tuesday wednesday thursday friday saturday
    sunday today yesterday per cent percent""".split()  # noqa: SIM905 (one word a line: 150 lines)
)

Signature = dict[str, float]  # word → weight (2.0 for names and numbers, else 1.0)


def signature(title: str, summary: str) -> Signature:
    """The words that say what a story is about: lower-cased, a plural's final s dropped."""
    found: Signature = {}
    for text in (title, summary):
        for i, word in enumerate(_WORD.findall(text)):
            low = word.lower()
            if low in _STOP:
                continue
            if "'" in low:
                low = low.replace("'s", "")
            if len(low) < 2:
                continue
            if low[-1] == "s" and len(low) > 3 and low[-2] != "s":
                low = low[:-1]
            if not word.isalpha() and _DIGIT.search(word):  # "Rs8.14", "22pc", "2,000"
                found[_UNIT.sub("", low).replace(",", "")] = 2.0
            elif i and word[0].isupper():
                found[low] = 2.0
            elif low not in found:
                found[low] = 1.0
    return found


def _numbers(sig: Signature) -> frozenset[str]:
    """Figures that identify an event (a price, a toll, a score); years say little."""
    return frozenset(
        w
        for w, v in sig.items()
        if v == 2.0 and _DIGIT.search(w) and not (len(w) == 4 and w.isdigit())
    )


@dataclass(frozen=True)
class Stories:
    """The clusters of a catalog, as pages need them."""

    also: dict[str, tuple[Entry, ...]]  # entry URL → the other sources' first articles
    terms: dict[str, frozenset[str]]  # entry URL → its TOP_TERMS most significant words


def _cosine(va: Signature, vb: Signature) -> float:
    if len(va) > len(vb):
        va, vb = vb, va
    return sum([x * vb[w] for w, x in va.items() if w in vb])


class _Window:
    """Each day's articles: their words' document frequencies and an index of top terms."""

    def __init__(self, sigs: list[Signature], by_day: dict[dt.date, list[int]]):
        self.sigs, self.by_day = sigs, by_day
        self.df = {d: Counter(w for i in members for w in sigs[i]) for d, members in by_day.items()}
        self.index: dict[dt.date, dict[str, list[int]]] = {}

    def days(self, day: dt.date) -> list[dt.date]:
        """The window of `day`: the two days before it, and itself, those with articles."""
        back = (day - dt.timedelta(days=k) for k in range(WINDOW_DAYS, -1, -1))
        return [d for d in back if d in self.by_day]

    def vectors(self, day: dt.date) -> dict[int, Signature]:
        """Unit TF-IDF vectors of the day's articles, frequencies counted over its window,
        so later days never change them."""
        days = self.days(day)
        df: Counter[str] = Counter()
        for d in days:
            df.update(self.df[d])
        n = sum(len(self.by_day[d]) for d in days)
        idf = {w: math.log(1 + n / c) for w, c in df.items()}
        found = {}
        for i in self.by_day[day]:
            vec = {w: v * idf[w] for w, v in self.sigs[i].items()}
            norm = math.sqrt(sum([x * x for x in vec.values()])) or 1.0
            found[i] = {w: x / norm for w, x in vec.items()}
        return found


def find_stories(catalog: Catalog) -> Stories:
    """Every cluster of the catalog, and each entry's most significant words."""
    entries = catalog.entries[::-1]  # oldest first: an index orders articles in time
    sigs = [signature(e.title, e.summary) for e in entries]
    sources = [e.article.source_slug or "" for e in entries]
    numbers = [_numbers(s) for s in sigs]
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        by_day[e.day].append(i)
    window = _Window(sigs, by_day)
    vectors: dict[int, Signature] = {}
    top: list[frozenset[str]] = [frozenset()] * len(entries)
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for day in sorted(by_day):
        vectors.update(window.vectors(day))
        index: dict[str, list[int]] = defaultdict(list)
        window.index[day] = index
        days = window.days(day)
        for j in by_day[day]:
            vj = vectors[j]
            top[j] = frozenset(sorted(vj, key=lambda w: (-vj[w], w))[:TOP_TERMS])
            # Candidates share a top term (an inverted index of them over the window);
            # only those are compared in full.
            seen: set[int] = set()
            for w in top[j]:
                for d in days:
                    seen.update(window.index[d].get(w, ()))
                index[w].append(j)
            if not sources[j]:  # an article without a source is "also reported by" no one
                continue
            for i in sorted(seen):
                if not sources[i] or sources[i] == sources[j]:
                    continue
                if numbers[i] and numbers[j] and not numbers[i] & numbers[j]:
                    continue
                if _cosine(vectors[i], vj) >= THRESHOLD:
                    a, b = root(i), root(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        clusters[root(i)].append(i)
    also: dict[str, tuple[Entry, ...]] = {}
    for members in clusters.values():
        if len(members) < 2:
            continue
        first: dict[str, int] = {}  # each source's first article of the story
        for i in members:  # oldest first
            first.setdefault(sources[i], i)
        for i in members:
            others = [entries[k] for s, k in first.items() if s != sources[i]]
            if others:
                also[entries[i].url] = tuple(others)
    return Stories(also, {e.url: t for e, t in zip(entries, top, strict=True)})


def day_stories(
    day: Day, also: Mapping[str, tuple[Entry, ...]]
) -> tuple[tuple[Group, ...], dict[str, tuple[Entry, ...]]]:
    """The day's topic groups listing each story once, under its first report of the day
    (the others of that day appear under it as "Also reported by", not again), and the
    other reports of each listed story."""
    hidden: set[str] = set()
    shown: dict[str, tuple[Entry, ...]] = {}
    for entry in reversed(day.entries):  # oldest first: the first report leads
        if entry.url in hidden or entry.url not in also:
            continue
        shown[entry.url] = also[entry.url]
        hidden.update(e.url for e in also[entry.url] if e.day == day.date)
    if not hidden:
        return day.topics, shown
    groups = [
        Group(g.name, g.slug, tuple(e for e in g.entries if e.url not in hidden))
        for g in day.topics
    ]
    return tuple(g for g in groups if g.entries), shown
