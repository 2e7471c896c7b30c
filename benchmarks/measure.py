"""One process run with its wall time and its own peak memory (not the maximum over every
child the benchmark ever started, which is all RUSAGE_CHILDREN can tell), and which
checkout's code the processes a benchmark starts run."""

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


def use_this_checkout() -> None:
    """Make the `python -m generator` processes a benchmark starts (in generated sites'
    folders, where Python would import whichever digest is installed: an editable install of
    another checkout, a release) run this checkout's code: it goes first on the PYTHONPATH
    they inherit. Called by each benchmark's main(), not on import: tests import benchmarks."""
    root = str(Path(__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [root, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
