"""Save-to-reload latency of `digest serve`: a real `digest serve` process, a real headless
Chromium (Playwright) with the page open, and a file saved on disk.

    python -m benchmarks.serve_latency                      # the bundled example site
    python -m benchmarks.serve_latency --articles 32000     # generated, [import] paths set
    python -m benchmarks.serve_latency --articles 32000 --site DIR  # generated and built once

A generated site of N articles has `[import] paths = ["sources"]`: a quarter of its articles
(`--records`) come from a folder of scraped JSON records (tests.support.corpus.make_batch),
the rest are Markdown files in content/. Each run saves (a) a content/ Markdown file with a
new title and (b) a source record file with a new headline, and times until the open tab has
reloaded and shows it. The serve process's own lines ("Changed: …", "Imported …", "Built …")
split each run into noticing the save, importing, building and reloading the tab. Works on a
copy in a temporary folder; prints figures, asserts nothing. With `--site DIR` the site is
generated into DIR once (and built there by a first serve) and each run works on a copy of
it, so two versions of digest can be compared in turns on the same files (a copy's first
serve still renders every page again: 204 s at 32,000 articles under load).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.measure import use_this_checkout
from tests.support import corpus

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SLUG = "story-00000"  # the edited article's fixed slug: a new title keeps its URL


def generate(root: Path, articles: int, records: int) -> tuple[Path, Path]:
    """A generated site: `articles - records` Markdown articles and `records` source records
    under sources/ (imported by every build). Returns (the Markdown file, the record file)
    the runs edit."""
    (root / "digest.toml").write_text(
        'title = "Generated Digest"\nbase_url = "https://example.github.io/news/"\n'
        '[import]\npaths = ["sources"]\n',
        encoding="utf-8",
    )
    target = corpus.generate(root, articles - records)[0]
    _fix_slug(target)
    (root / "sources").mkdir()
    corpus.make_batch(root / "sources", records)
    return target, sorted((root / "sources").glob("record-*.json"))[0]


def kept(folder: Path, root: Path, articles: int, records: int) -> tuple[Path, Path]:
    """A copy of `folder` (generated and built by a first serve when missing) in `root`."""
    if not (folder / "digest.toml").exists():
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, articles, records)
        start_serve(folder)[0].stop()  # the cold build, with its caches
    shutil.copytree(folder, root, symlinks=True, dirs_exist_ok=True)
    target = next((root / "content").rglob("*/a0.md"))
    return target, sorted((root / "sources").glob("record-*.json"))[0]


def example(root: Path) -> tuple[Path, Path]:
    """A copy of the bundled example site (its digest.toml imports sources/)."""
    shutil.copy(REPO / "digest.toml", root / "digest.toml")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "sources", root / "sources")
    target = sorted((root / "content").rglob("*.md"))[-1]
    _fix_slug(target)
    record = next(p for p in sorted((root / "sources").rglob("*.json")) if _title_key(p))
    return target, record


def _fix_slug(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if re.search(r"^slug:", text, flags=re.MULTILINE):
        text = re.sub(r"^slug:.*$", f"slug: {SLUG}", text, count=1, flags=re.MULTILINE)
    else:
        text = text.replace("---\n", f"---\nslug: {SLUG}\n", 1)
    path.write_text(text, encoding="utf-8")


def _title_key(record: Path) -> str | None:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return next((k for k in ("title", "headline") if isinstance(data.get(k), str)), None)


def imported_page(root: Path, record: Path) -> str:
    """The URL path (under the site's base) of the article the import made of `record`."""
    data = json.loads(record.read_text(encoding="utf-8"))
    link = data.get("link") or data.get("url") or ""
    date = next((data[k] for k in ("pubDate", "date_published") if k in data), "")
    day = root / "content" / date[:10].replace("-", "/")  # make_batch's dates are UTC
    for path in [*day.glob("*.md"), *(root / "content").rglob("*.md")]:
        text = path.read_text(encoding="utf-8")
        if f"url: {link}\n" in text:
            slug = re.search(r"^slug: (.+)$", text, re.MULTILINE)
            folder = path.parent.relative_to(root / "content").as_posix()
            return f"{folder}/{slug[1] if slug else path.stem}/"
    raise SystemExit(f"no content file was imported from {record}")


@dataclass
class Serve:
    """A `digest serve` process and its output lines, each with the time it arrived."""

    process: subprocess.Popen[str]
    lines: queue.Queue[tuple[float, str]] = field(default_factory=queue.Queue)
    seen: list[tuple[float, str]] = field(default_factory=list)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, prefix: str, timeout: float) -> tuple[float, str]:
        """The next line starting with `prefix` (the lines before it are kept in `seen`)."""
        deadline = time.perf_counter() + timeout
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.01, deadline - time.perf_counter()))
            except queue.Empty:
                said = [line for _, line in self.seen]
                raise SystemExit(f"`digest serve` said no {prefix!r}; it said {said}") from None
            self.seen.append((when, line))
            if line.startswith(prefix):
                return when, line

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_serve(root: Path) -> tuple[Serve, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # PYTHONPATH: use_this_checkout
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-c", str(root / "digest.toml"), "-p", "0"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    serve = Serve(process)
    threading.Thread(target=serve.read, daemon=True).start()
    _, line = serve.wait_for("Serving ", timeout=3600)
    return serve, line.split()[1]


@dataclass
class Run:
    total: float  # saved → the tab's load event
    notice: float  # saved → "Changed: …" (the watcher's poll and settle)
    rebuild: float  # "Changed: …" → "Built …" (import and build)
    reload: float  # "Built …" → load event (websocket message, page request and load)
    build: float  # the build's own time, from its "Built … in N s" line
    imported: str  # the import's line, when it wrote anything
    built: str


def time_edits(
    serve: Serve,
    page: Page,
    path: Path,
    edit: Callable[[int], str],
    check: Callable[[int], None],
    runs: int,
) -> list[Run]:
    """`runs` saves of `path` (edit(run) gives its new text), each timed to the tab's reload;
    check(run) waits until the reloaded page shows the change."""
    found = []
    for run in range(runs):
        text = edit(run)
        while not serve.lines.empty():  # lines of an earlier run
            serve.seen.append(serve.lines.get())
        with page.expect_event("load", timeout=600_000):
            saved = time.perf_counter()
            path.write_text(text, encoding="utf-8")
        loaded = time.perf_counter()
        check(run)
        changed, _ = serve.wait_for("Changed: ", timeout=60)
        built, built_line = serve.wait_for("Built ", timeout=60)
        imported = next((line for t, line in serve.seen if t >= changed and line.startswith("Imported ")), "")  # fmt: skip
        found.append(
            Run(loaded - saved, changed - saved, built - changed, loaded - built,
                float(re.findall(r" in ([0-9.]+) s", built_line)[-1]), imported, built_line)
        )  # fmt: skip
        print(f"  {path.name} saved: reloaded in {loaded - saved:.2f} s", file=sys.stderr)
    return found


def report(what: str, found: list[Run], flush: bool = False) -> None:
    def spread(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"

    print(f"{what}, {len(found)} runs:")
    print(f"  save → page reloaded     {spread([r.total for r in found])}")
    print(f"    save noticed           {spread([r.notice for r in found])}")
    print(f"    import + build         {spread([r.rebuild for r in found])}")
    print(f"      the build's own      {spread([r.build for r in found])}")
    print(f"    tab reloaded           {spread([r.reload for r in found])}")
    if found[-1].imported:
        print(f"  last import: {found[-1].imported}")
    print(f"  last build: {found[-1].built}", flush=flush)


def main() -> None:
    use_this_checkout()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0, help="generate N (0: the example)")
    parser.add_argument("--records", type=int, help="of them from source records (N/4)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site", type=Path, help="generate once into DIR; each run copies it")
    args = parser.parse_args()

    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory(prefix="digest-serve-") as tmp:
        root = Path(tmp)
        records = args.articles // 4 if args.records is None else args.records
        if args.site:
            markdown, record = kept(args.site.resolve(), root, args.articles, records)
        elif args.articles:
            markdown, record = generate(root, args.articles, records)
        else:
            markdown, record = example(root)
        started = time.perf_counter()
        serve, url = start_serve(root)
        first = time.perf_counter() - started
        built = next(line for _, line in serve.seen if line.startswith("Built "))
        print(f"{built}; serving after {first:.1f} s", file=sys.stderr)
        try:
            article = next((root / ".digest-preview").rglob(f"{SLUG}/index.html"))
            rel = article.parent.relative_to(root / ".digest-preview").as_posix() + "/"
            base = url.rstrip("/") + "/"
            text = markdown.read_text(encoding="utf-8")
            data = json.loads(record.read_text(encoding="utf-8"))
            key = _title_key(record) or "title"
            headline = data[key]
            imported = imported_page(root, record)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                page = browser.new_page()
                page.goto(base + rel)
                title = page.locator("h1").inner_text()

                def edit_markdown(run: int) -> str:
                    new = f"title: '{title} (edit {run})'"
                    return re.sub(r"^title:.*$", new, text, count=1, flags=re.MULTILINE)

                def check_markdown(run: int) -> None:
                    expect(page.locator("h1")).to_have_text(f"{title} (edit {run})", timeout=1000)

                markdown_runs = time_edits(
                    serve, page, markdown, edit_markdown, check_markdown, args.runs
                )
                page.goto(base + imported)

                def edit_record(run: int) -> str:
                    return json.dumps({**data, key: f"Record edit {run}: {headline}"})

                def check_record(run: int) -> None:
                    expect(page.locator("h1")).to_contain_text(f"Record edit {run}:", timeout=1000)

                record_runs = time_edits(serve, page, record, edit_record, check_record, args.runs)
                browser.close()
        finally:
            serve.stop()
        # before the temporary folder goes: deleting 100,000 files takes minutes under load
        print(f"site: {args.articles or 'bundled example'} articles; {built}")
        print(f"`digest serve` started, built and listening in {first:.1f} s")
        report("(a) a content/ Markdown file saved", markdown_runs)
        report("(b) a source record file saved", record_runs, flush=True)


if __name__ == "__main__":
    main()
