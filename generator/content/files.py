"""Finding and reading content/'s files: many thousands of them on every build and import,
so both stay cheap (strings rather than Paths, reads sized to the file)."""

from __future__ import annotations

import os
from pathlib import Path

from generator.core.errors import DigestError, Problem

READ_CHUNK = 64 * 1024  # below malloc's mmap threshold


def content_files(folder: Path) -> list[str]:
    """Every Markdown file under `folder` as a path string, sorted; hidden files and folders
    skipped. Strings, because building Path objects for 40,000 files costs a second."""
    found: list[str] = []

    def scan(path: str) -> None:
        try:
            entries = os.scandir(path)
        except OSError as exc:
            raise DigestError(Problem(path, f"folder cannot be read: {exc.strerror}")) from None
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path)
                elif entry.name.endswith(".md") and entry.is_file():  # no stat unless a link
                    found.append(entry.path)

    if os.path.isdir(folder):
        scan(str(folder))
    return sorted(found)


def content_stats(content: Path) -> dict[str, tuple[int, int]]:
    """Every Markdown file under content/ (relative, '/'-separated) → (mtime in ns, size):
    what tells, without reading a file, whether it changed since the last import or build."""
    root = f"{content}{os.sep}"
    stats = {}
    for name in content_files(content):  # strings, not Paths: 40,000 files each run
        try:
            st = os.stat(name)
        except OSError:
            continue
        stats[name[len(root) :].replace(os.sep, "/")] = (st.st_mtime_ns, st.st_size)
    return stats


def find_content(folder: Path) -> list[Path]:
    return [Path(p) for p in content_files(folder)]


def read_limited(path: str | Path, max_bytes: int) -> bytes:
    """A file's bytes, reading at most one byte over the limit: a huge file is refused by
    parse_article without being read whole. Raises OSError.

    Reads by the file's size, never asking for the limit: a 5 MB request is served from a
    memory mapping of its own that the shrunken result keeps, one mapping per file, and past
    ~65,000 files the process hits the kernel's vm.max_map_count and cannot load a module."""
    with open(path, "rb", buffering=0) as handle:
        want = min(os.fstat(handle.fileno()).st_size, max_bytes) + 1  # +1: growth, the limit
        data = handle.read(want)
        while len(data) == want and want <= max_bytes:  # the file grew since fstat
            more = handle.read(min(READ_CHUNK, max_bytes + 1 - len(data)))
            if not more:
                break
            data += more
            want = len(data)
        return data
