"""Benchmark `digest import`: make a batch of scraped records, import it, then re-import it.

    python -m benchmarks.import_speed [--records 40000] [--messy [--html 3000]] [--keep DIR]

Plain: `--records` clean JSON records (tests/support/corpus.make_batch). `--messy`: a scraped
archive as messy as issue 15's (one JSON file a record: broken records, banner titles, copies
under two URLs, republished versions; tests/support/messy_archive), `--html` of the records
being HTML bodies in JSON Lines files. Prints the seconds of each run:

- first: everything new;
- second: nothing changed since a run that wrote (files that meet another record of the
  batch, duplicates, copies and banner titles, are read again); it settles the batch;
- settled: nothing changed since a run that wrote nothing: one stat per file, nothing read;
- settled, as a process: the same as `digest import` run by a user (interpreter and imports
  included, wall clock);
- one touched: one file's mtime changed, its bytes not (no longer settled: the per-file path).

Figures, not a pass/fail test: machines differ, and a loaded machine more so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import use_this_checkout
from generator.core.config import load_config
from generator.importing.importer import ImportOptions, import_sources
from tests.support.corpus import make_batch
from tests.support.messy_archive import write_archive, write_html_records


def make_sources(sources: Path, records: int, messy: bool, html: int) -> str:
    """Write the batch; a line describing it."""
    if not messy:
        size = make_batch(sources, records)
        return f"{records} records, {size / 1e6:.0f} MB"
    archive = write_archive(sources / "archive", records - html)
    write_html_records(sources / "html", html)
    return (
        f"{records} records: {len(archive.files)} messy JSON files ({archive.broken} broken, "
        f"{archive.banners} banner titles, {archive.copies} copies, {archive.versions} "
        f"versions), {html} HTML records in {-(-html // 500)} JSON Lines files"
    )


def main() -> None:
    use_this_checkout()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--messy", action="store_true", help="A messy archive (see above).")
    parser.add_argument("--html", type=int, default=3000, help="HTML records of --messy.")
    parser.add_argument("--keep", type=Path, help="Work in this folder and leave it there.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    try:
        sources = root / "sources"
        sources.mkdir(parents=True, exist_ok=True)
        (root / "digest.toml").write_text('timezone = "Asia/Karachi"\n', encoding="utf-8")
        print(f"batch: {make_sources(sources, args.records, args.messy, args.html)} in {sources}")
        config = load_config(root / "digest.toml")
        options = ImportOptions(now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

        def timed(run: str) -> None:
            started = time.perf_counter()
            report = import_sources(config, [sources], options)
            print(f"{run}: {time.perf_counter() - started:.2f} s — {report.summary()}")

        for run in ("first", "second", "settled"):
            timed(run)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-m", "generator", "import", "-q", str(sources)],
            cwd=root, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - started
        print(f"settled, as a process: {wall:.2f} s wall — {process.stdout.strip()}")
        touched = next(p for p in sorted(sources.rglob("*")) if p.is_file())
        os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
        timed("one touched")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
