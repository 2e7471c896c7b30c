"""Writing a file so that no reader, and no crash, ever sees half of it.

Every file digest writes outside the build's staging folder goes through here: a hidden
temporary file beside the target, then a rename (or, for files that must never replace
anything, a hard link that fails if the name was taken meanwhile).
"""

from __future__ import annotations

import json
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from generator.core.errors import DigestError, Problem

TEMP_SUFFIX = ".tmp"


def _file_mode() -> int:
    """What open() would give a new file: 0666 less the user's umask (mkstemp gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _temporary_beside(target: Path, data: bytes) -> str:
    """A hidden temporary file holding `data` in the target's folder (same file system, so a
    rename or link into place is one step), with the mode a new file would have."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, _file_mode())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_atomic(target: Path, data: bytes, inside: Path | None = None) -> None:
    """Write `data` to `target`, replacing it in one step.

    `inside`: a folder the file must stay in, checked after symlinks are resolved.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if inside is not None and not target.parent.resolve().is_relative_to(inside.resolve()):
        raise DigestError(
            Problem(target, f"resolves outside {inside.name}/ (a symlink?); not written")
        )
    tmp = _temporary_beside(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(target: Path, data: bytes) -> None:
    """Write a file that must not exist yet; raises FileExistsError instead of replacing one."""
    tmp = _temporary_beside(target, data)
    try:
        os.link(tmp, target)  # fails if the name appeared meanwhile: never replaces a file
    finally:
        os.unlink(tmp)


def write_json(target: Path, data: Any) -> None:
    """A cache or report file as compact JSON, replaced whole."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    write_atomic(target, text.encode("utf-8"))


def write_marshal(target: Path, data: Any) -> None:
    """A cache file of plain values, marshalled (ten times faster to write than JSON),
    replaced whole."""
    write_atomic(target, marshal.dumps(data))


def read_marshal(source: Path) -> Any:
    """What write_marshal wrote; None when the file is missing or is not a marshal (a cache
    that cannot be read costs time, never correctness)."""
    try:
        return marshal.loads(source.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def remove_temporaries(folder: Path) -> None:
    """Delete temporary files left by a writer killed mid-write. Safe only while one digest
    process at a time writes the folder (the site lock)."""
    for root, _dirs, names in os.walk(folder):
        for name in names:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                Path(root, name).unlink(missing_ok=True)
