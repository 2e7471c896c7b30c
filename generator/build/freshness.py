"""Which outputs are stale: each output's fingerprint against the last build's record
and its file's stat, so a build re-renders only what changed (or was touched on disk).

Before any of that, one question answers the most common build: did anything at all
change since the last complete one (every input but the clock, which only matters at
known instants)? If not, and every output file is as that build left it, there is
nothing to plan, fingerprint or render.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.build.build_cache import BuildCache, PageRecord, PlanStamp, output_hash
from generator.build.fingerprint import Fingerprinter
from generator.content.article import Article
from generator.core.config import Config
from generator.core.workers import fork_map
from generator.site.catalog import Catalog
from generator.site.feeds import Feed
from generator.site.outputs import MadeFile, Page

# Below this many outputs, forking workers costs more than it saves.
PARALLEL_FINGERPRINT = 5000


def live_files(output: Path, paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of just the files the last build wrote and this one plans: four
    times faster than walking a 40,000-file tree, and files digest never wrote are not
    its business."""
    found = {}
    base = f"{output}{os.sep}"
    for path in paths:
        try:
            stat = os.stat(base + path)
        except FileNotFoundError:
            continue
        found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


@dataclass(frozen=True)
class FingerprintState:
    """What fingerprint workers share (inherited through fork, never pickled)."""

    fingerprinter: Fingerprinter
    pages: list[Page]
    feeds: list[Feed]
    output: Path | None  # None: no record of the last build, nothing worth a stat
    previous: dict[str, PageRecord]
    # each output's fingerprint when known without digesting (build/delta.py), else None
    kept: list[str | None] | None = None


