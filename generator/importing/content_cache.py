"""Which stories content/ already holds: id → file, and the hash of what was imported.

The importer needs this on every run to tell new stories from known ones. Reading the
front matter of 40,000 files each time is slow, so entries are cached in the cache
folder keyed by each file's size and mtime; the cache only saves time, never decides
safety: a file is re-verified from disk before the importer ever overwrites it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.content.front_matter import find_content, split_front_matter
from generator.core.dates import to_aware
from generator.core.errors import DigestError
from generator.core.identity import article_id

CACHE_NAME = "import-index.json"
_VERSION = 1


@dataclass(frozen=True)
class Known:
    """One content file as the importer sees it."""

    path: str  # relative to content/, '/'-separated
    id: str | None  # None when the front matter cannot be read
    source_hash: str | None  # what the importer wrote it from; None for hand-written files


def read_known(path: Path, rel: str) -> Known:
    try:
        text = path.read_text(encoding="utf-8-sig")
        meta, _ = split_front_matter(text, path)
        date = meta.get("date")
        aware = to_aware(date, dt.UTC) if date else None
    except (OSError, UnicodeDecodeError, DigestError, ValueError):
        return Known(rel, None, None)
    given = meta.get("id")
    ident = (
        str(given)
        if given
        else article_id(
            _str(meta.get("url")), _str(meta.get("source")), aware, _str(meta.get("title"))
        )
    )
    return Known(rel, ident, _str(meta.get("source_hash")))


def _str(value: object) -> str | None:
    return str(value) if isinstance(value, str | int | float) and value != "" else None


class ContentIndex:
    """Every Markdown file under content/, by path and by id."""

    def __init__(self, content: Path, cache: Path):
        self.content = content
        self.cache_file = cache / CACHE_NAME
        self.by_path: dict[str, Known] = {}
        self.by_id: dict[str, Known] = {}
        self._stats: dict[str, tuple[int, int]] = {}

    def load(self) -> ContentIndex:
        cached = self._read_cache()
        for path in find_content(self.content):
            rel = path.relative_to(self.content).as_posix()
            try:
                st = path.stat()
            except OSError:
                continue
            stat = (st.st_mtime_ns, st.st_size)
            entry = cached.get(rel)
            if entry and tuple(entry[:2]) == stat:
                known = Known(rel, entry[2], entry[3])
            else:
                known = read_known(path, rel)
            self._stats[rel] = stat
            self.add(known)
        return self

    def add(self, known: Known) -> None:
        self.by_path[known.path] = known
        if known.id and known.id not in self.by_id:
            self.by_id[known.id] = known

    def refresh(self, rel: str) -> None:
        """Re-stat a file the importer just wrote, so the next run trusts its entry."""
        st = (self.content / rel).stat()
        self._stats[rel] = (st.st_mtime_ns, st.st_size)

    def _read_cache(self) -> dict[str, list]:
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        if data.get("content") != str(self.content):
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def save(self) -> None:
        files = {
            rel: [*self._stats[rel], k.id, k.source_hash]
            for rel, k in self.by_path.items()
            if rel in self._stats
        }
        data = {"version": _VERSION, "content": str(self.content), "files": files}
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".import-index.", dir=self.cache_file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, separators=(",", ":"))
            os.replace(tmp, self.cache_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
