"""Benchmark `digest fetch`: N summary-only feed items whose article pages (news-site
furniture around ~4 KB of story) are served from 127.0.0.1, fetched, extracted and
imported; then the same again, which costs one 304.

    python -m benchmarks.fetch_speed [--pages 500] [--feeds 5] [--connections 4]

Prints pages fetched and extracted per second. `[fetch] delay` is 0 here (a local
server): against real sites the per-host delay (default 1 s) sets the pace instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import tempfile
import time
from pathlib import Path

from generator.core.config import load_config
from generator.fetching.fetcher import FetchOptions, fetch
from tests.support.corpus import body_text
from tests.support.feed_server import feed_server

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | Bench Herald</title>
<meta property="article:published_time" content="{date}"><meta name="author" content="Reporter {i}">
</head><body><div class="cookie-banner">We use cookies. <button>Accept</button></div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1>{paragraphs}</article>
<aside class="related"><h3>Related</h3><a href="/r/1">Another story</a></aside>
<section class="comments"><p>First! — troll{i}</p></section></main>
<footer>© Bench Herald</footer></body></html>"""


def make_site(root: Path, pages: int, feeds: int) -> None:
    rng = random.Random(7)
    items: list[list[str]] = [[] for _ in range(feeds)]
    for i in range(pages):
        title = f"Story number {i} about the harbour"
        date = (dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i)).isoformat()
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in body_text(rng).split("\n\n"))
        (root / "a").mkdir(exist_ok=True)
        (root / "a" / f"{i}.html").write_text(
            PAGE.format(title=title, date=date, i=i, paragraphs=paras)
        )
        items[i % feeds].append(
            f"<item><title>{title}</title><link>{{{{BASE}}}}a/{i}.html</link>"
            f"<description>Summary {i}.</description><pubDate>{date}</pubDate></item>"
        )
    for n, feed in enumerate(items):
        (root / f"feed{n}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
            + "".join(feed)
            + "</channel></rss>"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--feeds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4, help="[fetch] connections_per_host")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-fetch-bench-") as tmp:
        served, site = Path(tmp, "served"), Path(tmp, "site")
        served.mkdir()
        site.mkdir()
        make_site(served, args.pages, args.feeds)
        with feed_server(served) as server:
            feeds = ", ".join(f'"{server.base}feed{n}.xml"' for n in range(args.feeds))
            (site / "digest.toml").write_text(
                f"[fetch]\nfeeds = [{feeds}]\ndelay = 0\n"
                f"connections_per_host = {args.connections}\n"
            )
            config = load_config(site / "digest.toml")
            now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
            for run in ("first", "second"):
                started = time.perf_counter()
                report = fetch(config, FetchOptions(now))
                seconds = time.perf_counter() - started
                rate = f", {report.pages / seconds:.1f} pages/s" if report.pages else ""
                print(f"{run} run: {seconds:.2f} s, {report.pages} pages fetched and extracted"
                      f"{rate} — {report.summary()}")  # fmt: skip


if __name__ == "__main__":
    main()
