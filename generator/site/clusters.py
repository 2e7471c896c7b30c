"""Story clusters: articles from different sources about one event, published within two days.

Each article's signature is the words of its title and summary (its first paragraph), stop
words left out, names and figures weighing double. Its unit TF-IDF vector counts document
frequencies over its window (its day and the two before), so later days never change it; its
TOP_TERMS words of highest weight are its top terms. An earlier article of the window, from
another source, sharing a top term (an inverted index finds them; a term that more than
COMMON_TERM earlier articles of the window share finds none) is the same story when the
cosine of the two vectors reaches THRESHOLD, unless both state figures (years aside) and none
agree: "Rs8.14 a litre" and "Rs12 a litre" are two price changes. Clusters are the connected
groups of such pairs. A day's links depend only on the articles of its window and of its
window's days' windows, so a memo of them (keyed by those articles' content keys) spares a
rebuild every day a change does not reach, and runs of days can be linked in separate
worker processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from sys import intern

from generator.core.workers import fork_map
from generator.site.catalog import Catalog, Day, Entry, Group

WINDOW_DAYS = 2  # an article is compared with those of its day and the two before
THRESHOLD = 0.4  # TF-IDF cosine: see tests/data/cluster_pairs.json and the README
TOP_TERMS = 8  # an article's most significant words: candidates share one of them
COMMON_TERM = 50  # a top term of more earlier articles in a window names a subject, not an event
PARALLEL_ARTICLES = 3000  # fewer to link than this: forking workers costs more than it saves

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
# A day's result: its window key and memo text, its articles' top terms and the same spelled
# out (in the order of the day's articles), and its links (positions among the entries,
# oldest first).
DayLinks = tuple[str | None, str, list[frozenset[str]], list[str], list[tuple[int, int]]]


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
    memo: dict[str, str]  # what a later build may reuse (see find_stories)
    words: dict[str, str]  # entry URL → its terms spelled out, sorted, space-separated
    days: dict[dt.date, DayLinks]  # what a later build of this very catalog may reuse


def _cosine(va: Signature, vb: Signature) -> float:
    if len(va) > len(vb):
        va, vb = vb, va
    return sum([x * vb[w] for w, x in va.items() if w in vb])


def _top(vector: Signature) -> frozenset[str]:
    """The TOP_TERMS words of highest weight, alphabetical first on a tie. Interned: a
    worker's top terms then cross to the parent, which keeps them, as one string a word
    (pickle writes an object once), not one an article (14 MB at 34,000 articles)."""
    ranked = sorted(vector.items())
    ranked.sort(key=itemgetter(1), reverse=True)  # stable: ties stay alphabetical
    return frozenset([intern(w) for w, _ in ranked[:TOP_TERMS]])


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class _Archive:
    """The catalog's entries oldest first, by day, with signatures and vectors made only
    when a day not in the memo asks for them."""

    def __init__(self, catalog: Catalog, keys: Mapping[str, str], known: Mapping[str, str]):
        self.entries = catalog.entries[::-1]  # oldest first: an index orders articles in time
        self.sources = [e.article.source_slug or "" for e in self.entries]
        self.by_day: dict[dt.date, list[int]] = defaultdict(list)
        for i, e in enumerate(self.entries):
            self.by_day[e.day].append(i)
        self.keys = [keys.get(e.article.id) for e in self.entries]
        self.known = known
        self.memo: dict[str, str] = {}
        self._sigs: dict[int, Signature] = {}
        self._numbers: dict[int, frozenset[str]] = {}
        self._vectors: dict[dt.date, dict[int, Signature]] = {}
        self._days: dict[dt.date, str | None] = {}  # each day's digest (`_day_digest`)

    def days(self, day: dt.date) -> list[dt.date]:
        """The window of `day`: the two days before it, and itself, those with articles."""
        back = (day - dt.timedelta(days=k) for k in range(WINDOW_DAYS, -1, -1))
        return [d for d in back if d in self.by_day]

    def signature(self, i: int) -> Signature:
        found = self._sigs.get(i)
        if found is None:
            found = self._sigs[i] = signature(self.entries[i].title, self.entries[i].summary)
        return found

    def numbers(self, i: int) -> frozenset[str]:
        found = self._numbers.get(i)
        if found is None:
            found = self._numbers[i] = _numbers(self.signature(i))
        return found

    def vectors(self, day: dt.date) -> dict[int, Signature]:
        """Unit TF-IDF vectors of the day's articles, frequencies counted over its window,
        so later days never change them."""
        found = self._vectors.get(day)
        if found is not None:
            return found
        days = self.days(day)
        df: Counter[str] = Counter()
        for d in days:
            for i in self.by_day[d]:
                df.update(self.signature(i).keys())
        n = sum(len(self.by_day[d]) for d in days)
        idf = {w: math.log(1 + n / c) for w, c in df.items()}
        found = {}
        for i in self.by_day[day]:
            vec = {w: v * idf[w] for w, v in self.signature(i).items()}
            norm = math.sqrt(sum([x * x for x in vec.values()])) or 1.0
            found[i] = {w: x / norm for w, x in vec.items()}
        self._vectors[day] = found
        return found

    def window_key(self, day: dt.date) -> str | None:
        """What the day's links and top terms follow from: the articles (content keys, hence
        sources and order) of its window and of its window's days' windows, whose vectors it
        compares; None when an article has no key (nothing is reused)."""
        days = sorted({d for w in self.days(day) for d in self.days(w)})
        digests = [self._day_digest(d) for d in days]
        if None in digests:
            return None
        return "w" + _digest(day.isoformat() + "".join(digests))  # type: ignore[arg-type]

    def _day_digest(self, day: dt.date) -> str | None:
        """A digest of one day's articles (their content keys, in order): each day is in
        five windows' keys, so its 100-odd keys are hashed once, not five times."""
        if day not in self._days:
            keys = [self.keys[i] for i in self.by_day[day]]
            joined = None if None in keys else ",".join(keys)  # type: ignore[arg-type]
            self._days[day] = None if joined is None else day.isoformat() + _digest(joined)
        return self._days[day]

    def link_day(
        self,
        day: dt.date,
        top: list[frozenset[str]],
        index: dict[dt.date, dict[str, list[int]]],
    ) -> list[tuple[int, int]]:
        """The day's articles' top terms (into `top`) and their links to earlier articles of
        the window: candidates share a top term (found through `index`), then the cosine
        and the figures decide."""
        vectors = self.vectors(day)
        days = self.days(day)
        for d in days[:-1]:  # a day taken from the memo has no index until one is needed
            if d not in index:
                index[d] = {}
                for i in self.by_day[d]:
                    for w in top[i]:
                        index[d].setdefault(w, []).append(i)
        index[day] = {}
        sources, links = self.sources, []
        for j in self.by_day[day]:
            vj = vectors[j]
            top[j] = _top(vj)
            seen: set[int] = set()
            for w in top[j]:
                near = [index[d].get(w, ()) for d in days]
                if sum(map(len, near)) <= COMMON_TERM:
                    seen.update(*near)
                index[day].setdefault(w, []).append(j)
            if not sources[j]:  # an article without a source is "also reported by" no one
                continue
            nj = self.numbers(j)
            for i in sorted(seen):
                if not sources[i] or sources[i] == sources[j]:
                    continue
                ni = self.numbers(i)
                if ni and nj and not ni & nj:
                    continue
                if _cosine(self.vectors(self.entries[i].day)[i], vj) >= THRESHOLD:
                    links.append((i, j))
        return links


