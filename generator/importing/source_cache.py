"""What each source file gave last time, so a second import skips unchanged files unread.

Keyed by the hash of the file's bytes and of the reading options: the same bytes read
the same way give the same stories. A file whose size and mtime are as recorded, read
with the same options, is not opened at all. The entry is trusted only when every story it lists
is still in content/ with that same source hash; otherwise the file is read again. It
lives in the cache folder: deleting it costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.core.atomic import write_json

CACHE_NAME = "import-sources.json"
_VERSION = 4  # 2: stories with hashes and keys; 3: size and mtime; 4: keys relative to the root


def file_hash(data: bytes, key: str) -> str:
    return hashlib.sha256(key.encode() + b"\x00" + data).hexdigest()[:32]


def file_stat(path: Path) -> list[int] | None:
    """[size, mtime in ns], as JSON keeps it; None for a file that cannot be stat'ed."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


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
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self
        self._loaded = data
        if isinstance(data, dict) and data.get("version") == _VERSION:
            entries = data.get("files")
            self.entries = entries if isinstance(entries, dict) else {}
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
            "problems": [list(p) for p in problems],  # as JSON gives them back
            "warnings": warnings,
        }

    def save(self) -> None:
        data = {"version": _VERSION, "files": self.entries}
        if data != self._loaded:
            write_json(self.file, data)
