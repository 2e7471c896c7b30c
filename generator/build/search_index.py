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
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build.pagefind_service import INDEX, Indexing
from generator.build.render import datefmt
from generator.build.writer import Staging, existing_files
from generator.core.sanitise import plain_text
from generator.site.catalog import Entry

STAMP = "digest-index.txt"  # in each index folder: what it was built from
SHARDS = "shards.json"  # in the index folder: months newest first, the delta, superseded ids
RECENT = "recent"  # the delta index's folder
COMPACT_AT = 500  # records changed since their month was indexed, past which months re-index

__all__ = [
    "COMPACT_AT", "INDEX", "RECENT", "SHARDS", "STAMP", "index_state", "record", "shard_name",
    "update_search_index",
]  # fmt: skip


def shard_name(entry: Entry) -> str:
    """The index an article goes in: the month of its local date (a closed month never
    changes again unless an old article is edited)."""
    return f"{entry.local:%Y-%m}"


def record(entry: Entry, language: str) -> dict[str, Any]:
    """One Pagefind record: what a result shows (meta) and what it can be filtered by."""
    a = entry.article
    meta = {
        "title": a.title,
        "date": datefmt(entry.local, "day"),
        "datetime": entry.local.isoformat(),
        "topic": a.topic,
    }
    filters = {"topic": [a.topic]}
    if a.source:
        meta["source"] = a.source
        filters["source"] = [a.source]
    return {
        "type": "AddRecord",
        "url": entry.url,
        "content": f"{a.title}. {plain_text(str(a.body_html))}",
        "language": language,
        "meta": meta,
        "filters": filters,
        "sort": {"date": meta["datetime"]},
    }


@dataclass
class Built:
    """What one index folder was built from: its stamp's records, url -> (signature, id)."""

    header: str = ""
    records: dict[str, tuple[str, str]] = field(default_factory=dict)


def signature(entry: Entry, keys: dict[str, str]) -> str:
    """What an article's record is made of, cheaply: its file's content key and local time
    (the URL is the key it is listed by). No article body is read."""
    return f"{keys.get(entry.article.id, '')}\t{entry.local.isoformat()}"


def stamp_text(salt: str, rows: list[tuple[str, str, str]]) -> str:
    """A stamp: a header (the salt's digest and the whole stamp's), then id, URL, signature
    for each record."""
    body = "".join(f"{rid}\t{url}\t{sig}\n" for rid, url, sig in rows)
    tag = hashlib.sha256(salt.encode()).hexdigest()[:16]
    return f"{tag} {hashlib.sha256((salt + body).encode()).hexdigest()}\n{body}"


def read_stamp(folder: Path, salt: str) -> Built | None:
    """The records of an index folder built with `salt`; None if missing, unreadable or built
    by other code or for another language."""
    try:
        lines = (folder / STAMP).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    tag = hashlib.sha256(salt.encode()).hexdigest()[:16]
    if not lines or not lines[0].startswith(tag + " "):
        return None
    built = Built(lines[0])
    for line in lines[1:]:
        rid, url, key, local = [*line.split("\t"), "", "", ""][:4]
        built.records[url] = (f"{key}\t{local}", rid)
    return built


def index_state(output: Path) -> str | None:
    """What the site's index holds: its entries, each folder's stamp header and the manifest;
    None without an index. Any index rebuilt, added, removed or lost, or a stray file,
    changes it."""
    folder = output / INDEX
    try:
        present = sorted(os.listdir(folder))
        manifest = (folder / SHARDS).read_bytes()
        headers = []
        for name in present:
            if (folder / name).is_dir():
                with (folder / name / STAMP).open(encoding="utf-8") as stamp:
                    headers.append(f"{name}:{stamp.readline().strip()}")
    except (OSError, UnicodeDecodeError):
        return None
    return "|".join([*present, *headers, hashlib.sha256(manifest).hexdigest()])


@dataclass
class Plan:
    """What a build indexes: whole months, the delta (None: no delta), the manifest's parts."""

    months: dict[str, list[Entry]]  # every month with articles, newest first
    full: list[str]  # months to re-index
    delta: list[Entry] | None
    gone: dict[str, list[str]]  # month -> ids of its records superseded


def plan(entries: Sequence[Entry], keys: dict[str, str], built: dict[str, Built | None]) -> Plan:
    """Which months to re-index and what the delta holds. A month never indexed (or built by
    other code) goes in the delta, unless no month is indexed: then every month is (cold)."""
    months: dict[str, list[Entry]] = {}
    for e in sorted(entries, key=shard_name, reverse=True):  # stable: catalog order within
        months.setdefault(shard_name(e), []).append(e)
    if not any(built.get(m) for m in months):
        return Plan(months, list(months), None, {})
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
    gone = {m: ids for m, ids in gone.items() if ids and m not in full}
    return Plan(months, sorted(full, reverse=True), delta or None, gone)


