"""Write the site atomically: build a staging folder, then swap it in whole.

Unchanged files are hard-linked from the live site into staging (no bytes
rewritten, mtimes kept), so readers of site/ only ever see a complete build, a
killed build leaves site/ as it was, and a build with nothing new touches nothing.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import DigestError, Problem
from generator.models import OutputFile

MARKER = ".nojekyll"  # every digest build writes it; GitHub Pages needs it anyway
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass
class WriteResult:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _leftovers(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.staging-*")) + sorted(
        output.parent.glob(f".{output.name}.old-*")
    )


def recover(output: Path) -> None:
    """Clean what a killed build left: stray staging/old folders; restore a lost site/."""
    for stray in _leftovers(output):
        if not output.exists() and stray.name.startswith(f".{output.name}.old-"):
            stray.rename(output)  # killed between the two renames of the fallback swap
            continue
        shutil.rmtree(stray, ignore_errors=True)


def safe_relpath(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or not rel.parts or any(p in ("..", ".", "") for p in rel.parts):
        raise DigestError(Problem(path, "output path escapes the output folder"))
    return rel


def _existing(output: Path) -> set[str]:
    if not output.is_dir():
        return set()
    found = set()
    for root, _dirs, files in os.walk(output):
        base = Path(root).relative_to(output)
        for name in files:
            found.add((base / name).as_posix())
    return found


def write_site(output: Path, files: Iterable[OutputFile]) -> WriteResult:
    """Stream `files` into a fresh staging folder and swap it in; returns what changed."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise DigestError(
            Problem(
                output,
                f"exists and was not made by digest (no {MARKER}); digest replaces "
                "its output folder whole, so remove it or choose another -o/--output",
            )
        )
    before = _existing(output)
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    staging.mkdir()
    result = WriteResult()
    seen: set[str] = set()
    try:
        for item in files:
            rel = safe_relpath(item.path)
            key = rel.as_posix()
            if key in seen:
                raise DigestError(Problem(key, "two outputs claim this path"))
            seen.add(key)
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            live = output / rel
            if key in before and _same(live, item.data):
                os.link(live, target)
                result.unchanged += 1
            else:
                target.write_bytes(item.data)
                result.written += 1
        result.removed = len(before - seen)
        if result.written == 0 and result.removed == 0 and output.is_dir():
            shutil.rmtree(staging)
            return result
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging)  # now holds the previous site
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    output.rename(old)
    staging.rename(output)
    shutil.rmtree(old)
