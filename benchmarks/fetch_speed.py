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
import tempfile
import time
from pathlib import Path

from generator.core.config import load_config
from generator.fetching.fetcher import FetchOptions, fetch
from tests.support.feed_server import feed_server, make_news_site


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
        make_news_site(served, args.pages, args.feeds)
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
