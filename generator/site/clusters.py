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
COMMON = 0.05  # a word in more than this share of a window proposes no candidates
MIN_COMMON = 20  # ... unless the window is small: then up to this many articles

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


def similarity(a: Signature, b: Signature, df: dict[str, int], n: int) -> float:
    """TF-IDF cosine of two signatures, `df` counted over `n` articles; 0 when both state
    figures and none agree."""
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    na, nb = _numbers(a), _numbers(b)
    if na and nb and not na & nb:
        return 0.0

    def idf(word: str) -> float:
        return math.log(1 + n / df.get(word, 1))

    dot = sum(a[w] * b[w] * idf(w) ** 2 for w in shared)
    norm_a = math.sqrt(sum((v * idf(w)) ** 2 for w, v in a.items()))
    norm_b = math.sqrt(sum((v * idf(w)) ** 2 for w, v in b.items()))
    return dot / (norm_a * norm_b)


@dataclass(frozen=True)
class Stories:
    """The clusters of a catalog, as pages need them."""

    also: dict[str, tuple[Entry, ...]]  # entry URL → the other sources' first articles
    signatures: dict[str, Signature]  # entry URL → its signature (related articles use it)


def _unit(sig: Signature, df: dict[str, int], n: int) -> Signature:
    """The signature as a unit TF-IDF vector, `df` counted over `n` articles."""
    vec = {w: v * math.log(1 + n / df[w]) for w, v in sig.items()}
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {w: x / norm for w, x in vec.items()}


def _cosine(va: Signature, vb: Signature) -> float:
    if len(va) > len(vb):
        va, vb = vb, va
    return sum([x * vb[w] for w, x in va.items() if w in vb])


def find_stories(catalog: Catalog) -> Stories:
    """Every cluster of the catalog, and each entry's signature."""
    entries = catalog.entries[::-1]  # oldest first: an index orders articles in time
    sigs = [signature(e.title, e.summary) for e in entries]
    sources = [e.article.source_slug or "" for e in entries]
    numbers = [_numbers(s) for s in sigs]
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        if sources[i]:  # an article without a source cannot be "also reported by" anyone
            by_day[e.day].append(i)
    day_df: dict[dt.date, Counter[str]] = {}
    postings: dict[dt.date, dict[str, list[int]]] = {}
    for day, members in by_day.items():
        counts: Counter[str] = Counter()
        words: dict[str, list[int]] = defaultdict(list)
        for i in members:
            counts.update(sigs[i].keys())
            for w in sigs[i]:
                words[w].append(i)
        day_df[day], postings[day] = counts, words
    vectors: dict[int, Signature] = {}
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for day in sorted(by_day):
        days = [day - dt.timedelta(days=k) for k in range(WINDOW_DAYS, -1, -1)]
        days = [d for d in days if d in by_day]
        df: Counter[str] = Counter()
        for d in days:
            df.update(day_df[d])
        n = sum(len(by_day[d]) for d in days)
        common = max(MIN_COMMON, COMMON * n)
        for j in by_day[day]:
            vectors[j] = _unit(sigs[j], df, n)
        for j in by_day[day]:
            # The cosine over the window's rarer words, through the index; only pairs
            # whose rarer words carry half the threshold are compared in full.
            vj, partial = vectors[j], defaultdict[int, float](float)
            for w, x in vj.items():
                if df[w] <= common:
                    for d in days:
                        for i in postings[d].get(w, ()):
                            if i < j:
                                partial[i] += x * vectors[i][w]
            for i, score in partial.items():
                if score < THRESHOLD / 2 or sources[i] == sources[j]:
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
    return Stories(also, {e.url: s for e, s in zip(entries, sigs, strict=True)})


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
