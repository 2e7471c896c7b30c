"""Notice changed source files, and report a burst of changes once, after it settles.

livereload's own watcher reports the first changed file it finds and the next one on the
following poll, so a `git checkout` of 50 files meant 50 rebuilds (the reason MkDocs left
it). Here the OS tells which files changed (inotify, through `watchfiles`): nothing is
walked between saves, however big the site, and a burst is reported once no new change
has come for `settle` seconds: one burst, one rebuild. Folders are watched by notification;
a root that is a single file (digest.toml) or missing is stat-ed every `settle` seconds,
and the roots re-read as often, so a config change can move folders and a missing one can appear.
Where the OS refuses notification (the inotify watch limit reached), it says so once and
compares snapshots of every file instead, as before.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator, Iterable
from pathlib import Path

import watchfiles

Stamp = tuple[int, int, int]  # mtime_ns, size, inode: an editor's rename-over-save changes inode
Snapshot = dict[str, Stamp]
Say = Callable[[str], None]

# Editor droppings that never feed a build; watching them would add spurious rebuilds.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp")
_SCRATCH_NAMES = {"4913"}  # vim's "can I write here?" probe file
_DEBOUNCE_MS = 5000  # a writer that never pauses still gets a rebuild this often
_ADDED = int(watchfiles.Change.added)

FALLBACK = (
    "The OS refused to report file changes ({reason}); watching by re-reading every file "
    "instead, which is slower to notice a save on a big site. To raise the limit: "
    "sudo sysctl fs.inotify.max_user_watches=524288"
)


def _scratch(name: str) -> bool:
    return name.startswith(".") or name.endswith(_SCRATCH_SUFFIXES) or name in _SCRATCH_NAMES


def _stamp(path: str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """Stamp every file under the roots (a root may be a single file or missing)."""
    found: Snapshot = {}
    for root in roots:
        if root.is_file():
            if (stamp := _stamp(str(root))) is not None:
                found[str(root)] = stamp
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if not _scratch(name):
                    path = os.path.join(folder, name)
                    if (stamp := _stamp(path)) is not None:  # None: deleted meanwhile
                        found[path] = stamp
    return found


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class Polling:
    """Compares whole snapshots of `roots()` (re-read every poll): the fallback."""

    def __init__(self, roots: Callable[[], Iterable[Path]], interval: float, settle: float):
        self.roots = roots
        self.interval = interval
        self.settle = settle
        self._last = snapshot(roots())

    def absorb(self, paths: Iterable[str]) -> None:
        roots = tuple(f"{r}{os.sep}" for r in self.roots())
        for path in paths:
            stamp = _stamp(path)
            if stamp is None:
                self._last.pop(path, None)
            elif path.startswith(roots):  # a file outside them would look deleted next poll
                self._last[path] = stamp

    def _poll(self) -> tuple[Snapshot, float]:
        started = time.perf_counter()
        return snapshot(self.roots()), time.perf_counter() - started

    def wait(self, stop: threading.Event) -> list[str] | None:
        """Between polls it waits at least 8x what a scan took, so watching a 10,000-file
        site (a 50 ms scan) costs about a tenth of a core, not a third."""
        pause = self.interval
        while not stop.wait(pause):
            now, cost = self._poll()
            pause = max(self.interval, 8 * cost)
            if now == self._last:
                continue
            while not stop.wait(max(self.settle, cost)):
                later, cost = self._poll()
                if later == now:
                    break
                now = later
            else:
                return None
            files = changed(self._last, now)
            self._last = now
            return files
        return None


class Watcher:
    """Waits for the next settled burst of changes under `roots()`."""

    def __init__(
        self,
        roots: Callable[[], Iterable[Path]],
        settle: float = 0.1,
        say: Say | None = None,
        notify: bool = True,
    ):
        self.roots = roots
        self.settle = settle
        self.say = say or (lambda line: None)
        self._absorbed: Snapshot = {}  # the preview's own writes, as it left them
        self._kinds: dict[Path, str] = {}  # each root: "dir", "file" or "missing"
        self._polled: Snapshot = {}  # the file roots' stamps
        self._notify: Generator[set[tuple[watchfiles.Change, str]], None, None] | None = None
        self._pending: set[tuple[int, str]] = set()  # notified while watching started
        self._gave_up = False  # notification failed after the first build
        self.fallback: Polling | None = None if notify else Polling(roots, 0.1, 0.2)
        if notify:
            self._refresh()

    def absorb(self, paths: Iterable[str]) -> None:
        """Take these files as they are now as already seen: the preview's own import writes
        them, and a rebuild that its own writes set off would never let the preview rest."""
        if self.fallback is not None:
            self.fallback.absorb(paths)
            return
        for path in paths:
            if (stamp := _stamp(path)) is not None:
                self._absorbed[path] = stamp

    def wait(self, stop: threading.Event) -> list[str] | None:
        """Block until a burst of changes has settled; its files, or None once `stop` is set."""
        found: set[str] = set()
        while not stop.is_set():
            if self.fallback is not None:
                if self._gave_up:  # changes since the last report may be lost: rebuild
                    self._gave_up = False
                    return sorted(found | {str(root) for root in self.roots()})
                return self.fallback.wait(stop)
            fresh = self._refresh() | self._poll_files()
            if found and not fresh:
                return sorted(found)  # the stat-ed roots stayed as they were for `settle`
            found |= fresh
            try:
                raw = self._watch(stop)
            except (OSError, RuntimeError) as exc:  # a folder made later passed the limit
                self._fall_back(exc)
                continue
            if raw is None:
                return None  # stopped by a signal
            if events := self._events(raw):
                return sorted(found | events | self._poll_files())  # notify waited `settle`
        return None

    def _watch(self, stop: threading.Event) -> set[tuple[int, str]] | None:
        """The notified changes once none came for `settle` (empty after a quiet `settle`);
        None once `stop` is set."""
        if self._pending:  # what came as watching started
            pending, self._pending = self._pending, set()
            return pending
        if self._notify is None:  # no folder to watch
            return None if stop.wait(self.settle) else set()
        found = next(self._notify, None)
        return None if found is None else _pairs(found)

    def _events(self, raw: set[tuple[int, str]]) -> set[str]:
        """The changed files among notified paths: editor scratch, hidden folders and the
        preview's own writes left out; a folder made or moved in stands for its files."""
        paths: set[str] = set()
        dirs = [str(r) for r, kind in self._kinds.items() if kind == "dir"]
        for change, path in raw:
            root = next((d for d in dirs if path.startswith(d + os.sep)), None)
            if root is None or any(_scratch(p) for p in path[len(root) + 1 :].split(os.sep)):
                continue
            if not os.path.isdir(path):
                paths.add(path)
            elif change == _ADDED:  # its files: none after a mkdir, all after a move
                paths.update(snapshot([Path(path)]))
        return {path for path in paths if not self._own(path)}

    def _own(self, path: str) -> bool:
        """Is the file as the preview's own import left it?"""
        absorbed = self._absorbed.get(path)
        if absorbed is None:
            return False
        if absorbed == _stamp(path):
            return True  # kept: more events of the same write may follow
        del self._absorbed[path]
        return False

    def _poll_files(self) -> set[str]:
        found = set()
        for path in [str(r) for r, kind in self._kinds.items() if kind == "file"]:
            stamp = _stamp(path)
            if stamp != self._polled.get(path):
                found.add(path)
                if stamp is None:
                    del self._polled[path]  # stamped again when it comes back
                else:
                    self._polled[path] = stamp
        return found

    def _refresh(self) -> set[str]:
        """Re-read the roots; watch the folders among them anew when that set changed. A root
        that appeared or went (a file, a folder's files) is a change, and so is one the
        config added: it was not watched while the rebuild read it."""
        kinds = {root: _kind(root) for root in self.roots()}
        if kinds == self._kinds:
            return set()
        found: set[str] = set()
        for root, kind in kinds.items():
            if kind == "file" and str(root) not in self._polled:
                self._polled[str(root)] = _stamp(str(root)) or (0, 0, 0)
            was = self._kinds.get(root, "missing" if self._kinds else kind)
            if was == kind:
                continue
            if kind == "dir":  # its files (but the preview's own writes): as a poll saw them
                found.update(path for path in snapshot([root]) if not self._own(path))
            else:
                found.add(str(root))
        dirs = sorted(str(r) for r, kind in kinds.items() if kind == "dir")
        if dirs != sorted(str(r) for r, kind in self._kinds.items() if kind == "dir"):
            old, self._notify = self._notify, None
            self._start(dirs)  # the new watch first, then what the old one still holds
            if old is not None:
                found |= self._events(_drain(old))
                old.close()
        self._kinds = kinds
        return found

    def _start(self, dirs: list[str]) -> None:
        self.close()
        if not dirs:
            return
        step = max(1, round(self.settle * 1000))
        self._notify = watchfiles.watch(
            *dirs, watch_filter=None, debounce=_DEBOUNCE_MS, step=step,
            rust_timeout=step, yield_on_timeout=True, raise_interrupt=False,
        )  # fmt: skip
        try:  # starts watching (and fails here if the OS refuses)
            self._pending = _pairs(next(self._notify, set()))
        except (OSError, RuntimeError) as exc:
            self._fall_back(exc)

    def close(self) -> None:
        """Stop watching (inotify instances are a per-user resource: 128 by default)."""
        if self._notify is not None:
            self._notify.close()
            self._notify = None

    def _fall_back(self, exc: BaseException) -> None:
        self.close()
        reason = str(exc).split(" about ", 1)[0].rstrip(".") or type(exc).__name__
        self.say(FALLBACK.format(reason=reason))
        self.fallback = Polling(self.roots, 0.1, max(self.settle, 0.2))
        self._gave_up = bool(self._kinds)  # not while starting: the first build follows


def _pairs(found: set[tuple[watchfiles.Change, str]]) -> set[tuple[int, str]]:
    return {(int(change), path) for change, path in found}


def _drain(
    watch: Generator[set[tuple[watchfiles.Change, str]], None, None],
) -> set[tuple[int, str]]:
    """What a watch being replaced was told; two quiet steps, so the events the OS queued
    just before are read, not dropped with it."""
    for _ in range(2):
        if found := next(watch, None):
            return _pairs(found)
    return set()


def _kind(root: Path) -> str:
    return "dir" if root.is_dir() else "file" if root.exists() else "missing"
