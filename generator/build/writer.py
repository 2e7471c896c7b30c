"""Write the site safely: render into a staging folder, then commit with a journal.

Nothing in the output folder changes until every file rendered. The commit moves
only changed files in (unchanged ones are never touched, so a no-change build
writes nothing and mtimes survive), backing each old file up first; a journal
lists the moves, so a build killed mid-commit is rolled back by the next run
(`recover`), leaving the previous site exactly as it was.

Why not swap whole folders: on a 40,000-file site, hard-linking every unchanged
file into a new tree and deleting the old tree costs seconds to tens of seconds
of file-system work per build, far more than the build itself.

Staging and backup folders are flat (one file per output, named by a digest of its
path) when the site already exists: pretty URLs give nearly every page a folder of
its own, and creating then deleting those folders twice over cost more than writing
the pages. A first build stages a tree and renames it into place whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from generator.core.errors import DigestError, Problem

MARKER = ".nojekyll"  # every digest build writes it; GitHub Pages needs it anyway


def _journal(output: Path) -> Path:
    return output.parent / f".{output.name}.journal"


def recover(output: Path) -> None:
    """Undo what a killed build left: roll back a half-done commit, delete stray folders."""
    journal = _journal(output)
    if journal.exists():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            plan = None  # killed while writing the journal: nothing was moved yet
        if plan:
            _roll_back(
                output,
                Path(plan["staging"]),
                Path(plan["backup"]),
                plan["changed"],
                plan["removed"],
                set(plan["added"]) if "added" in plan else None,
            )
        journal.unlink()
    for pattern in (".staging-*", ".backup-*", ".journal.tmp", ".search-*"):
        for stray in output.parent.glob(f".{output.name}{pattern}"):
            if stray.is_dir():
                shutil.rmtree(stray, ignore_errors=True)
            else:
                stray.unlink(missing_ok=True)
    for trash in output.parent.glob(f".{output.name}.trash-*"):
        delete_detached(trash)  # a deleter killed early (or still running) left it


DETACHED_DELETE = 500  # old files at which deleting them in another process pays off
_RMTREE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def delete_detached(folder: Path) -> None:
    """Delete a folder of replaced pages in a process of its own, so the build need not wait:
    freeing thousands of inodes costs most of a second on ext4, and nothing reads them."""
    try:
        subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _RMTREE, str(folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C meant for digest
        )  # fmt: skip
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def flat_name(rel: str) -> str:
    """A staged or backed-up file's place in a flat folder: a digest of its output path, in
    one of 16 sub-folders (workers creating files in one folder wait for each other)."""
    name = hashlib.blake2b(rel.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"{name[0]}/{name}"


def make_flat(folder: Path) -> None:
    """Create a flat folder and its 16 sub-folders."""
    folder.mkdir(exist_ok=True)
    for shard in "0123456789abcdef":
        (folder / shard).mkdir(exist_ok=True)


def _roll_back(
    output: Path,
    staging: Path,
    backup: Path,
    changed: list[str],
    removed: list[str],
    added: set[str] | None,
) -> None:
    """Put every file back as it was. Safe to run again if killed half-way: which files are
    new comes from the journal, not from what is left in staging."""
    for rel in changed:
        live, saved = output / rel, backup / flat_name(rel)
        if saved.exists():
            os.replace(saved, live)
            continue
        is_new = rel in added if added is not None else not (staging / flat_name(rel)).exists()
        if is_new and live.exists():  # a new file that was already moved in
            live.unlink()
            _prune_empty(live.parent, output)
    for rel in removed:
        saved = backup / flat_name(rel)
        if saved.exists() and not (output / rel).exists():
            (output / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(saved, output / rel)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def safe_relpath(path: str) -> str:
    """`path` when it names a file inside the output folder ('/'-separated, no empty, '.'
    or '..' part); strings, not PurePath: one call per output, 40,000 on a cold build."""
    if path.startswith("/") or any(p in ("..", ".", "") for p in path.split("/")):
        raise DigestError(Problem(path, "output path escapes the output folder"))
    return path


def existing_files(output: Path) -> dict[str, tuple[int, int]]:
    """Every file under `output` with its (size, mtime_ns), by '/'-separated relative path."""
    found: dict[str, tuple[int, int]] = {}

    def scan(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, prefix + entry.name + "/")
                else:
                    stat = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)

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
    """A staging folder beside `output`: put() fills it, commit() moves the changes in."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        recover(self.output)
        check_output_folder(self.output)
        self.folder = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.folder.mkdir()
        self.first = not self.output.exists()  # stage a tree, to be renamed into place whole
        self._made: set[str] = set()  # folders of that tree made (in this process)
        if not self.first:
            make_flat(self.folder)

    def put(self, path: str, data: bytes) -> bool:
        """Stage `data`; True when staged, False when the live file already has these bytes."""
        rel = safe_relpath(path)
        if self.first:
            target = f"{self.folder}/{rel}"
            parent = target.rpartition("/")[0]
            if parent not in self._made:  # one call per folder, not per file
                os.makedirs(parent, exist_ok=True)
                self._made.add(parent)
        elif _same(self.output / rel, data):
            return False
        else:
            target = f"{self.folder}/{flat_name(path)}"
        with open(target, "wb") as handle:
            handle.write(data)
        return True

    def commit(self, changed: list[str], removed: list[str]) -> None:
        """Move staged files in and removed files out, under a journal; then clean up."""
        if self.first:
            try:
                self.folder.rename(self.output)
            except OSError as exc:
                raise DigestError(
                    Problem(self.output, f"appeared during the build ({exc.strerror}); build again")
                ) from None
            return
        backup = self.output.parent / f".{self.output.name}.backup-{os.getpid()}"
        journal = _journal(self.output)
        tmp = journal.with_name(journal.name + ".tmp")
        added = [rel for rel in changed if not (self.output / rel).exists()]
        plan = {
            "staging": str(self.folder),
            "backup": str(backup),
            "changed": changed,
            "removed": removed,
            "added": added,
        }
        make_flat(backup)
        tmp.write_text(json.dumps(plan), encoding="utf-8")
        tmp.rename(journal)  # from here on, a killed build is rolled back by recover()
        new = set(added)
        for rel in changed:
            live, name = self.output / rel, flat_name(rel)
            if rel not in new:
                os.link(live, backup / name)
            else:
                live.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / name, live)
        for rel in removed:
            os.replace(self.output / rel, backup / flat_name(rel))
            _prune_empty((self.output / rel).parent, self.output)
        journal.unlink()  # the commit point
        shutil.rmtree(self.folder, ignore_errors=True)  # empty by now
        if len(changed) - len(added) + len(removed) < DETACHED_DELETE:
            shutil.rmtree(backup, ignore_errors=True)
            return
        trash = backup.with_name(f".{self.output.name}.trash-{os.getpid()}-{time.time_ns()}")
        backup.rename(trash)
        delete_detached(trash)

    def abort(self) -> None:
        """Stop a build (Ctrl-C, an error): roll back a commit in progress, drop staging."""
        recover(self.output)
        shutil.rmtree(self.folder, ignore_errors=True)


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False
