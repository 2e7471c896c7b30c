"""What each source file gave last time, so a second import skips unchanged files unread.

Keyed by the hash of the file's bytes and of the reading options: the same bytes read
the same way give the same stories. A file whose size and mtime are as recorded, read
with the same options, is not opened at all. The entry is trusted only when every story it lists
is still in content/ with that same source hash; otherwise the file is read again. It
lives in the cache folder: deleting it costs time, never correctness. Marshalled, not JSON:
an import that reads a changed file rewrites it (2.5 MB at 8,000 files).

Above it, `SettledBatch` replays a whole import that had nothing to do.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from pathlib import Path

from generator.core.atomic import read_marshal, write_json, write_marshal
from generator.importing.content_cache import ImportView
from generator.importing.discovery import SourceFile
from generator.importing.report import ImportItem, ImportReport

CACHE_NAME = "import-sources.marshal"
_FORMER = "import-sources.json"  # until 2026-12-03: removed when the cache is next saved
SETTLED_NAME = "import-settled.json"
_SETTLED_VERSION = 3  # 2: with the stories placed and the content files read; 3: inputs
# 2: stories with hashes and keys; 3: size and mtime; 4: keys relative to the root; 5: marshal
_VERSION = 5


def file_hash(data: bytes, key: str) -> str:
    return hashlib.sha256(key.encode() + b"\x00" + data).hexdigest()[:32]


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class SourceCache:
    def __init__(self, cache: Path):
        self.file = cache / CACHE_NAME
        self.base = cache.parent.resolve()  # the site root: keys are relative to it
        self._prefix = str(self.base) + os.sep
        self.entries: dict[str, dict] = {}
        self._loaded: object = None  # the cache as read: an unchanged one is not rewritten

    def load(self) -> SourceCache:
        data = read_marshal(self.file)
        if data is None:
            return self
        self._loaded = data
        if isinstance(data, dict) and data.get("version") == _VERSION:
            entries = data.get("files")
            # A copy: put() must not change the cache as read, or save() would see no change
            # and never write one (every file changed since the first import read each run).
            self.entries = dict(entries) if isinstance(entries, dict) else {}
        return self

    def key_of(self, path: Path) -> str:
        """A file's key: its path relative to the site root, so a cache restored in another
        checkout (GitHub Actions) still knows its files; absolute for files outside it."""
        text = str(path)  # strings, not PurePath.relative_to: three calls per file per run
        prefix = self._prefix
        return text[len(prefix) :] if text.startswith(prefix) else text

    def entry(self, path: Path) -> dict | None:
        found = self.entries.get(self.key_of(path))
        return found if isinstance(found, dict) else None

    def hash_of(self, path: Path) -> str | None:
        entry = self.entry(path)
        return entry.get("hash") if isinstance(entry, dict) else None

    def unchanged(self, path: Path, key: str, stat: list[int] | None) -> bool:
        """The file is as it was when last read, with the same reading options."""
        entry = self.entry(path)
        return (
            stat is not None
            and isinstance(entry, dict)
            and entry.get("stat") == stat
            and entry.get("key") == _key_digest(key)
        )

    def put(
        self,
        path: Path,
        digest: str,
        key: str,
        stat: list[int] | None,
        stories: list[list[str]],
        problems: list[tuple[str, str]],
        warnings: list[str],
    ) -> None:
        self.entries[self.key_of(path)] = {
            "hash": digest,
            "key": _key_digest(key),
            "stat": stat,
            "stories": stories,
            "problems": [list(p) for p in problems],  # lists, as the cache gives them back
            "warnings": warnings,
        }

    def save(self) -> None:
        data = {"version": _VERSION, "files": self.entries}
        if data != self._loaded:
            write_marshal(self.file, data)
            (self.file.parent / _FORMER).unlink(missing_ok=True)


class SettledBatch:
    """The report of the last import that wrote nothing, under a digest of all it depended
    on: the reading options, every source file's path, name and (size, mtime), every content
    file's name and (mtime, size). The same digest again is the same input, so a full run
    would read the same files, decide the same and write nothing: its report is replayed
    instead, and not one source file is opened. Content files edited since (an editor's
    daily work) are checked one by one (`ImportView`): when none changed what the import
    knew of it, the report is replayed too and saved under the new digest. Saved only from a
    run that wrote nothing, so what is replayed was seen, never predicted; any other run
    deletes it."""

    def __init__(
        self,
        cache: Path,
        key: str,
        files: Sequence[SourceFile],
        content: Mapping[str, tuple[int, int]],
        view: Callable[[Collection[str], bool], ImportView],
    ):
        self.file = cache / SETTLED_NAME
        self.content, self.view = content, view
        head = f"{_SETTLED_VERSION}|{key}|{len(files)}|{len(content)}"
        digest = hashlib.sha256(head.encode())
        # Joined strings and packed integers: 80,000 entries in a few ms (JSON takes 0.2 s).
        for names in (map(itemgetter(0), files), map(itemgetter(1), files), iter(content)):
            digest.update("\0".join(names).encode("utf-8", "surrogatepass") + b"\1")
        stats = chain.from_iterable(f.stat or (-1, -1) for f in files)
        digest.update(array("q", stats).tobytes())
        self.inputs = digest.hexdigest()  # all but the content files' stats
        digest.update(array("q", chain.from_iterable(content.values())).tobytes())
        self.digest = digest.hexdigest()

    def replay(self, report: ImportReport, keep: bool) -> bool:
        """Add the settled report's items and warnings to `report`; False when the input
        differs from the settled one (or nothing was settled). `keep`: save it under this
        run's digest when content files changed since without changing it."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(data, dict) or data.get("inputs") != self.inputs:
            return False
        items, warnings = data.get("items"), data.get("warnings")
        placed, consulted = data.get("placed"), data.get("consulted")
        if not (isinstance(items, list) and isinstance(warnings, list)):
            return False
        if not (isinstance(placed, int) and isinstance(consulted, list)):
            return False
        if data.get("digest") != self.digest:
            view = self.view(set(map(str, consulted)), bool(placed))
            if not all(map(view.holds, view.changed(self.content))):
                return False
            if keep:
                write_json(self.file, {**data, "digest": self.digest})
        try:
            replayed = list(map(ImportItem._make, items))
        except TypeError:
            return False
        report.items.extend(replayed)
        report.warnings.extend(str(w) for w in warnings)
        report.placed = placed
        report.consulted.update(str(rel) for rel in consulted)
        return True

    def save(self, report: ImportReport, mark: tuple[int, int]) -> None:
        """Save the report's items and warnings from `mark` (discover's own are made again
        on each run), and what its decisions depended on."""
        data = {
            "digest": self.digest,
            "inputs": self.inputs,
            "items": report.items[mark[0] :],  # tuples, as JSON lists
            "warnings": report.warnings[mark[1] :],
            "placed": report.placed,
            "consulted": sorted(report.consulted),
        }
        write_json(self.file, data)

    def clear(self) -> None:
        forget_settled(self.file.parent)


def forget_settled(cache: Path) -> None:
    """Before writing into content/: a run killed mid-write must leave no settled report."""
    (cache / SETTLED_NAME).unlink(missing_ok=True)
