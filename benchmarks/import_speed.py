"""Benchmark `digest import`: make a batch of scraped JSON records, import it twice.

    python -m benchmarks.import_speed [--records 40000] [--keep DIR]

Prints the batch size and the seconds of the first run (everything new) and of the
second run (everything unchanged). Figures, not a pass/fail test: machines differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from generator.core.config import load_config
from generator.importing.importer import ImportOptions, import_sources

_PROSE = (
    "the government said on tuesday that budget talks with provincial ministers would resume "
    "after a week of debate over taxes exports cotton textiles remittances and the rupee while "
    "officials in islamabad karachi and lahore warned of rising prices for fuel wheat and power "
    "as the monsoon approached and the central bank weighed another cut to its policy rate"
)
_WORDS = _PROSE.split()
_SITES = [("Dawn", "https://www.dawn.com/news/{n}/{slug}", " - {section} - DAWN.COM"),
          ("APP", "https://www.app.com.pk/{section_l}/{slug}/", ""),
          ("Tribune", "https://tribune.com.pk/story/{n}/{slug}", " | The Express Tribune")]  # fmt: skip
_SECTIONS = ["Business", "Sport", "National", "World", "Opinion"]


def make_batch(folder: Path, records: int, seed: int = 7) -> int:
    """Write `records` records: nine in ten in JSON Lines files, the rest one file each."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    lines: list[str] = []
    total = 0
    for n in range(records):
        site, link, suffix = _SITES[n % len(_SITES)]
        section = rng.choice(_SECTIONS)
        words = [rng.choice(_WORDS) for _ in range(8)]
        headline = " ".join(words).capitalize() + f" {n}"
        slug = "-".join(words[:6])
        paras = [
            " ".join(rng.choice(_WORDS) for _ in range(rng.randint(40, 90))).capitalize() + "."
            for _ in range(rng.randint(5, 11))
        ]
        record = {
            ("headline" if n % 5 == 0 else "title"): headline + suffix.format(section=section),
            ("body" if n % 7 == 0 else "content"): "\n\n".join(paras),
            ("pubDate" if n % 3 == 0 else "date_published"): (
                start + dt.timedelta(minutes=17 * n)
            ).isoformat(),
            "author": None if n % 4 else "Staff Reporter",
            "link": link.format(n=n, slug=slug, section_l=section.lower()),
            "source": site,
            "tags": [],
        }
        text = json.dumps(record, ensure_ascii=False)
        total += len(text.encode()) + 1
        if n % 10 == 9:
            (folder / f"record-{n:06d}.json").write_text(text, encoding="utf-8")
        else:
            lines.append(text)
            if len(lines) == 100:
                (folder / f"scrape-{n:06d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
                lines = []
    if lines:
        (folder / "scrape-last.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return total


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
