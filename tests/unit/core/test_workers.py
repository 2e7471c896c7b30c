"""Worker pools (core/workers.fork_map) under the signal handlers `digest serve` sets."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from generator.core.workers import fork_map
from tests.support.sites import REPO

SCRIPT = textwrap.dedent(
    """
    from generator.core.workers import fork_map
    from generator.preview.server import _stop_on_signals

    def double(state, item):
        return item * 2

    _stop_on_signals()  # SIGTERM raises KeyboardInterrupt, as in `digest serve`
    for _ in range(15):
        assert sorted(fork_map(double, None, range(500), 2, chunksize=4)) == list(range(0, 1000, 2))
    print("done")
    """
)


def test_workers_end_quietly_under_the_previews_signal_handlers() -> None:
    """The pool ends its workers with SIGTERM. Inheriting the preview's handler, a worker
    raised KeyboardInterrupt instead (a traceback in the terminal each time) and, raised
    while it held the task queue's lock, left its sibling waiting for good: `digest serve`
    hung in its first build at 32,000 articles with `[import] paths`."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr[-2000:]
    assert "KeyboardInterrupt" not in done.stderr and "Traceback" not in done.stderr


def _where(state: int, item: int) -> tuple[int, int, int]:
    return item, item * state, os.getpid()


def test_a_shared_map_takes_the_first_item_here_and_the_rest_in_workers() -> None:
    found = list(fork_map(_where, 3, range(5), jobs=2, chunksize=1, share=True))
    assert found[0] == (0, 0, os.getpid())  # worked out here, and yielded first
    assert sorted((i, v) for i, v, _ in found) == [(i, 3 * i) for i in range(5)]
    assert all(pid != os.getpid() for _, _, pid in found[1:])
