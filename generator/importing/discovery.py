"""Which source files an import reads, each with its size and mtime.

An import over an unchanged archive of 40,000 files should cost little more than a stat of
each, so this walks with strings and `os.scandir` (whose entries know a file from a folder
without a stat), stats each file once, and builds no Path objects: the importer makes
those only for the files it reads.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from generator.core.wording import plural
from generator.importing.readers import JSONL_SUFFIXES
from generator.importing.report import ImportReport

# What a folder import reads; other files are named on the command line to be read.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".json", *JSONL_SUFFIXES})
GLOB = re.compile(r"[*?\[]")

Stat = tuple[int, int] | None  # (size, mtime in ns); None for a file that cannot be stat'ed


class SourceFile(NamedTuple):
    real: str  # the resolved path: one file reached twice is read once
    shown: str  # as messages name it
    stat: Stat


def discover(
    paths: Iterable[Path],
    content: Path,
    cache: Path,
    report: ImportReport,
    shown_from: Path | None = None,
) -> list[SourceFile]:
    """Files named (or matched by a glob), and the text files under folders named (hidden
    ones skipped), in a stable order; one warning sums up what a folder held that is not
    a scraped article (a CSV, an image)."""
    found: dict[str, tuple[str, Stat]] = {}
    skipped: Counter[str] = Counter()
    skip = (str(content.resolve()), str(cache.resolve()))
    for given in paths:
        if given.is_file():
            real = os.path.realpath(given)
            found.setdefault(real, (str(given), _stat(real)))
        elif given.is_dir():
            for path, real, stat in _files_under(str(given), skip):
                if path[path.rfind(".") :].lower() not in TEXT_SUFFIXES and not _readable(path):
                    skipped[_suffix(path).lower() or "(no extension)"] += 1
                    continue
                found.setdefault(real, (path, stat))
        elif GLOB.search(str(given)) and not given.exists():
            matches = _glob(given)
            if not matches:
                report.add(str(given), "failed", "matches no file; check the pattern")
                report.unfound.append(str(given))
            for match in matches:
                real = os.path.realpath(match)
                found.setdefault(real, (str(match), _stat(real)))
        else:
            report.add(str(given), "failed", "no such file or folder; check the path")
            report.unfound.append(str(given))
    if skipped:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        total = sum(skipped.values())
        report.warnings.append(
            f"skipped {plural(total, 'file')} that {'is' if total == 1 else 'are'} not "
            f"scraped text or JSON ({kinds}); name a file to import it anyway"
        )
    show = _shown_from(shown_from) if shown_from is not None else (lambda shown: shown)
    ordered = sorted(found.items(), key=lambda item: _path_order(item[0]))
    return [SourceFile(real, show(shown), stat) for real, (shown, stat) in ordered]


def _shown_from(base_path: Path) -> Callable[[str], str]:
    """digest.toml's [import] paths are named as written there: relative to its folder.
    One os.path.relpath per folder, not per file (it costs ~10 µs)."""
    base = base_path.resolve()
    folders: dict[str, str | None] = {}

    def show(shown: str) -> str:
        head, name = os.path.split(shown)
        if head not in folders:
            inside = Path(head).is_relative_to(base)
            folders[head] = os.path.relpath(head, base) if inside else None
        rel = folders[head]
        if rel is None:
            return shown
        return name if rel == "." else os.path.join(rel, name)

    return show


def _inside(real: str, folders: tuple[str, ...]) -> bool:
    return any(real == f or real.startswith(f + os.sep) for f in folders)


def _files_under(folder: str, skip: tuple[str, ...]) -> list[tuple[str, str, Stat]]:
    """(path, resolved path, stat) of every file under a folder, sorted by path; hidden files
    and folders, and folders inside `skip`, left out; linked folders followed once."""
    found: list[tuple[str, str, Stat]] = []
    seen: set[str] = set()

    def scan(path: str, real_root: str) -> None:
        if real_root in seen or _inside(real_root, skip):
            return
        seen.add(real_root)
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            return
        folders = []
        prefix = real_root.rstrip(os.sep) + os.sep
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir():  # a linked folder is resolved, any other named
                    linked = entry.is_symlink()
                    real = os.path.realpath(entry.path) if linked else prefix + name
                    folders.append((entry.path, real))
                    continue
                if not entry.is_file():
                    continue
                st = entry.stat()
            except OSError:
                continue
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if _inside(real, skip):
                    continue
            else:
                real = prefix + name
            found.append((entry.path, real, (st.st_size, st.st_mtime_ns)))
        for sub, real in folders:
            scan(sub, real)

    scan(folder, os.path.realpath(folder))
    found.sort(key=lambda item: _path_order(item[0]))
    return found


def _path_order(path: str) -> str:
    """A key that sorts path strings as Path objects sort (by component: 'a/b' before
    'a-b'), without making Paths: NUL sorts below every character a name can hold."""
    return path.replace(os.sep, "\0")


def _stat(path: str) -> Stat:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _suffix(path: str) -> str:
    """Path(path).suffix, without making a Path."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _glob(pattern: Path) -> list[Path]:
    """Files a pattern such as 'imports/*.jsonl' matches ('**' reaches into subfolders)."""
    anchor = Path(pattern.anchor) if pattern.is_absolute() else Path(".")
    rel = pattern.relative_to(anchor) if pattern.is_absolute() else pattern
    return sorted(p for p in anchor.glob(str(rel)) if p.is_file())


def _readable(path: str) -> bool:
    """A scraped article by its name, or, without a known extension, by its first bytes."""
    suffix = _suffix(path).lower()
    if suffix in TEXT_SUFFIXES:
        return True
    if suffix and not suffix[1:].isdigit():
        return False  # .csv, .png, .html: not a shape digest reads
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return True  # let the reader report why it cannot be read
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
    return b"\x00" not in head