def _link_days(
    archive: _Archive, days: list[dt.date]
) -> list[tuple[dt.date, list[frozenset[str]], list[tuple[int, int]]]]:
    """link_day for each of `days` (oldest first): each day's top terms and links. The top
    terms of the earlier days of their windows are worked out here too (not taken from the
    memo or from another worker): they follow from the same vectors."""
    top: list[frozenset[str]] = [frozenset()] * len(archive.entries)
    index: dict[dt.date, dict[str, list[int]]] = {}
    ready: set[dt.date] = set()
    found = []
    for day in days:
        for d in archive.days(day)[:-1]:
            if d not in ready:
                for i, vector in archive.vectors(d).items():
                    top[i] = _top(vector)
                ready.add(d)
        links = archive.link_day(day, top, index)
        ready.add(day)
        found.append((day, [top[j] for j in archive.by_day[day]], links))
    return found


def find_stories(
    catalog: Catalog,
    keys: Mapping[str, str] | None = None,
    known: Mapping[str, str] | None = None,
    jobs: int = 1,
    previous: Mapping[dt.date, DayLinks] | None = None,
    changed: Iterable[dt.date] = (),
) -> Stories:
    """Every cluster of the catalog, and each entry's most significant words.

    `keys` (article id → content key) and `known` (the `memo` of an earlier build) make it
    incremental: a day whose window holds the same articles takes its links and top terms
    from `known`, so an edit recomputes only the days whose windows (or their
    windows) hold it: its day and the four after. With `jobs` > 1 and many articles to
    link, runs of days are linked in that many worker processes. `previous`: the `days` of
    the last Stories of this very catalog (the same entries in the same places), whose
    articles changed only on the days `changed`: every other day's window holds the same
    articles, so its result is taken as it is, with no key made or memo read."""
    archive = _Archive(catalog, keys or {}, known or {})
    entries, by_day = archive.entries, archive.by_day
    top: list[frozenset[str]] = [frozenset()] * len(entries)
    spelled: list[str] = [""] * len(entries)  # sorted once, for the memo and related blocks
    position = {e.article.id: i for i, e in enumerate(entries)}
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reach = {d + dt.timedelta(days=k) for d in changed for k in range(2 * WINDOW_DAYS + 1)}
    held = {d: found for d, found in (previous or {}).items() if d not in reach}
    keys_of = {
        day: held[day][0] if day in held else archive.window_key(day) for day in sorted(by_day)
    }
    todo = [
        d for d, key in keys_of.items() if d not in held and not (key and archive.known.get(key))
    ]
    if jobs > 1 and sum(len(by_day[d]) for d in todo) >= PARALLEL_ARTICLES:
        # runs of days: each worker works out the top terms of the two days before its run
        size = -(-len(todo) // (2 * jobs))
        chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
        done = fork_map(_link_days, archive, chunks, jobs, chunksize=1)
    else:
        done = iter([_link_days(archive, todo)])
    computed = {day: (terms, links) for found in done for day, terms, links in found}
    days: dict[dt.date, DayLinks] = {}
    for day, key in keys_of.items():
        if day in held:
            _, text, tops, spelt, links = days[day] = held[day]
        elif day in computed:
            tops, links = computed[day]
            ordered = [sorted(t) for t in tops]
            spelt = [" ".join(listed) for listed in ordered]
            text = json.dumps(
                [ordered, [(entries[i].article.id, entries[j].article.id) for i, j in links]]
            )
            days[day] = (key, text, tops, spelt, links)
        else:
            text = archive.known[key]  # type: ignore[index]
            ordered, pairs = json.loads(text)
            tops, spelt = [frozenset(listed) for listed in ordered], [" ".join(o) for o in ordered]
            links = [(position[a], position[b]) for a, b in pairs]
            days[day] = (key, text, tops, spelt, links)
        for j, t, w in zip(by_day[day], tops, spelt, strict=True):
            top[j], spelled[j] = t, w
        if key:
            archive.memo[key] = text
        for i, j in links:
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        clusters[root(i)].append(i)
    also: dict[str, tuple[Entry, ...]] = {}
    sources = archive.sources
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
    terms = {e.url: t for e, t in zip(entries, top, strict=True)}
    words = {e.url: w for e, w in zip(entries, spelled, strict=True)}
    return Stories(also, terms, archive.memo, words, days)


def fold(
    entries: Iterable[Entry], also: Mapping[str, tuple[Entry, ...]]
) -> tuple[set[str], dict[str, tuple[Entry, ...]]]:
    """Each story of `entries` listed once: going through them in the order given, a report
    not yet hidden leads its story and hides its other reports that are among `entries`
    (`also` lists each other source's first report only, so a source's second report of a
    story may lead it again).
    Returns the hidden URLs and, for each listed lead, its other reports (all of them, from
    any day)."""
    entries = list(entries)
    among = {e.url for e in entries}
    hidden: set[str] = set()
    shown: dict[str, tuple[Entry, ...]] = {}
    for entry in entries:
        if entry.url in hidden or entry.url not in also:
            continue
        shown[entry.url] = also[entry.url]
        # never a lead already listed: its own other reports would be listed nowhere
        hidden.update(e.url for e in also[entry.url] if e.url in among and e.url not in shown)
    return hidden, shown


def without(groups: tuple[Group, ...], hidden: set[str]) -> tuple[Group, ...]:
    """The topic groups less the hidden reports, and less any topic left empty."""
    if not hidden:
        return groups
    kept = [
        Group(g.name, g.slug, tuple(e for e in g.entries if e.url not in hidden)) for g in groups
    ]
    return tuple(g for g in kept if g.entries)


def day_stories(
    day: Day, also: Mapping[str, tuple[Entry, ...]]
) -> tuple[tuple[Group, ...], dict[str, tuple[Entry, ...]]]:
    """The day's topic groups listing each story once, under its first report of the day
    (the others of that day appear under it as "Also reported by", not again), and the
    other reports of each listed story."""
    hidden, shown = fold(reversed(day.entries), also)  # oldest first: the first report leads
    return without(day.topics, hidden), shown
