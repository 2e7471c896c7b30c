"""Search latency in headless Chromium: from the last keystroke to the results on screen.

    python -m benchmarks.search_latency --articles 34000        # generate, build, measure
    python -m benchmarks.search_latency --site PATH/site-root   # a site already built

The site is served under /news/ on 127.0.0.1; the search page is opened, then each word is
typed (30 ms between keys) into its box and timed from the last key until the status line
names the word's results and the first result is drawn (the page waits 120 ms after typing
stops; the delta and the two newest months load with the page, the rest when the box takes focus). Words:
common ones of the generated text (nearly every article matches: the worst case), a title
number (one article in one month), and a topic alone. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.corpus import generate
from tests.support.sites import CHROMIUM_ARGS, served_under

WORDS = ["budget", "cricket", "inflation", "hospital", "rupee", "flood"]
# the results list names the query it shows (data-query), the status ends "found." when done
FIRST = (
    "w => document.getElementById('search-results').dataset.query === 'q=' + w"
    " && document.querySelector('#search-results a')"
)
ALL = FIRST + " && document.getElementById('search-status').textContent.endsWith(' found.')"


def build(articles: int, folder: Path) -> Path:
    root = folder / "site-root"
    root.mkdir(parents=True)
    (root / "digest.toml").write_text('title = "Bench"\nbase_url = "https://example.org/news/"\n')
    generate(root, articles)
    command = [sys.executable, "-m", "generator", "build", "-q", "--clock", "2030-01-01T00:00:00Z"]
    subprocess.run(command, cwd=root, check=True)
    return root


def measure(site_root: Path, words: list[str]) -> dict[str, tuple[float, float]]:
    """Milliseconds to the first results and to all of them, by word."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as www, served_under(Path(www), "news") as base:
        (Path(www) / "news").symlink_to(site_root / "site", target_is_directory=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(base + "search/")
            box = page.locator("#search-q")
            for word in words:
                box.fill("")
                time.sleep(0.3)
                box.type(word, delay=30)
                typed = time.monotonic()
                page.wait_for_function(FIRST, arg=word, timeout=60_000, polling="raf")
                first = (time.monotonic() - typed) * 1000
                page.wait_for_function(ALL, arg=word, timeout=60_000, polling="raf")
                timings[word] = (first, (time.monotonic() - typed) * 1000)
            box.fill("")
            page.wait_for_function("() => !document.querySelector('#search-results a')")
            page.locator("#search-topic").select_option(index=1)
            chosen = time.monotonic()
            page.wait_for_function(
                "() => document.querySelector('#search-results a')", polling="raf"
            )
            first = (time.monotonic() - chosen) * 1000
            page.wait_for_function(
                "() => document.getElementById('search-status').textContent.endsWith(' found.')",
                polling="raf",
            )
            timings["(a topic alone)"] = (first, (time.monotonic() - chosen) * 1000)
            browser.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=34000)
    parser.add_argument("--site", type=Path, help="a built site root (with site/) to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-search-") as scratch:
        root = args.site.resolve() if args.site else build(args.articles, Path(scratch))
        index = root / "site" / "pagefind"
        shards = json.loads((index / "shards.json").read_text())
        months, segments = len(shards["months"]), len(shards.get("recent", {}))
        superseded = sum(map(len, shards.get("gone", {}).values()))
        articles = len(list(index.glob("*/fragment/*"))) - superseded
        # the generated titles end with the article's number: one article, one month
        timings = measure(root, [*WORDS, str(articles // 3)])
    print(
        f"{articles:,} articles in {months} month indexes and {segments} delta segments; ms from"
        f" last keystroke to results (the first word is the visit's first query):"
    )
    print(f"  {'':>16}  {'first':>8}  {'all':>8}")
    for word, (first, every) in timings.items():
        print(f"  {word:>16}  {first:5.0f} ms  {every:5.0f} ms")
    for n, name in enumerate(("first", "all")):
        values = [pair[n] for pair in timings.values()]
        print(f"  {name}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms")


if __name__ == "__main__":
    main()
