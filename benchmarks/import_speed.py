"""Benchmark `digest import`: make a batch of scraped JSON records, import it twice.

    python -m benchmarks.import_speed [--records 40000] [--keep DIR]

Prints the batch size and the seconds of the first run (everything new) and of the
second run (everything unchanged). Figures, not a pass/fail test: machines differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from generator.core.config import load_config
from generator.importing.importer import ImportOptions, import_sources
from tests.support.corpus import make_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--keep", type=Path, help="Work in this folder and leave it there.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    try:
        sources = root / "sources"
        sources.mkdir(parents=True, exist_ok=True)
        (root / "digest.toml").write_text('timezone = "Asia/Karachi"\n', encoding="utf-8")
        size = make_batch(sources, args.records)
        print(f"batch: {args.records} records, {size / 1e6:.0f} MB in {sources}")
        config = load_config(root / "digest.toml")
        options = ImportOptions(now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        for run in ("first", "second"):
            started = time.perf_counter()
            report = import_sources(config, [sources], options)
            print(f"{run} run: {time.perf_counter() - started:.1f} s — {report.summary()}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
