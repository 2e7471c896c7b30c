"""Benchmark: contents-only rebuilds in one process, with the last plan held (as `digest
serve` builds, build/resident.py) and without it (as before; the articles kept either way).

    python -m benchmarks.held_plan               # 34,000 generated articles, 3 rounds
    python -m benchmarks.held_plan 10000 --rounds 5

After a first (cold) build, each round fixes a random article (a sentence added at its end:
its title, summary and place kept) and builds, four times with the plan held, then four
times without; the first build of each group is left out (it pays for the switch). Builds
skip the search stage, as the preview's after its first do, and the held plan's index is
made after each build, as the preview makes it while idle. Prints each build and the
medians, with the process's resident memory. Figures only; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from generator.build.loader import ArticleMemo
from generator.build.pipeline import BuildOptions, build
from generator.build.resident import PlanMemo
from generator.core.config import load_config
from tests.support.corpus import generate

CLOCK = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
GROUP = 4


def _resident_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("articles", nargs="?", type=int, default=34000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated site")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="digest-held-"))
    (root / "digest.toml").write_text(
        'title = "Bench"\nbase_url = "https://example.github.io/news/"\n', encoding="utf-8"
    )
    paths = generate(root, args.articles)
    os.chdir(root)
    config = load_config(root / "digest.toml")
    articles, plan = ArticleMemo(), PlanMemo()
    pick = random.Random(5)

    def once(held: bool) -> float:
        fixed = pick.choice(paths)
        fixed.write_text(fixed.read_text().rstrip("\n") + f" A fix {pick.random()}.\n")
        started = time.perf_counter()
        options = BuildOptions(
            now=CLOCK, search=False, articles=articles, plan=plan if held else None
        )
        report = build(config, options)
        seconds = time.perf_counter() - started
        plan.prepare()
        stages = ", ".join(f"{k} {v:.2f}" for k, v in report.timings.items())
        print(
            f"{'held' if held else 'not held'}: {seconds:.2f} s ({stages}; "
            f"{report.fingerprinted} of {report.pages + report.feeds} outputs digested; "
            f"{_resident_mib():.0f} MiB resident)",
            flush=True,
        )
        return seconds

    started = time.perf_counter()
    build(config, BuildOptions(now=CLOCK, articles=articles, plan=plan))
    print(f"{args.articles:,} articles, first build {time.perf_counter() - started:.1f} s")
    found: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for held in (True, False):
            found[held] += [once(held) for _ in range(GROUP)][1:]
    for held, seconds in found.items():
        print(
            f"{'held' if held else 'not held'}: median {statistics.median(seconds):.2f} s "
            f"({min(seconds):.2f}–{max(seconds):.2f}), {len(seconds)} builds"
        )
    if args.keep:
        print(f"site kept in {root}")
    else:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
