"""Which stories content/ already holds: id → file, and the hash of what was imported.

The importer needs this on every run to tell new stories from known ones. Reading the
front matter of 40,000 files each time is slow, so entries are cached in the cache
folder keyed by each file's size and mtime; the cache only saves time, never decides
safety: a file is re-verified from disk before the importer ever overwrites it. It is
marshalled, not JSON: an import that writes a file rewrites it, and at 32,000 files JSON
took 0.1-0.2 s each way.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.core.atomic import read_marshal, write_marshal
from generator.core.dates import to_aware
from generator.core.errors import DigestError

CACHE_NAME = "import-index.marshal"
_FORMER = "import-index.json"  # until 2026-12-03: removed when the index is next saved
_VERSION = 4  # 3: with each file's copy key (source, day, headline); 4: marshalled


@dataclass(frozen=True)
class ContentEntry:
    """One content file as the importer sees it."""

    path: str  # relative to content/, '/'-separated
    id: str | None  # None when the front matter cannot be read
    source_hash: str | None  # what the importer wrote it from; None for hand-written files
    copy_key: str | None = None  # stories.copy_key of what it holds, to find copies under new URLs


def read_entry(path: Path, rel: str, tz: dt.tzinfo) -> ContentEntry:
    # Here, not at the top: an import with nothing to do never parses front matter.
    from generator.content.front_matter import article_identity, split_front_matter

    try:
        text = path.read_text(encoding="utf-8-sig")
        meta, _ = split_front_matter(text, path)
    except (OSError, UnicodeDecodeError, DigestError):
        return ContentEntry(rel, None, None)
    hashed = meta.get("source_hash")
    ident = article_identity(meta, path, tz)
    return ContentEntry(rel, ident, str(hashed) if hashed else None, _copy_key(meta, tz))


def _copy_key(meta: dict, tz: dt.tzinfo) -> str | None:
    title, date = meta.get("title"), meta.get("date")
    source, url = meta.get("source"), meta.get("url")
    if not isinstance(title, str) or not date:
        return None
    try:
        day = to_aware(date, tz).date()
    except ValueError:
        return None
    from generator.importing.stories import title_key

    text = lambda v: v if isinstance(v, str) else None  # noqa: E731
    return f"{title_key(text(source), text(url), title)}|{day}"


class IndexMemo:
    """The index as this process's last import saved it, with its entries made: a process
    that imports again (the preview, after each save) neither reads nor decodes it again,
    a fifth of a second at 32,000 files. Kept by path: any other index is read."""

    def __init__(self) -> None:
        self._file: Path | None = None
        self._content: Path | None = None
        self._data: dict | None = None
        self._entries: dict[str, ContentEntry] = {}

    def get(self, file: Path) -> tuple[dict, dict[str, ContentEntry]] | None:
        if self._file != file or self._data is None:
            return None
        return self._data, self._entries

    def holds(self, content: Path) -> bool:
        """Whether an import of this process completed on this content/: it swept content/
        of temporaries then, and its own writes leave none."""
        return self._content == content and self._data is not None

    def keep(self, file: Path, content: Path, data: dict, entries: dict[str, ContentEntry]) -> None:
        self._file, self._content, self._data, self._entries = file, content, data, entries


class ContentCache:
    """Every Markdown file under content/, by path and by id."""

    def __init__(self, content: Path, cache: Path, tz: dt.tzinfo, memo: IndexMemo | None = None):
        self.content = content
        self.tz = tz
        self.cache_file = cache / CACHE_NAME
        self.memo = memo
        self.by_path: dict[str, ContentEntry] = {}
        self.by_id: dict[str, ContentEntry] = {}
        self.by_copy_key: dict[str, list[ContentEntry]] = {}
        self._stats: dict[str, tuple[int, int]] = {}
        # planned writes that failed: their files are as they were
        self._unwritten: set[str] = set()
        self._loaded: object = None  # the cache as read: an unchanged one is not rewritten
        self._cached: dict[str, list] | None = None  # its files, when it was valid
        self._moved: set[str] = set()  # the files whose entries may differ from `_cached`'s

    def load(self, stats: dict[str, tuple[int, int]]) -> ContentCache:
        """Entries for the files of `content_stats`, from the cache where the stat matches.
        `stats` is kept, not copied: refresh() records each file the import writes in it, so
        the caller's map stays content/ as it is (the build that follows needs no walk)."""
        held = self.memo.get(self.cache_file) if self.memo is not None else None
        made = held[1] if held is not None else {}  # the entries of `cached`, where made
        cached = self._read_cache(held[0] if held is not None else None)
        self._stats = stats
        moved = set()
        found, row, kept = [], cached.get, made.get
        for rel, stat in stats.items():
            entry = row(rel)
            if entry and entry[0] == stat[0] and entry[1] == stat[1]:
                known = kept(rel) or ContentEntry(rel, entry[2], entry[3], entry[4])
            else:
                known = read_entry(self.content / rel, rel, self.tz)
                moved.add(rel)
            found.append(known)
        self._put(found)
        if isinstance(self._loaded, dict) and self._loaded.get("files") is cached:
            self._cached = cached
        self._moved = moved | (cached.keys() - stats.keys())  # read, or gone
        return self

    def saved(self) -> dict[str, tuple[tuple[int, int], ContentEntry]]:
        """The files as the last import saved them, each with the stat it had then, not
        checked against the files: what content/ held for that import."""
        return {
            rel: ((entry[0], entry[1]), ContentEntry(rel, *entry[2:5]))
            for rel, entry in self._read_cache().items()
            if isinstance(entry, list) and len(entry) == 5
        }

    def add(self, known: ContentEntry) -> None:
        self._moved.add(known.path)
        self._put((known,))

    def _put(self, entries: Iterable[ContentEntry]) -> None:
        """Index entries, in content/'s order: an id's first file is the one found by id."""
        by_path, by_id, by_copy_key = self.by_path, self.by_id, self.by_copy_key
        for known in entries:
            by_path[known.path] = known
            ident, key = known.id, known.copy_key
            if ident and ident not in by_id:
                by_id[ident] = known
            if key:
                listed = by_copy_key.get(key)
                if listed is None:
                    by_copy_key[key] = [known]
                else:
                    listed.append(known)

    def _where(self) -> str:
        """content/ relative to the site root (the cache's parent), so the index stays valid
        when the site is checked out elsewhere."""
        return os.path.relpath(self.content, self.cache_file.parent.parent)

    def unwritten(self, rel: str) -> None:
        """A planned write of `rel` failed: its entry (the planned one) is not saved, so the
        next run reads the file as it is and plans the story again, rather than trusting
        the old file's stat with the new story's hash (and taking it as imported)."""
        self._unwritten.add(rel)
        self._moved.add(rel)

    def refresh(self, rel: str) -> None:
        """Re-stat a file the importer just wrote, so the next run trusts its entry."""
        st = (self.content / rel).stat()
        self._stats[rel] = (st.st_mtime_ns, st.st_size)
        self._moved.add(rel)

    def _read_cache(self, held: dict | None = None) -> dict[str, list]:
        """The index's files (`held`: as this process last saved it, not read again)."""
        data = held if held is not None else read_marshal(self.cache_file)
        self._loaded = data
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        if data.get("content") != self._where() or data.get("zone") != str(self.tz):
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def save(self) -> None:
        """Write the index if an entry changed. The index as read is patched for the files
        read, written, added or gone (an import after a save touches a few of 32,000);
        built whole when it was not valid."""
        if self._cached is None:
            rows = ((rel, self._row(rel, k)) for rel, k in self.by_path.items())
            files, changed = {rel: row for rel, row in rows if row is not None}, True
        else:
            files, changed = self._cached, False
            for rel in self._moved:
                row = self._row(rel, self.by_path.get(rel))
                if row != self._cached.get(rel):
                    if not changed:
                        files, changed = dict(self._cached), True  # the memo's stays as it was
                    if row is None:
                        del files[rel]
                    else:
                        files[rel] = row
        data = {
            "version": _VERSION,
            "content": self._where(),
            "zone": str(self.tz),
            "files": files,
        }
        if changed:
            write_marshal(self.cache_file, data)
            (self.cache_file.parent / _FORMER).unlink(missing_ok=True)
        else:
            data = self._loaded  # type: ignore[assignment]
        if self.memo is not None:
            self.memo.keep(self.cache_file, self.content, data, self.by_path)

    def _row(self, rel: str, known: ContentEntry | None) -> list | None:
        """The index's entry for a file: None for one not (or no longer) on disk as known."""
        if known is None or rel not in self._stats or rel in self._unwritten:
            return None
        return [*self._stats[rel], known.id, known.source_hash, known.copy_key]


