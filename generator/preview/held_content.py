"""content/'s files as the preview last saw them, kept up to date from the watcher's reports.

A save changes one file, yet finding it by walking content/ stats every file: 0.2-0.4 s at
30,000 articles, twice on a save that imports (once for the import, once for the build).
The watcher already names the changed files, so the preview keeps the map `content_stats`
made and stats only those again. Whatever it cannot follow file by file (the first build, a
folder made or moved in, a watcher that gave up and names whole roots, another content/, a
rebuild that failed half-way) is walked again, as the command line always does.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from generator.content.files import content_stats

Stats = dict[str, tuple[int, int]]  # content_stats' map: relative path → (mtime_ns, size)


class HeldContent:
    """The content_stats map of one content/ folder, between rebuilds of one process.

    The map is handed out, not copied: the import records each file it writes in it
    (ContentCache.refresh), so it stays content/ as the import left it."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._stats: Stats | None = None

    def current(self, folder: Path, changed: Iterable[str] | None) -> Stats:
        """content/'s files now, given the files `changed` since the last call (None: any
        may have)."""
        stats = self._stats if self._folder == folder else None
        if stats is not None and changed is not None and _follow(stats, folder, changed):
            return stats
        self._folder, self._stats = folder, content_stats(folder)
        return self._stats

    def drop(self) -> None:
        """Forget the map: the next call walks (a rebuild failed, and its import may have
        written files it did not record)."""
        self._stats = None


def _follow(stats: Stats, folder: Path, changed: Iterable[str]) -> bool:
    """Bring `stats` up to date for the `changed` paths, as content_stats would list them;
    False when it cannot (a folder among them): then the map is walked again."""
    root = f"{folder}{os.sep}"
    added = False
    for path in changed:
        if not path.startswith(root):
            continue  # a template, a source record, digest.toml...
        parts = path[len(root) :].split(os.sep)
        if any(part.startswith(".") for part in parts):
            continue  # content_files skips hidden files and folders
        rel = "/".join(parts)
        try:
            st = os.stat(path)
        except OSError:  # gone: the file, or every file of a folder moved or deleted
            stats.pop(rel, None)
            for gone in [k for k in stats if k.startswith(rel + "/")]:
                del stats[gone]
            continue
        if stat.S_ISDIR(st.st_mode):
            return False  # a folder made or moved in: its files are not named one by one
        if not stat.S_ISREG(st.st_mode) or not rel.endswith(".md"):
            stats.pop(rel, None)
            continue
        added = added or rel not in stats
        stats[rel] = (st.st_mtime_ns, st.st_size)
    if added:  # in the walk's order (first of two files with one id wins, in the import)
        ordered = sorted(stats.items())
        stats.clear()
        stats.update(ordered)
    return True
