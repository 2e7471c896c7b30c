"""One digest process at a time per site: build and import take this lock.

Two builds at once would roll back each other's commits (recover() undoes any
journal it finds) and race on the cache; an import during a build changes
content/ under its feet. A POSIX record lock (lockf), not flock: the kernel
drops it when the holder dies, so a killed build leaves no stale lock, and forked
workers do not inherit it, so a worker outliving its build cannot hold it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.errors import DigestError, Problem

LOCK_NAME = "lock"
DEFAULT_WAIT = 10.0  # seconds a second process waits before giving up


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def site_lock(folder: Path, command: str, wait: float = DEFAULT_WAIT) -> Iterator[Path]:
    """Hold `folder`/lock for the duration; wait up to `wait` seconds, then refuse."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise DigestError(Problem(path, f"cannot be locked: {exc.strerror}")) from None
                if time.monotonic() >= deadline:
                    raise DigestError(
                        Problem(path, f"is held by {_holder(fd)}, which is still running in "
                                f"this site; waited {wait:g} s. Let it finish and run "
                                f"'digest {command}' again (the lock frees itself when that "
                                "process ends).")
                    ) from None  # fmt: skip
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"digest {command} (pid {os.getpid()} on {socket.gethostname()})".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
