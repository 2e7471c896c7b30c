"""Benchmark: generate N realistic articles, then time cold, no-change, one-edit and 50-new builds.

    python -m benchmarks.build_speed            # N = 1,000 and 10,000
    python -m benchmarks.build_speed 34000 -j 2

Each build runs in a fresh process (as a user runs `digest build`), so peak memory
(ru_maxrss of that child) and wall time are honest. A benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "government",
    "minister",
    "budget",
    "economy",
    "trade",
    "exports",
    "imports",
    "province",
    "court",
    "police",
    "election",
    "assembly",
    "water",
    "power",
    "energy",
    "cricket",
    "team",
    "match",
    "climate",
    "flood",
    "health",
    "hospital",
    "school",
    "university",
    "students",
    "market",
    "prices",
    "inflation",
    "rupee",
    "bank",
    "interest",
    "growth",
    "security",
    "border",
    "talks",
    "agreement",
    "report",
    "survey",
    "officials",
    "said",
    "on",
    "Tuesday",
    "according",
    "to",
    "the",
    "statement",
    "while",
    "however",
    "despite",
    "also",
    "further",
    "city",
    "district",
    "federal",
    "provincial",
    "national",
    "international",
]
TOPICS = [
    f"Topic {name}"
    for name in [
        "Business",
        "Sport",
        "Politics",
        "World",
        "Health",
        "Science",
        "Courts",
        "Climate",
        "Energy",
        "Education",
    ]
]
TOPICS += [f"Region {i}" for i in range(20)]
SOURCES = [f"Source {i}" for i in range(20)]
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(10, 22))
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, size: int = 4000) -> str:
    parts: list[str] = []
    while sum(len(p) for p in parts) < size:
        kind = rng.random()
        if kind < 0.08:
            parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
        elif kind < 0.12:
            parts.append(f"> {_sentence(rng)}")
        else:
            text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
            if rng.random() < 0.3:
                text += f" See [the report](https://example.org/r/{rng.randint(1, 10**6)})."
            parts.append(text)
    return "\n\n".join(parts)


def article_text(i: int, rng: random.Random) -> tuple[str, str]:
    """(relative path, file text) of generated article number i."""
    when = START + dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
    title = " ".join(rng.choices(WORDS, k=rng.randint(5, 10))).capitalize() + f" {i}"
    meta = {
        "title": title,
        "date": when.isoformat(),
        "topic": rng.choice(TOPICS),
        "source": rng.choice(SOURCES),
        "author": f"Reporter {rng.randint(1, 200)}",
        "tags": rng.sample(WORDS[:30], 2),
        "url": f"https://news{rng.randint(1, 20)}.example/story/{i}",
    }
    front = "\n".join(f"{k}: {json.dumps(v)}" for k, v in meta.items())
    return f"{when:%Y/%m/%d}/a{i}.md", f"---\n{front}\n---\n\n{_body(rng)}\n"


def generate(root: Path, n: int, start: int = 0, seed: int = 7) -> list[Path]:
    rng = random.Random(seed + start)
    paths = []
    for i in range(start, start + n):
        rel, text = article_text(i, rng)
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def timed_build(root: Path, *extra: str) -> tuple[float, float, str]:
    """(seconds, peak MiB of the build process, summary line) of one `digest build`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-q", "--clock", "2030-01-01T00:00:00Z", *extra],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all of them; report it only when it grew.
    return seconds, max(peak, before) / 1024, result.stdout.strip()


def run(n: int, extra: list[str], keep: bool) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix=f"digest-bench-{n}-"))
    (root / "digest.toml").write_text(
        'title = "Bench"\nbase_url = "https://example.github.io/news/"\n'
    )
    paths = generate(root, n)
    figures: dict[str, float] = {}
    figures["cold"], figures["peak_mib"], _ = timed_build(root, *extra)
    figures["no_change"], _, _ = timed_build(root, *extra)
    edited = paths[n // 2]
    edited.write_text(edited.read_text().replace("\n\n", "\n\nAn edited sentence.\n\n", 1))
    figures["one_edit"], _, _ = timed_build(root, *extra)
    generate(root, 50, start=n, seed=99)
    figures["add_50"], _, _ = timed_build(root, *extra)
    if keep:
        print(f"kept {root}")
    else:
        shutil.rmtree(root)
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
    )
    for n in args.sizes:
        f = run(n, extra, args.keep)
        print(
            f"{n:>9,} {f['cold']:>8.2f} {f['no_change']:>12.2f} {f['one_edit']:>11.2f} "
            f"{f['add_50']:>9.2f} {f['peak_mib']:>9.0f} {1000 * f['cold'] / n:>11.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
