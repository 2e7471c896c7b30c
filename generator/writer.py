"""Write the site atomically: fill a staging folder, then swap it in whole.

Unchanged files are hard-linked from the live site into staging (no bytes
rewritten, mtimes kept), so readers of site/ only ever see a complete build, a
killed build leaves site/ as it was, and a build with nothing new touches nothing.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import DigestError, Problem

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
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def recover(output: Path) -> None:
    """Clean what a killed build left: stray staging/old folders; restore a lost site/."""
    strays = sorted(output.parent.glob(f".{output.name}.staging-*"))
    strays += sorted(output.parent.glob(f".{output.name}.old-*"))
    for stray in strays:
        if not output.exists() and stray.name.startswith(f".{output.name}.old-"):
            stray.rename(output)  # killed between the two renames of the fallback swap
            continue
        shutil.rmtree(stray, ignore_errors=True)


def safe_relpath(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or not rel.parts or any(p in ("..", ".", "") for p in rel.parts):
        raise DigestError(Problem(path, "output path escapes the output folder"))
    return rel


def existing_files(output: Path) -> dict[str, os.stat_result]:
    """Every file under `output` with its stat, by '/'-separated relative path."""
    found: dict[str, os.stat_result] = {}

    def scan(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, prefix + entry.name + "/")
                else:
                    found[prefix + entry.name] = entry.stat(follow_symlinks=False)

    if output.is_dir():
        scan(str(output), "")
    return found


def check_output_folder(output: Path) -> None:
    """Refuse to replace a folder digest did not make: it would be lost whole."""
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise DigestError(
            Problem(output, f"exists and was not made by digest (no {MARKER}); digest replaces "
                    "its output folder whole, so remove it or choose another -o/--output")
        )  # fmt: skip


class Staging:
    """A staging folder beside `output`; put() and keep() fill it, commit() swaps it in."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        recover(self.output)
        check_output_folder(self.output)
        self.folder = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.folder.mkdir()

    def _target(self, path: str) -> tuple[Path, Path]:
        rel = safe_relpath(path)
        target = self.folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target, self.output / rel

    def keep(self, path: str) -> None:
        """Carry the live file over unchanged."""
        target, live = self._target(path)
        os.link(live, target)

    def put(self, path: str, data: bytes) -> bool:
        """Stage `data`; True when bytes were written, False when the live file already had them."""
        target, live = self._target(path)
        if _same(live, data):
            os.link(live, target)
            return False
        with open(target, "wb") as handle:
            handle.write(data)
        return True

    def stat(self, path: str) -> os.stat_result:
        return (self.folder / path).stat()

    def commit(self) -> None:
        """Swap the staging folder in; the previous site is deleted."""
        if not self.output.exists():
            self.folder.rename(self.output)
        elif _exchange(self.folder, self.output):
            shutil.rmtree(self.folder)  # now holds the previous site
        else:
            old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
            self.output.rename(old)
            self.folder.rename(self.output)
            shutil.rmtree(old)

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False
