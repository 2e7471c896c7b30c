"""The search stage over a run of daily builds: how much the delta index costs day by day.

    python -m benchmarks.search_daily --site PATH/site-root --days 14   # a site already built
    python -m benchmarks.search_daily --articles 10000 --days 14        # generate and build it

One edit, then 50 new articles, then `--per-day` new articles a build (two builds a day), from
`--from` on (by default 20 December of the corpus's year: its last month is full already, as a
digest's current month late in the month), each build a fresh `digest build` process; prints each build's search seconds, records indexed and
the delta's segments (name: live records), then the total. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import use_this_checkout
from benchmarks.search_latency import build as build_site
from tests.support.corpus import TODAY, generate

CLOCK = "2030-01-01T00:00:00Z"
LATE = TODAY - dt.timedelta(days=12)  # late in the corpus's last month


def timed(root: Path, report: Path) -> tuple[float, int, dict[str, int]]:
    command = [sys.executable, "-m", "generator", "build", "-q", "--clock", CLOCK]
    subprocess.run([*command, "--report", str(report)], cwd=root, check=True)
    done = json.loads(report.read_text())
    shards = json.loads((root / "site/pagefind/shards.json").read_text())
    segments = {name: len(ids) for name, ids in shards.get("recent", {}).items()}
    return done["timings"].get("search", 0.0), done.get("search_records", 0), segments


def main() -> None:
    use_this_checkout()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--site", type=Path, help="a built site root (it is changed)")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--from", dest="first", type=dt.date.fromisoformat, default=LATE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-daily-") as scratch:
        root = args.site.resolve() if args.site else build_site(args.articles, Path(scratch))
        report = Path(scratch) / "report.json"
        seconds, records, segments = timed(root, report)
        print(f"first build: search {seconds:.2f} s, {records} records, segments {segments}")
        paths = sorted((root / "content").rglob("*.md"))
        edited = paths[len(paths) // 3]
        edited.write_text(edited.read_text().replace("\n\n", "\n\nAn edit.\n\n", 1))
        steps = (
            [("one edit", 0)]
            + [("50 new", 50)]
            + [(f"{args.per_day} new", args.per_day)] * args.days
        )
        total, start = 0.0, len(paths) + 1000
        for k, (what, count) in enumerate(steps):
            if count:
                day = args.first + dt.timedelta(days=k // 2)
                generate(root, count, start=start + 1000 * k, seed=99 + k, day=day)
            seconds, records, segments = timed(root, report)
            total += seconds
            print(f"{what:>9}: search {seconds:.2f} s, {records} records, segments {segments}")
        print(f"search {total:.2f} s over {len(steps)} builds, {total / len(steps):.2f} s a build")


if __name__ == "__main__":
    main()
