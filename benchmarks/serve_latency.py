"""Edit-to-reload latency of `digest serve`, measured in headless Chromium.

    python benchmarks/serve_latency.py                    # the bundled example site
    python benchmarks/serve_latency.py --articles 10000   # a generated 10,000-article site

Each run rewrites one article's title on disk and times until the open tab shows it
(file watch + rebuild + reload + page load). Works on a copy in a temporary folder, so
the repository is never edited. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script: `python benchmarks/serve_latency.py`

from generator.preview.server import ServeOptions, open_preview  # noqa: E402
from tests.support import corpus  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def generate(root: Path, count: int) -> Path:
    """A generated site (tests.support.corpus's articles); returns the article the runs edit,
    given a fixed slug so that a new title does not move its URL."""
    (root / "digest.toml").write_text(
        'title = "Generated Digest"\nbase_url = "https://example.github.io/news/"\n',
        encoding="utf-8",
    )
    target = corpus.generate(root, count)[0]
    _fix_slug(target)
    return target


def example(root: Path) -> Path:
    """A copy of the bundled example site; returns the article the runs edit (given a slug)."""
    shutil.copy(REPO / "digest.toml", root / "digest.toml")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "sources", root / "sources")  # digest.toml imports them
    target = sorted((root / "content").rglob("*.md"))[-1]
    _fix_slug(target)
    return target


def _fix_slug(path: Path) -> None:
    """Give the edited article a fixed slug, so a new title does not move its URL."""
    text = path.read_text(encoding="utf-8")
    if re.search(r"^slug:", text, flags=re.MULTILINE):
        text = re.sub(r"^slug:.*$", "slug: story-00000", text, count=1, flags=re.MULTILINE)
    else:
        text = text.replace("---\n", "---\nslug: story-00000\n", 1)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0, help="generate N (0: the example)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        target = generate(root, args.articles) if args.articles else example(root)
        log: list[str] = []
        started = time.perf_counter()
        server = open_preview(
            root / "digest.toml",
            ServeOptions(port=0),
            clock=lambda: dt.datetime.now(dt.UTC),
            echo=lambda message="", err=False: log.append(message),
        )
        first_build = time.perf_counter() - started
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        server.ready.wait()
        article = next((root / ".digest-preview").rglob("story-00000/index.html"))
        url = server.url + article.parent.relative_to(root / ".digest-preview").as_posix() + "/"
        text = target.read_text(encoding="utf-8")
        latencies = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                page = browser.new_page()
                page.goto(url)
                while not server.hub.sockets:
                    time.sleep(0.02)
                title = page.locator("h1").inner_text()
                for run in range(args.runs):
                    new = f"{title} (edit {run})"
                    source = re.sub(
                        r"^title:.*$", f"title: '{new}'", text, count=1, flags=re.MULTILINE
                    )
                    with page.expect_event("load", timeout=600_000):
                        edited = time.perf_counter()
                        target.write_text(source, encoding="utf-8")
                    latencies.append(time.perf_counter() - edited)
                    expect(page.locator("h1")).to_have_text(new, timeout=1)
                browser.close()
        finally:
            server.stop()
            thread.join()
    builds = [line for line in log if line.startswith("Built ")]
    print(f"site: {args.articles or 'bundled example'} articles; {builds[0]}")
    print(f"first build + bind: {first_build:.2f} s")
    print(
        f"edit-to-reload over {len(latencies)} runs: median {statistics.median(latencies):.2f} s, "
        f"min {min(latencies):.2f} s, max {max(latencies):.2f} s"
    )
    print(f"last rebuild: {builds[-1]}")


if __name__ == "__main__":
    main()
