"""Search: Pagefind indexes of the listed articles, one per month in `<site>/pagefind/<YYYY-MM>/`,
plus a small delta index of the articles changed since their month was indexed.

Records are handed to Pagefind straight from the catalog (title, plain body text, topic and
source filters), so no page is parsed again. Pagefind cannot update an index in place, and
re-indexing the current month (up to ~3,000 articles) costs seconds, so a build that adds, edits
or deletes a few articles indexes only those, in `pagefind/recent/`, and `shards.json` lists the
records of each month they supersede (by Pagefind's result id, the hash naming its fragment), for
the browser to drop. When the delta outgrows `COMPACT_AT`, its busiest months are re-indexed and
their articles leave the delta: the cost is amortised and each build's bounded. A cold build (or
a change of digest's code or the site's language) indexes every month and writes no delta.

A stamp in each index folder lists the records it was built from (result id, URL, file key,
local time): what a build compares the catalog with, so a build that changed nothing does no
search work. Crash safety: the files go through the writer's journaled `Staging`, like the
pages: a build killed at any moment leaves the old index or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import zlib
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build.pagefind_service import INDEX, Indexing, Parts, record
from generator.build.writer import Staging, existing_files
from generator.site.catalog import Entry

STAMP = "digest-index.txt"  # in each index folder: what it was built from
SHARDS = "shards.json"  # in the index folder: months newest first, the delta, superseded ids
RECENT = "recent"  # the delta's segments are folders recent-1, recent-2…
COMPACT_AT = 1000  # records changed since their month was indexed, past which months re-index
SEGMENTS = 4  # delta segments at most (each one more index for the browser to open)
PART = "part-"  # a month's second and later parts: folders part-2, part-3… inside its folder

__all__ = [
    "COMPACT_AT", "INDEX", "RECENT", "SHARDS", "STAMP", "index_state", "shard_name",
    "update_search_index",
]  # fmt: skip


def shard_name(entry: Entry) -> str:
    """The index an article goes in: the month of its local date (a closed month never
    changes again unless an old article is edited)."""
    return f"{entry.local.year:04d}-{entry.local.month:02d}"  # twice strftime's speed


@dataclass
class Built:
    """What one index folder was built from: its stamp's records, url -> (signature, id)."""

    header: str = ""
    records: dict[str, tuple[str, str]] = field(default_factory=dict)
    parts: int = 1  # Pagefind indexes it is split in (see PART_TEXT)


def signature(entry: Entry, keys: dict[str, str]) -> str:
    """What an article's record is made of, cheaply: its file's content key and local time
    (the URL is the key it is listed by). No article body is read."""
    return f"{keys.get(entry.article.id, '')}\t{entry.local.isoformat()}"


def stamp_text(salt: str, rows: list[tuple[str, str, str, int]]) -> str:
    """A stamp: a header (the salt's digest and the whole stamp's), then id, URL, signature
    and part (when past the first) for each record."""
    body = "".join(
        f"{rid}\t{url}\t{sig}\t{part}\n" if part > 1 else f"{rid}\t{url}\t{sig}\n"
        for rid, url, sig, part in rows
    )
    tag = hashlib.sha256(salt.encode()).hexdigest()[:16]
    return f"{tag} {hashlib.sha256((salt + body).encode()).hexdigest()}\n{body}"


def read_stamp(folder: Path, salt: str) -> Built | None:
    """The records of an index folder built with `salt`; None if missing, unreadable, built
    by other code or for another language, or missing one of its parts."""
    try:
        lines = (folder / STAMP).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    tag = hashlib.sha256(salt.encode()).hexdigest()[:16]
    if not lines or not lines[0].startswith(tag + " "):
        return None
    built = Built(lines[0])
    records = built.records
    for line in lines[1:]:
        rid, url, sig = [*line.split("\t", 2), "", ""][:3]  # sig: key, local time, part
        if sig.count("\t") > 1:  # a part past the first
            sig, _, part = sig.rpartition("\t")
            built.parts = max(built.parts, int(part) if part.isdigit() else 1)
        records[url] = (sig, rid)
    if any(not (folder / f"{PART}{k}").is_dir() for k in range(2, built.parts + 1)):
        return None
    return built