class ImportView:
    """content/ as a settled import saw it (its saved index), to tell whether files changed
    since leave that import's decisions as they were: it opened only the files it
    `consulted`; of the others it knew the index entry alone, the id and source hash (a
    replayed story needs no more) and the copy key when it `placed` any story (a title edit
    changes it). `digest import` and the preview both ask this before replaying one."""

    def __init__(
        self, content: Path, cache: Path, tz: dt.tzinfo, consulted: Collection[str], placed: bool
    ):
        self.content = content
        self.consulted = consulted
        self.placed = placed
        self.tz = tz
        self._cache = ContentCache(content, cache, tz)
        self._saved: dict[str, tuple[tuple[int, int], ContentEntry]] | None = None

    def _entries(self) -> dict[str, tuple[tuple[int, int], ContentEntry]]:
        if self._saved is None:
            self._saved = self._cache.saved()
        return self._saved

    def changed(self, stats: Mapping[str, tuple[int, int]]) -> list[str]:
        """The files of `content_stats` whose stat is not the one the import saw."""
        saved = self._entries()
        return [rel for rel, st in stats.items() if (e := saved.get(rel)) is None or e[0] != st]

    def holds(self, rel: str) -> bool:
        """The content file `rel` (changed, added or deleted since) is, for the import, as it was."""
        if rel in self.consulted:
            return False
        saved = self._entries()
        path, before = self.content / rel, saved.get(rel)
        if not path.exists():  # deleted or moved: a file it knew, or a folder of them
            return before is None and not any(k.startswith(rel + "/") for k in saved)
        if not path.is_file():
            return False
        if not rel.endswith(".md"):
            return True  # not an article: the import never lists it
        if before is None:
            return False
        return self._key(before[1]) == self._key(read_entry(path, rel, self.tz))

    def _key(self, entry: ContentEntry) -> tuple[str | None, ...]:
        if self.placed:
            return (entry.id, entry.source_hash, entry.copy_key)
        return (entry.id, entry.source_hash)
