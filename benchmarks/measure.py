"""One process run with its wall time and its own peak memory (not the maximum over every
child the benchmark ever started, which is all RUSAGE_CHILDREN can tell)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path


def measured(command: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(seconds, peak MiB of the process and the workers it waited for, its stdout); exits
    with its stderr when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{command[0]} failed:\n{err.read().decode(errors='replace')}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode(errors="replace").strip()