def _same_content(path: Path, known: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return output_hash(handle.read()) == known
    except OSError:
        return False


def _fingerprint_slice(
    state: FingerprintState, share: Sequence[int]
) -> tuple[Sequence[int], list, dict, list]:
    """Fingerprints of the outputs numbered in `share` (pages first, then feeds), their
    files' stats, and the outputs whose stat changed but whose bytes are what the last
    build wrote (a restored cache on a fresh checkout: every mtime is new)."""
    n_pages, fingerprints, paths = len(state.pages), [], []
    kept = state.kept
    for i in share:
        given = kept[i] if kept is not None else None
        if given is not None:
            fingerprints.append(given)
            paths.append(state.pages[i].output if i < n_pages else state.feeds[i - n_pages].path)
        elif i < n_pages:
            page = state.pages[i]
            fingerprints.append(state.fingerprinter.page(page.context, page.kind + page.template))
            paths.append(page.output)
        else:
            feed = state.feeds[i - n_pages]
            fingerprints.append(state.fingerprinter.page({"feed": feed}, "feed"))
            paths.append(feed.path)
    stats = live_files(state.output, paths) if state.output else {}
    verified = []
    for path, fingerprint in zip(paths, fingerprints, strict=True):
        known, live = state.previous.get(path), stats.get(path)
        if known and live and known[:2] == (fingerprint, live[0]) and known[2] != live[1]:
            assert state.output is not None
            if _same_content(state.output / path, known[3]):
                verified.append(path)
    return share, fingerprints, stats, verified


def fingerprint_reached(
    state: FingerprintState, numbers: Sequence[int]
) -> tuple[list[str], dict[str, tuple[int, int]], set[str]]:
    """As fingerprint_outputs, for the outputs `numbers` alone (a process that keeps its plan
    trusts the others' files and records): their fingerprints, in that order, stats and
    files verified by content."""
    _, fingerprints, stats, verified = _fingerprint_slice(state, numbers)
    return fingerprints, stats, set(verified)


def fingerprint_outputs(
    state: FingerprintState, jobs: int
) -> tuple[list[str], dict[str, tuple[int, int]], set[str]]:
    """Every output's fingerprint, the stats of the live files, and the files verified by
    content: in parallel on big sites, as this is most of what a no-change build does.
    Each process takes every jobs-th output (listing pages cost more than article pages,
    and come first), this one the first share."""
    total = len(state.pages) + len(state.feeds)
    digests = total if state.kept is None else state.kept.count(None)
    jobs = jobs if digests > PARALLEL_FINGERPRINT else 1
    fingerprints: list[str] = [""] * total
    stats: dict[str, tuple[int, int]] = {}
    verified: set[str] = set()
    shares = [range(i, total, jobs) for i in range(min(jobs, total))]
    for share, found, seen, same in fork_map(
        _fingerprint_slice, state, shares, jobs, chunksize=1, share=True
    ):
        assert isinstance(share, range)
        fingerprints[share.start : total : share.step] = found
        stats.update(seen)
        verified.update(same)
    return fingerprints, stats, verified


def stale_outputs(
    paths: list[str],
    numbers: Sequence[int],
    fingerprints: list[str],
    previous: dict[str, PageRecord],
    live: dict[str, tuple[int, int]],
    verified: set[str],
    hashes: dict[str, str],
) -> list[int]:
    """Of the outputs `numbers` (with their `fingerprints`, in that order), those to render:
    whose fingerprint or file is not what the last build recorded; the others' content
    hashes go in `hashes`."""
    todo = []
    for i, fingerprint in zip(numbers, fingerprints, strict=True):
        path = paths[i]
        known = previous.get(path)
        if known and known[0] == fingerprint and (known[1:3] == live.get(path) or path in verified):
            hashes[path] = known[3]
        else:
            todo.append(i)
    return todo


def stale_made(
    made: list[MadeFile],
    previous: dict[str, PageRecord],
    live: dict[str, tuple[int, int]],
    fingerprinter: Fingerprinter,
    output: Path,
    hashes: dict[str, str],
    kept: Mapping[str, str],
    stage: Callable[[str, bytes], bool],
) -> tuple[list[str], dict[str, str]]:
    """The files made by code whose bytes differ from the live file's, each handed to
    `stage` (which says whether it staged it) as soon as it is made: a cold build's search
    lists and sitemap are tens of megabytes, none held past its check. And each one's basis
    fingerprint for its record (`kept`: those known without digesting); a file whose basis
    and stat are as recorded is not made at all. Content hashes go in `hashes`."""
    stale: list[str] = []
    bases: dict[str, str] = {}
    for f in made:
        known = previous.get(f.path)
        if (basis := kept.get(f.path)) is not None:
            bases[f.path] = basis
        elif f.basis is None:
            bases[f.path] = ""
        else:
            bases[f.path] = fingerprinter.page({"basis": f.basis}, "made")
        if known and bases[f.path] and known[:3] == (bases[f.path], *live.get(f.path, ())):
            hashes[f.path] = known[3]
            continue
        data = f.make()
        hashes[f.path] = output_hash(data)
        if not (
            f.path in live
            and live[f.path][0] == len(data)
            and (output / f.path).read_bytes() == data
        ) and stage(f.path, data):
            stale.append(f.path)
    return stale, bases


def plan_key(salt: str, keys: dict[str, str]) -> str:
    """Every input of a build but the clock: `salt` (code, templates, static files, settings,
    options) and each content file's name and content key."""
    digest = hashlib.sha256(salt.encode("utf-8", "surrogatepass"))
    for name in sorted(keys):
        digest.update(f"{name}\0{keys[name]}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def plan_expiry(
    articles: list[Article], catalog: Catalog, config: Config, now: dt.datetime, future: bool
) -> dt.datetime | None:
    """The first instant after `now` at which the clock alone could change the output (the
    front page's "today", a future article coming due, an article leaving the feeds'
    window); None when the output depends on the exact clock (an empty site's Atom feed)."""
    if not catalog.entries:
        return None
    local = now.astimezone(config.tz)
    ends = [dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), config.tz)]
    if not future:
        ends += [a.date for a in articles if a.date > now]
    if config.feeds.days:
        window = dt.timedelta(days=config.feeds.days)
        ends += [e.article.date + window for e in catalog.entries if e.article.date >= now - window]
    return min(ends)


def unchanged_since(
    stamp: PlanStamp, key: str, cache: BuildCache, site: str, output: Path, now: dt.datetime
) -> bool:
    """Whether this build would plan, render and write exactly what the last complete one
    did: the same inputs (`key`), a clock within the span over which they give the same
    output, and every file it wrote untouched (size and mtime)."""
    if stamp.key != key or not stamp.now <= now < stamp.until:
        return False
    previous = cache.pages(site)
    live = live_files(output, previous)
    return len(live) == len(previous) and all(
        live[path] == record[1:3] for path, record in previous.items()
    )
