"""Lighthouse scores for the example site served under /news/ on 127.0.0.1.

Run from the repo root after `npm ci` (lighthouse@12.2.3 from package.json):
    .venv/bin/python benchmarks/lighthouse.py [--keep REPORT_DIR]
Prints performance, accessibility, best-practices and SEO scores for the home
page and an article page. A script, not a test: scores move with machine load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build.pipeline import BuildOptions, build  # noqa: E402
from generator.core.config import load_config  # noqa: E402

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"home": "", "article": "2025/08/16/invisible-lives/"}
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build_example(root: Path, base: str) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "digest.toml", root / "digest.toml")
    config = load_config(root / "digest.toml", {"base_url": base, "import.paths": []})
    build(config, BuildOptions(now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    return config.path("output")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Also write the JSON reports here.")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` at the repo root", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="digest-lighthouse-") as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "www"))
        )
        base = f"http://127.0.0.1:{server.server_port}/news/"
        site = build_example(root / "example", base)
        (root / "www" / "news").symlink_to(site, target_is_directory=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"{'page':<9}" + "".join(f"{c:>16}" for c in CATEGORIES))
        try:
            for name, rel in PAGES.items():
                out = root / f"{name}.json"
                subprocess.run(
                    [
                        str(LIGHTHOUSE), base + rel, "--quiet", "--output=json",
                        f"--output-path={out}", f"--chrome-flags={CHROME_FLAGS}",
                        f"--only-categories={','.join(CATEGORIES)}",
                    ],
                    check=True,
                    env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                )  # fmt: skip
                report = json.loads(out.read_text())
                scores = [report["categories"][c]["score"] for c in CATEGORIES]
                print(f"{name:<9}" + "".join(f"{round(s * 100):>16}" for s in scores))
                failing = [
                    f"  {a['id']}: {a['title']}"
                    for a in report["audits"].values()
                    if a.get("score") is not None and a["score"] < 0.9
                    and a.get("scoreDisplayMode") in ("binary", "numeric")
                ]  # fmt: skip
                if failing:
                    print("\n".join(failing))
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(out, args.keep / out.name)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
