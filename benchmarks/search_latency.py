"""Search latency in headless Chromium: from the last keystroke (or the choice of a topic or
source) to the results on screen.

    python -m benchmarks.search_latency --articles 34000            # generate, build, measure
    python -m benchmarks.search_latency --site A/site-root --site B/site-root --rounds 2

The site is served under /news/ on 127.0.0.1. First two fresh visits (a new browser context:
nothing cached): the page loaded, then one word typed, or one topic chosen. Then one open
page: each word typed (30 ms between keys) into its box, a title number (one article in one
month), a topic alone, a source alone, and both; each timed until the results list names the
query and its first result is drawn ("first"), then until the status line ends "found."
("all"). The page waits 120 ms after typing stops. Common words of the generated text match
nearly every article: the worst case. With several sites (say, the same articles built by
the old code and the new), rounds alternate between them. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from benchmarks.measure import use_this_checkout
from tests.support.corpus import generate
from tests.support.sites import CHROMIUM_ARGS, served_under

if TYPE_CHECKING:
    from playwright.sync_api import Page

WORDS = ["budget", "cricket", "inflation", "hospital", "rupee", "flood"]
# the results list names the query it shows (data-query), the status ends "found." when done
FIRST = (
    "q => document.getElementById('search-results').dataset.query === q"
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


def timed(page: Page, query: dict[str, str], act: Callable[[], object]) -> tuple[float, float]:
    """Milliseconds from `act()` to the first results of `query`, and to all of them."""
    wanted = urlencode(query)
    act()
    started = time.monotonic()
    page.wait_for_function(FIRST, arg=wanted, timeout=60_000, polling="raf")
    first = (time.monotonic() - started) * 1000
    page.wait_for_function(ALL, arg=wanted, timeout=60_000, polling="raf")
    return first, (time.monotonic() - started) * 1000


def ask(page: Page, query: dict[str, str]) -> None:
    """As a reader: types the words (30 ms between keys), or chooses the topic and source."""
    if "q" in query:
        page.locator("#search-q").type(query["q"], delay=30)
    for name in ("topic", "source"):
        if name in query:
            page.locator(f"#search-{name}").select_option(query[name])


def measure(site_root: Path, words: list[str]) -> dict[str, tuple[float, float]]:
    """Milliseconds to the first results and to all of them, by query."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as www, served_under(Path(www), "news") as base:
        (Path(www) / "news").symlink_to(site_root / "site", target_is_directory=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            options = browser.new_page()
            options.goto(base + "search/")
            topic, source = (
                options.locator(f"#search-{name} option").nth(1).get_attribute("value") or ""
                for name in ("topic", "source")
            )
            options.close()
            for label, query in [
                ("fresh visit: word", {"q": words[0]}),
                ("fresh visit: topic", {"topic": topic}),
            ]:
                context = browser.new_context()  # an empty cache
                page = context.new_page()
                page.goto(base + "search/")
                page.locator("#search-q").click()  # the reader's first step: the box takes focus
                timings[label] = timed(page, query, lambda: ask(page, query))  # noqa: B023
                context.close()
            page = browser.new_page()
            page.goto(base + "search/")
            box = page.locator("#search-q")
            for word in words:
                box.fill("")
                time.sleep(0.3)
                timings[word] = timed(page, {"q": word}, lambda: box.type(word, delay=30))  # noqa: B023
            box.fill("")
            page.wait_for_function("() => !document.querySelector('#search-results a')")
            pick = page.locator("#search-topic").select_option
            timings["topic alone"] = timed(page, {"topic": topic}, lambda: pick(topic))
            page.locator("#search-topic").select_option("")
            page.wait_for_function("() => !document.querySelector('#search-results a')")
            choose = page.locator("#search-source").select_option
            timings["source alone"] = timed(page, {"source": source}, lambda: choose(source))
            both = {"topic": topic, "source": source}
            timings["topic and source"] = timed(page, both, lambda: pick(topic))
            browser.close()
    return timings


def main() -> None:
    use_this_checkout()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=34000)
    parser.add_argument(
        "--site", type=Path, action="append", help="a built site root (with site/); repeatable"
    )
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-search-") as scratch:
        roots = (
            [s.resolve() for s in args.site] if args.site else [build(args.articles, Path(scratch))]
        )
        index = roots[0] / "site" / "pagefind"
        shards = json.loads((index / "shards.json").read_text())
        months, segments = len(shards["months"]), len(shards.get("recent", {}))
        superseded = sum(map(len, shards.get("gone", {}).values()))
        articles = len(list(index.glob("**/fragment/*"))) - superseded  # parts too
        # the generated titles end with the article's number: one article, one month
        words = [*WORDS, str(articles // 3)]
        for round_ in range(args.rounds):
            for root in roots:
                load = os.getloadavg()[0]
                timings = measure(root, words)
                print(
                    f"{root} (round {round_ + 1}, load average {load:.1f} → {os.getloadavg()[0]:.1f}):"
                    f" {articles:,} articles in {months} month indexes and {segments} delta segments;"
                    " ms to results:"
                )
                report(timings)


def report(timings: dict[str, tuple[float, float]]) -> None:
    print(f"  {'':>20}  {'first':>8}  {'all':>8}")
    for query, (first, every) in timings.items():
        print(f"  {query:>20}  {first:5.0f} ms  {every:5.0f} ms")
    for n, name in enumerate(("first", "all")):
        values = [pair[n] for pair in timings.values()]
        print(f"  {name}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms")


if __name__ == "__main__":
    main()
