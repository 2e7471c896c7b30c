"""The cycle collector, paused while a stage makes many long-lived objects.

A build or an import makes hundreds of thousands of objects and almost no reference
cycles; each full collection re-scans every object alive, so in a process that also holds
a large site (the preview keeps its last plan) an import spent a third of its time in the
collector. Objects are still freed by reference counting meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's state is restored after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
