"""Lighthouse scores of the example site and of a generated 5,000-article site, each built for
and served under /news/ by a real HTTP server on 127.0.0.1.

Run from the repo root after `npm ci` (lighthouse@12.2.3 from package.json):
    python -m benchmarks.lighthouse [--articles 5000] [--site example|generated] [--page home]
        [--keep DIR]
Prints performance, accessibility, best-practices and SEO scores for the home, a day, a topic,
an article and the search page of each site, and the audits under 0.9. The generated site's
home, day and article pages show stories from two sources ("Also reported by") and the
article page related articles (tests/support/quality_site.py). A script, not a test:
scores move with machine load (the quality tests run axe-core and the Nu checker instead).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.build.pipeline import BuildOptions, build
from generator.core.config import load_config
from tests.support import quality_site
from tests.support.sites import served_under

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
EXAMPLE_PAGES = {
    "home": "",
    "day": "2025/06/10/",
    "topic": "topics/business/",
    "article": "2025/08/16/invisible-lives/",
    "search": "search/",
}
# About the HTTP server, not the site (GitHub Pages compresses and sets cache headers).
SERVER_AUDITS = {"uses-text-compression", "uses-long-cache-ttl"}
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def build_site(root: Path, base: str, now: dt.datetime) -> Path:
    config = load_config(root / "digest.toml", {"base_url": base, "import.paths": []})
    build(config, BuildOptions(now=now))
    return config.path("output")


def example(root: Path) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "digest.toml", root / "digest.toml")
    return root


def lighthouse(url: str, out: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
            f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )  # fmt: skip
    return json.loads(out.read_text())


def report_line(site: str, name: str, report: dict) -> str:
    scores = [report["categories"][c]["score"] for c in CATEGORIES]
    line = f"{site:<10}{name:<13}" + "".join(f"{round(s * 100):>16}" for s in scores)
    failing = [
        f"    {a['id']}: {a['title']}"
        for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 0.9 and a["id"] not in SERVER_AUDITS
        and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]  # fmt: skip
    return "\n".join([line, *failing])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="of the generated site")
    parser.add_argument("--site", choices=("example", "generated"), action="append")
    parser.add_argument("--page", action="append", help="only these pages (home, day, ...)")
    parser.add_argument("--keep", type=Path, help="Also write the JSON reports here.")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` at the repo root", file=sys.stderr)
        return 2
    sites = args.site or ["example", "generated"]
    with tempfile.TemporaryDirectory(prefix="digest-lighthouse-") as tmp:
        root = Path(tmp)
        with served_under(root / "www", "news") as base:
            plans = []
            for name in sites:
                started = time.perf_counter()
                if name == "example":
                    folder = example(root / name)
                    out = build_site(folder, base, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
                    plans.append((name, out, EXAMPLE_PAGES))
                else:
                    folder = quality_site.make_site(root / name, args.articles)
                    out = build_site(folder, base, quality_site.CLOCK)
                    plans.append((name, out, quality_site.PAGES))
                took = time.perf_counter() - started
                print(f"built {name} in {took:.1f} s", file=sys.stderr)
            print(f"{'site':<10}{'page':<13}" + "".join(f"{c:>16}" for c in CATEGORIES))
            for name, out, pages in plans:
                link = root / "www" / "news"  # one site at a time under /news/
                link.unlink(missing_ok=True)
                link.symlink_to(out, target_is_directory=True)
                for page, rel in pages.items():
                    if args.page and page not in args.page:
                        continue
                    report = lighthouse(base + rel, root / f"{name}-{page}.json")
                    print(report_line(name, page, report), flush=True)
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(root / f"{name}-{page}.json", args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