def update_search_index(
    output: Path,
    entries: Sequence[Entry],
    keys: dict[str, str],
    language: str,
    salt: str,
    jobs: int = 1,
) -> int | None:
    """Bring the index up to the catalog: re-index the months planned, rebuild the delta if
    its articles changed, drop months without articles; returns the number of records
    indexed, None when nothing needed doing."""
    salt = f"{salt}|{language}"
    folder = output / INDEX
    present = set(os.listdir(folder)) if folder.is_dir() else set()
    names = {shard_name(e) for e in entries} | {RECENT}
    built = {n: read_stamp(folder / n, salt) for n in present if n in names}
    work = plan(entries, keys, built)
    kept = [m for m in work.months if m not in work.full and built.get(m)]
    rows = {e.url: signature(e, keys) for e in work.delta or ()}
    old_delta = built.get(RECENT)
    redo_delta = work.delta is not None and (
        old_delta is None or {u: s for u, (s, _) in old_delta.records.items()} != rows
    )
    jobs_todo = [(m, work.months[m]) for m in work.full]
    if redo_delta:
        jobs_todo.append((RECENT, work.delta or []))
    expected = {*work.full, *kept, *([RECENT] if work.delta else [])}
    if not jobs_todo and present == (expected | {SHARDS} if expected else set()):
        manifest = _manifest(work, kept, built, {})
        if manifest is None or _same(folder / SHARDS, manifest):
            return None
    touched = present - {*kept, *([RECENT] if work.delta and not redo_delta else [])}
    existing = _files(folder, touched)
    staging = Staging(output)
    try:
        written: set[str] = set()
        changed: list[str] = []
        ids: dict[str, dict[str, str]] = {}  # index rebuilt -> url -> id
        with contextlib.closing(_index(jobs_todo, keys, salt, language, jobs, ids)) as done:
            for rel, data in done:
                written.add(rel)
                if staging.put(rel, data):
                    changed.append(rel)
        manifest = _manifest(work, kept, built, ids.get(RECENT, {}))
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
    work: Plan, kept: list[str], built: dict[str, Built | None], fresh: dict[str, str]
) -> bytes | None:
    """shards.json: the month indexes newest first; with a delta, its records' months and
    times (by id: the browser files them in their month without loading them) and each
    month's superseded ids."""
    indexed = sorted({*work.full, *kept}, reverse=True)
    if not indexed and not work.delta:
        return None
    data: dict[str, Any] = {"months": indexed}
    if work.delta:
        old = built.get(RECENT)
        ids = fresh or {url: rid for url, (_sig, rid) in (old.records if old else {}).items()}
        data["recent"] = {ids[e.url]: e.local.isoformat() for e in work.delta}
    if gone := {m: sorted(work.gone[m]) for m in indexed if work.gone.get(m)}:
        data["gone"] = gone
    return (json.dumps(data, separators=(",", ":")) + "\n").encode()


def _index(
    todo: list[tuple[str, list[Entry]]],
    keys: dict[str, str],
    salt: str,
    language: str,
    jobs: int,
    ids: dict[str, dict[str, str]],
) -> Generator[tuple[str, bytes], None, None]:
    """Every file of the indexes in `todo` (path in the site, bytes), stamps included; each
    index's url -> id goes in `ids`. Up to `jobs` Pagefind processes run at once: one
    assembles its index while the next is fed."""
    running: deque[tuple[str, list[Entry], Indexing]] = deque()
    try:
        for name, group in todo:
            if len(running) >= max(1, jobs):
                yield from _collect(*running.popleft(), keys, salt, ids)
            job = Indexing(language)
            running.append((name, group, job))
            job.add(record(e, language) for e in group)
        while running:
            yield from _collect(*running.popleft(), keys, salt, ids)
    finally:
        for _name, _group, job in running:
            job.close()


def _collect(
    name: str,
    group: list[Entry],
    job: Indexing,
    keys: dict[str, str],
    salt: str,
    ids: dict[str, dict[str, str]],
) -> Iterator[tuple[str, bytes]]:
    found = ids.setdefault(name, {})
    for rel, data in job.files():
        if rel.startswith("fragment/") and rel.endswith(".pf_fragment"):
            found[_fragment_url(data)] = rel[len("fragment/") : -len(".pf_fragment")]
        yield f"{INDEX}/{name}/{rel}", data
    rows = [(found.get(e.url, ""), e.url, signature(e, keys)) for e in group]
    yield f"{INDEX}/{name}/{STAMP}", stamp_text(salt, rows).encode()


def _fragment_url(data: bytes) -> str:
    """The URL of a Pagefind fragment (gzip of a signature, then the record's JSON)."""
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
