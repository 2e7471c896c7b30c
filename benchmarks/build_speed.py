"""Benchmark: generate N realistic articles, then time cold, no-change, one-edit and 50-new builds.

    python -m benchmarks.build_speed            # N = 1,000 and 10,000
    python -m benchmarks.build_speed 34000 -j 2

Each build runs in a fresh process (as a user runs `digest build`), so peak memory
(ru_maxrss of that child) and wall time are honest. A benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.corpus import generate


def timed_build(root: Path, *extra: str) -> tuple[float, float, float]:
    """(seconds, peak MiB of the build process, seconds of its search stage) of one `digest build`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    report = root / ".bench-report.json"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-q", "--clock", "2030-01-01T00:00:00Z",
         "--report", str(report), *extra],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all of them; report it only when it grew.
    search = json.loads(report.read_text())["timings"].get("search", 0.0)
    return seconds, max(peak, before) / 1024, search


def run(n: int, extra: list[str], keep: bool) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix=f"digest-bench-{n}-"))
    (root / "digest.toml").write_text(
        'title = "Bench"\nbase_url = "https://example.github.io/news/"\n'
    )
    paths = generate(root, n)
    figures: dict[str, float] = {}
    figures["cold"], figures["peak_mib"], figures["cold_search"] = timed_build(root, *extra)
    figures["no_change"], _, figures["no_change_search"] = timed_build(root, *extra)
    edited = paths[n // 2]
    edited.write_text(edited.read_text().replace("\n\n", "\n\nAn edited sentence.\n\n", 1))
    figures["one_edit"], _, figures["one_edit_search"] = timed_build(root, *extra)
    generate(root, 50, start=n, seed=99)
    figures["add_50"], _, _ = timed_build(root, *extra)
    if keep:
        print(f"kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)  # a detached deleter may be at work in it
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("-j", "--jobs", help="passed to digest build")
    parser.add_argument("--keep", action="store_true", help="keep the generated site folders")
    args = parser.parse_args()
    extra = ["-j", args.jobs] if args.jobs else []
    print(
        f"{'articles':>9} {'cold s':>8} {'no-change s':>12} {'one-edit s':>11} {'add-50 s':>9} {'peak MiB':>9} {'ms/article':>11}"
        f"  search s: {'cold':>5} {'no-change':>9} {'one-edit':>8}"
    )
    for n in args.sizes:
        f = run(n, extra, args.keep)
        print(
            f"{n:>9,} {f['cold']:>8.2f} {f['no_change']:>12.2f} {f['one_edit']:>11.2f} "
            f"{f['add_50']:>9.2f} {f['peak_mib']:>9.0f} {1000 * f['cold'] / n:>11.3f}"
            f"            {f['cold_search']:>5.2f} {f['no_change_search']:>9.2f} {f['one_edit_search']:>8.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