def index_state(output: Path) -> str | None:
    """What the site's index holds: its entries, each folder's stamp header and parts, and the
    manifest; None without an index. Any index or part rebuilt, added, removed or lost, or a
    stray file, changes it."""
    folder = output / INDEX
    try:
        present = sorted(os.listdir(folder))
        manifest = (folder / SHARDS).read_bytes()
        headers = []
        for name in present:
            if (folder / name).is_dir():
                with (folder / name / STAMP).open(encoding="utf-8") as stamp:
                    headers.append(f"{name}:{stamp.readline().strip()}")
                parts = sorted(n for n in os.listdir(folder / name) if n.startswith(PART))
                headers += [f"{name}/{part}" for part in parts]
    except (OSError, UnicodeDecodeError):
        return None
    return "|".join([*present, *headers, hashlib.sha256(manifest).hexdigest()])


@dataclass
class Plan:
    """What a build indexes: whole months and one new delta segment; what the manifest lists."""

    months: dict[str, list[Entry]]  # every month with articles, newest first
    full: list[str]  # months to re-index
    segments: dict[str, list[Entry]]  # every delta segment (the new one too): its live articles
    new: str | None  # the delta segment to build, if any
    gone: dict[str, list[str]]  # index folder -> ids of its records superseded


def by_month(entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    """The articles of each month, newest month first (catalog order within)."""
    months: dict[str, list[Entry]] = {}
    for e in entries:
        months.setdefault(shard_name(e), []).append(e)
    return {name: months[name] for name in sorted(months, reverse=True)}


def plan(
    months: dict[str, list[Entry]], keys: dict[str, str], built: dict[str, Built | None]
) -> Plan:
    """Which months to re-index and which articles go in a new delta segment. A month never
    indexed (or built by other code) goes in the delta, unless no month is indexed: then
    every month is (cold)."""
    if not any(built.get(m) for m in months):
        return Plan(months, list(months), {}, None, {})
    changed: dict[str, list[Entry]] = {}
    gone: dict[str, list[str]] = {}
    for name, group in months.items():
        old = built.get(name)
        if old is None:
            changed[name] = group
            continue
        now = {e.url: signature(e, keys) for e in group}
        changed[name] = [e for e in group if old.records.get(e.url, ("",))[0] != now[e.url]]
        gone[name] = [rid for url, (sig, rid) in old.records.items() if now.get(url) != sig]
    churn = {m: len(changed[m]) + len(gone.get(m, ())) for m in months}
    full: list[str] = []
    left = sum(churn.values())
    if left > COMPACT_AT:  # the busiest months first, until the delta is half the bound
        for name in sorted(churn, key=lambda m: (-churn[m], m)):
            if left <= COMPACT_AT // 2:
                break
            full.append(name)
            left -= churn[name]
    delta = [e for m in months if m not in full for e in changed[m]]
    gone = {m: ids for m, ids in gone.items() if m not in full}
    segments, new = _segments(delta, keys, built, gone)
    gone = {name: ids for name, ids in gone.items() if ids}
    return Plan(months, sorted(full, reverse=True), segments, new, gone)


def _segments(
    delta: list[Entry], keys: dict[str, str], built: dict[str, Built | None], gone: dict
) -> tuple[dict[str, list[Entry]], str | None]:
    """The delta's segments (name -> live articles) and the new one's name. Segments already
    built keep the articles they hold as they are; the rest go in a new segment, which takes
    in the newest segments no bigger than itself (a binary counter: each article is indexed
    again about log2(COMPACT_AT / a build's articles) times before its month is) and any
    segment mostly superseded; past SEGMENTS segments it takes in all of them."""
    wanted = {e.url: e for e in delta}
    old = sorted((n for n in built if n.startswith(RECENT) and built[n]), key=_number)
    live: dict[str, list[Entry]] = {}
    covered: set[str] = set()
    for name in reversed(old):  # newest first: an article edited back is in one segment
        records = built[name].records  # type: ignore[union-attr]
        live[name] = []
        for url, (sig, _rid) in records.items():
            e = wanted.get(url)
            if e is not None and url not in covered and signature(e, keys) == sig:
                live[name].append(e)
                covered.add(url)
        if len(live[name]) * 2 < len(records):  # mostly superseded: rebuilt
            covered.difference_update(e.url for e in live.pop(name))
    fresh = [e for e in delta if e.url not in covered]
    kept = [n for n in old if live.get(n)]
    if fresh:
        while kept and len(live[kept[-1]]) <= len(fresh):
            fresh = live[kept.pop()] + fresh
        if len(kept) >= SEGMENTS:
            fresh, kept = [e for n in kept for e in live[n]] + fresh, []
    for name in kept:
        on = {e.url for e in live[name]}
        records = built[name].records  # type: ignore[union-attr]
        gone[name] = [rid for url, (_sig, rid) in records.items() if url not in on]
    segments = {name: live[name] for name in kept}
    if not fresh:
        return segments, None
    new = f"{RECENT}-{max(map(_number, built), default=0) + 1}"
    segments[new] = fresh
    return segments, new


def _number(name: str) -> int:
    """A delta segment's number (its folder is recent-N), 0 for a month."""
    return int(name.rpartition("-")[2]) if name.startswith(RECENT) else 0


def update_search_index(
    output: Path,
    entries: Sequence[Entry],
    keys: dict[str, str],
    language: str,
    salt: str,
    jobs: int = 1,
) -> int | None:
    """Bring the index up to the catalog: re-index the months planned, add a delta segment
    for the articles changed since, drop indexes without live articles; returns the number
    of records indexed, None when nothing needed doing."""
    salt = f"{salt}|{language}"
    folder = output / INDEX
    present = set(os.listdir(folder)) if folder.is_dir() else set()
    months = by_month(entries)
    built = {
        n: read_stamp(folder / n, salt)
        for n in present
        if n in months or (n.startswith(f"{RECENT}-") and n[len(RECENT) + 1 :].isdigit())
    }
    work = plan(months, keys, built)
    kept = {m for m in work.months if m not in work.full and built.get(m)}
    kept |= {n for n in work.segments if n != work.new}
    jobs_todo = [(m, work.months[m]) for m in work.full]
    if work.new:
        jobs_todo.append((work.new, work.segments[work.new]))
    expected = kept | {name for name, _ in jobs_todo}
    if not jobs_todo and present == (expected | {SHARDS} if expected else set()):
        manifest = _manifest(work, built, {}, {n: old.parts for n, old in built.items() if old})
        if manifest is None or _same(folder / SHARDS, manifest):
            return None
    existing = _files(folder, present - kept)
    staging = Staging(output)
    try:
        written: set[str] = set()
        changed: list[str] = []
        ids: dict[str, dict[str, str]] = {}  # index built -> url -> id
        parts = {name: old.parts for name, old in built.items() if old}
        indexing = _index(jobs_todo, keys, salt, language, jobs, ids, parts)
        with contextlib.closing(indexing) as done:
            for rel, data in done:
                written.add(rel)
                if staging.put(rel, data):
                    changed.append(rel)
        manifest = _manifest(work, built, ids, parts)
        if manifest is not None:
            written.add(f"{INDEX}/{SHARDS}")
            if staging.put(f"{INDEX}/{SHARDS}", manifest):
                changed.append(f"{INDEX}/{SHARDS}")
        removed = [p for p in existing if p not in written]
        staging.commit(sorted(changed), sorted(removed))
    except BaseException:
        staging.abort()
        raise
    return sum(len(group) for _name, group in jobs_todo)


def _manifest(
    work: Plan,
    built: dict[str, Built | None],
    fresh: dict[str, dict[str, str]],
    parts: dict[str, int],
) -> bytes | None:
    """shards.json: the month indexes newest first; with a delta, each segment's live records
    with their local time (by id: the browser files them in their month without loading
    them) and each index's superseded ids; the indexes in more than one part."""
    indexed = [m for m in work.months if m in work.full or built.get(m)]
    if not indexed and not work.segments:
        return None
    data: dict[str, Any] = {"months": indexed}
    if work.segments:
        recent = {}
        for name in sorted(work.segments, key=_number, reverse=True):
            old = built.get(name)
            ids = fresh.get(name) or {u: i for u, (_s, i) in (old.records if old else {}).items()}
            recent[name] = {ids[e.url]: e.local.isoformat() for e in work.segments[name]}
        data["recent"] = recent
    if gone := {name: sorted(ids) for name, ids in sorted(work.gone.items())}:
        data["gone"] = gone
    listed = [*indexed, *work.segments]
    if split_in := {name: parts[name] for name in sorted(listed) if parts.get(name, 1) > 1}:
        data["parts"] = split_in
    return (json.dumps(data, separators=(",", ":")) + "\n").encode()


def _index(
    todo: list[tuple[str, list[Entry]]],
    keys: dict[str, str],
    salt: str,
    language: str,
    jobs: int,
    ids: dict[str, dict[str, str]],
    parts: dict[str, int],
) -> Generator[tuple[str, bytes], None, None]:
    """Every file of the indexes in `todo` (path in the site, bytes), stamps included; each
    index's url -> id goes in `ids`, its number of parts in `parts`. Up to `jobs` Pagefind
    processes run at once: one assembles its index (or a part of one) while the next is fed."""
    running: deque[tuple[str, int, list[str], Indexing]] = deque()
    groups = dict(todo)
    placed: dict[str, dict[str, int]] = {}  # index -> url -> part

    def collect() -> Iterator[tuple[str, bytes]]:
        name, k, urls, job = running.popleft()
        yield from _collect(name, k, job, ids)
        placed.setdefault(name, {}).update(dict.fromkeys(urls, k))
        if k == parts[name]:  # its last part: the stamp
            found, where = ids[name], placed.pop(name)
            rows = [(found.get(e.url, ""), e.url, signature(e, keys), where.get(e.url, 1))
                    for e in groups[name]]  # fmt: skip
            yield f"{INDEX}/{name}/{STAMP}", stamp_text(salt, rows).encode()

    try:
        for name, group in todo:
            parts[name] = 0  # not known until its last part is fed
            cut = Parts(record(e, language) for e in group)
            while cut.more():
                if len(running) >= max(1, jobs):
                    yield from collect()
                job = Indexing(language)
                urls: list[str] = []  # filled as the part is fed
                feed = cut.next_part(urls)
                running.append((name, cut.count, urls, job))
                job.add(feed)
            parts[name] = cut.count
        while running:
            yield from collect()
    finally:
        for *_, job in running:
            job.close()


def _collect(
    name: str, k: int, job: Indexing, ids: dict[str, dict[str, str]]
) -> Iterator[tuple[str, bytes]]:
    """The files of part k of an index, in its folder (the second and later parts in
    sub-folders); the ids of its records go in `ids`."""
    found = ids.setdefault(name, {})
    folder = name if k == 1 else f"{name}/{PART}{k}"
    for rel, data in job.files():
        if rel.startswith("fragment/") and rel.endswith(".pf_fragment"):
            found[_fragment_url(data)] = rel[len("fragment/") : -len(".pf_fragment")]
        yield f"{INDEX}/{folder}/{rel}", data


_first_value = json.JSONDecoder().raw_decode


def _fragment_url(data: bytes) -> str:
    """The URL of a Pagefind fragment (gzip of a signature, then the record's JSON). Its
    first key is the URL: read from the first kilobytes, not the whole record (34,000 of
    them on a cold build), unless it is not where expected."""
    head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data, 4096)
    start = head.find(b"{")
    if head[start : start + 8] == b'{"url":"':
        with contextlib.suppress(ValueError):  # cut short: read it all
            return str(_first_value(head[start + 7 :].decode("utf-8", "replace"))[0])
    text = gzip.decompress(data)
    return str(json.loads(text[text.index(b"{") :])["url"])


def _files(folder: Path, names: set[str]) -> list[str]:
    """The site paths of the files under `folder`'s entries `names` (a month's folder holds a
    file per article: the months left alone are not listed)."""
    found = []
    for name in names:
        if (folder / name).is_dir():
            found += [f"{INDEX}/{name}/{rel}" for rel in existing_files(folder / name)]
        else:
            found.append(f"{INDEX}/{name}")
    return found


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False
