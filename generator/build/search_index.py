"""Search: Pagefind indexes of the listed articles, one per month, in `<site>/pagefind/<YYYY-MM>/`.

Records are handed to Pagefind straight from the catalog (title, plain body text, topic and
source filters), so no page is parsed again. Pagefind cannot update an index in place, so the
archive is split by the month of each article's local date: an edit, a new article or a
deletion re-indexes only its month, and the browser merges the months (Pagefind's `mergeIndex`,
newest first; `pagefind/shards.json` lists them). A stamp in each month's folder names what it
was built from (its articles' URLs, file keys and times, digest's code, the site's language), so
a build that changed none of that does no search work.

Crash safety: the files go through the writer's journaled `Staging`, like the pages: only
changed files are moved in, and a build killed at any moment leaves the old index or the new
one (a month's stamp moves with its files), never a mixture the next build would trust.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from generator.build.pagefind_service import INDEX, Indexing
from generator.build.render import datefmt
from generator.build.writer import Staging, existing_files
from generator.core.sanitise import plain_text
from generator.site.catalog import Entry

STAMP = "digest-index.txt"  # in each month's folder: the digest of what it was built from
SHARDS = "shards.json"  # in the index folder: {"months": [newest first]}, for the search page

__all__ = ["INDEX", "SHARDS", "STAMP", "record", "shard_name", "update_search_index"]


def shard_name(entry: Entry) -> str:
    """The index an article goes in: the month of its local date (a closed month never
    changes again unless an old article is edited)."""
    return f"{entry.local:%Y-%m}"


def index_digest(entries: Iterable[Entry], keys: dict[str, str], salt: str) -> str:
    """What an index is built from: every article's URL, file content key and local time,
    plus `salt` (digest's code, the site's language). Cheap: no article body is read."""
    digest = hashlib.sha256(salt.encode())
    for e in entries:
        digest.update(f"{e.url}\0{keys.get(e.article.id, '')}\0{e.local.isoformat()}\n".encode())
    return digest.hexdigest()


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


def read_stamp(folder: Path) -> str | None:
    try:
        return (folder / STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def index_state(output: Path) -> str | None:
    """What the site's index holds: its entries, months and their stamps; None without an
    index. Any month re-indexed, added, removed or lost, or a stray file, changes it."""
    folder = output / INDEX
    try:
        present = sorted(os.listdir(folder))
        months = json.loads((folder / SHARDS).read_text(encoding="utf-8"))["months"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return "|".join(present) + "|" + ",".join(f"{m}:{read_stamp(folder / str(m))}" for m in months)


def plan_shards(
    entries: Sequence[Entry], keys: dict[str, str], salt: str
) -> dict[str, tuple[str, list[Entry]]]:
    """Each month's (stamp, articles), newest month first."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(shard_name(e), []).append(e)
    return {
        name: (index_digest(groups[name], keys, salt), groups[name])
        for name in sorted(groups, reverse=True)
    }


def update_search_index(
    output: Path,
    entries: Sequence[Entry],
    keys: dict[str, str],
    language: str,
    salt: str,
    jobs: int = 1,
) -> int | None:
    """Re-index the months of `entries` whose stamp differs, drop months that have no
    articles left; returns the number of records indexed, None when nothing needed doing."""
    shards = plan_shards(entries, keys, f"{salt}|{language}")
    folder = output / INDEX
    manifest = (json.dumps({"months": list(shards)}) + "\n").encode() if shards else None
    todo = [name for name, (stamp, _) in shards.items() if read_stamp(folder / name) != stamp]
    present = set(os.listdir(folder)) if folder.is_dir() else set()
    expected = {*shards, SHARDS} if shards else set()
    if not todo and present == expected and (manifest is None or _same(folder / SHARDS, manifest)):
        return None
    existing = _files(folder, present - (shards.keys() - set(todo)))
    staging = Staging(output)
    try:
        written: set[str] = set()
        changed: list[str] = []
        jobs_todo = [(name, shards[name]) for name in todo]
        with contextlib.closing(_index(jobs_todo, language, jobs)) as done:
            for rel, data in done:
                written.add(rel)
                if staging.put(rel, data):
                    changed.append(rel)
        if manifest is not None:
            written.add(f"{INDEX}/{SHARDS}")
            if staging.put(f"{INDEX}/{SHARDS}", manifest):
                changed.append(f"{INDEX}/{SHARDS}")
        removed = [p for p in existing if p not in written]
        staging.commit(sorted(changed), sorted(removed))
    except BaseException:
        staging.abort()
        raise
    return sum(len(shards[name][1]) for name in todo)


def _index(
    todo: list[tuple[str, tuple[str, list[Entry]]]], language: str, jobs: int
) -> Generator[tuple[str, bytes], None, None]:
    """Every file of the months in `todo` (path in the site, bytes), stamp included. Up to
    `jobs` Pagefind processes run at once: one assembles its index while the next is fed."""
    running: deque[tuple[str, str, Indexing]] = deque()
    try:
        for name, (stamp, group) in todo:
            if len(running) >= max(1, jobs):
                yield from _collect(*running.popleft())
            job = Indexing(language)
            running.append((name, stamp, job))
            job.add(record(e, language) for e in group)
        while running:
            yield from _collect(*running.popleft())
    finally:
        for _name, _stamp, job in running:
            job.close()


def _collect(name: str, stamp: str, job: Indexing) -> Iterator[tuple[str, bytes]]:
    for rel, data in job.files():
        yield f"{INDEX}/{name}/{rel}", data
    yield f"{INDEX}/{name}/{STAMP}", (stamp + "\n").encode()


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
