"""Run a function over many items on all cores, in forked worker processes.

Forking after the catalog is built lets workers share it copy-on-write instead of
receiving it pickled; only small task lists and results cross process boundaries.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_state: Any = None  # set in each worker by _init; the parent never sets it
_PR_SET_PDEATHSIG = 1


def _init(state: Any, parent: int) -> None:
    global _state
    _state = state
    # The pool ends its workers with SIGTERM. `digest serve` turns SIGTERM into
    # KeyboardInterrupt, which a worker inherits: ended so, workers printed tracebacks and
    # could hang the build on a lock a dying sibling held. They are forked with SIGTERM
    # blocked (fork_map) and die of it, whenever it came, once it is unblocked here.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    gc.enable()  # the parent may have disabled it; its objects are frozen, so this stays cheap
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """Linux: end this worker when the build process dies (kill -9, OOM), instead of living
    on blocked on its queue and writing into a staging folder the next build removes."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _call(args: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    func, item = args
    return func(_state, item)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(
    func: Callable[[Any, Any], Any],
    state: Any,
    items: Iterable[Any],
    jobs: int,
    chunksize: int = 64,
    ordered: bool = False,
    share: bool = False,
) -> Iterator[Any]:
    """Yield func(state, item) for every item: in the items' order when `ordered`, else
    as they finish. Workers end when this process dies (a killed build or import must not
    leave them writing). With `share`, this process works out the first item (yielded
    first) while jobs - 1 workers take the rest: for a few large items, one fork fewer
    and no core idle while this process waits.

    With one job, or where fork is unavailable, runs in this process.
    """
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield func(state, item)
        return
    pending = iter(items)
    first = next(pending, _NONE) if share else _NONE
    context = multiprocessing.get_context("fork")
    gc.freeze()  # workers' collections skip (and so never copy) the objects they inherit
    try:
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # see _init
        try:
            workers = jobs - 1 if share else jobs
            pool = context.Pool(workers, initializer=_init, initargs=(state, os.getpid()))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        with pool:
            mapper = pool.imap if ordered else pool.imap_unordered
            results = mapper(_call, ((func, item) for item in pending), chunksize)
            if first is not _NONE:
                yield func(state, first)
            yield from results
    finally:
        gc.unfreeze()


_NONE = object()  # no item taken by this process
