"""Small real sites on disk, built with the real pipeline; running digest as a user does."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, build
from generator.build.report import BuildReport
from generator.build.search_index import INDEX, SHARDS, STAMP
from generator.core.config import load_config

REPO = Path(__file__).resolve().parents[2]
# Test data: the hostile-input corpus, the golden example site, scraper samples.
HOSTILE = REPO / "tests" / "hostile"
GOLDEN = REPO / "tests" / "golden"
SAMPLES = REPO / "tests" / "fixtures" / "samples"
CLOCK = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
# Debian's chromium as the machine's probe starts it: no background traffic on a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served_under(www: Path, prefix: str) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 for the folder `www` (made here); yields the base URL of
    its sub-path `prefix`, where a test links or builds its site."""
    www.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{prefix}/"
    finally:
        server.shutdown()
        server.server_close()


def is_index(path: str) -> bool:
    """A file of the search index (`pagefind/…`)."""
    return path.startswith(f"{INDEX}/")


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """A site's files as two builds of the same input must agree on them. Pagefind's indexes are
    not byte-reproducible (a month's filters come out in a different order each run), and an
    incremental build keeps changed articles in a delta a clean build has not: so the index
    stands as the records it answers for (URL, file key, local time: each month's stamp less
    its superseded ids, plus the delta's), under the manifest's path."""
    kept = {k: v for k, v in files.items() if not is_index(k)}
    if f"{INDEX}/{SHARDS}" in files:
        kept[f"{INDEX}/{SHARDS}"] = "".join(sorted(index_records(files))).encode()
    return kept


def index_records(files: dict[str, bytes]) -> list[str]:
    """Every record the search index answers for, one 'URL, key, time' line each."""
    gone = json.loads(files[f"{INDEX}/{SHARDS}"]).get("gone", {})
    lines = []
    for path, data in files.items():
        parts = path.split("/")
        if parts[0] == INDEX and len(parts) == 3 and parts[2] == STAMP:
            superseded = set(gone.get(parts[1], ()))
            for line in data.decode().splitlines()[1:]:
                rid, rest = line.split("\t", 1)
                if rid not in superseded:
                    lines.append(rest + "\n")
    return lines


def local_only(route) -> None:
    """Playwright route handler: keep a page on 127.0.0.1 (the example's lead images live on
    news sites, which this offline machine cannot reach)."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def wait_for_trash(folder: Path, seconds: float = 30) -> None:
    """Let the detached deleter of replaced pages finish with the trash beside an output folder."""
    deadline = time.monotonic() + seconds
    while list(folder.glob(".*.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def wait_for_group(pgid: int, what: str = "build") -> None:
    """Workers must die with their killed process, not live on and write: fail if any is left."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.killpg(pgid, signal.SIGKILL)  # clean up the orphans before failing
    pytest.fail(f"a worker process outlived its killed {what}")


def run_digest(
    cwd: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`digest ARGS` as a user runs it: a real process, its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def article(title: str, date: str, body: str = "Body text.", **fields: object) -> str:
    """Front-mattered Markdown for one article; extra fields are written as YAML."""
    import yaml

    meta = {"title": title, "date": date, **fields}
    return (
        "---\n"
        + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
        + "---\n\n"
        + textwrap.dedent(body).strip()
        + "\n"
    )


class Site:
    """A site folder on disk: write content and config, build it, read the output."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content").mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def add(self, name: str, title: str, date: str, body: str = "Body text.", **fields) -> Path:
        return self.write(f"content/{name}.md", article(title, date, body, **fields))

    def config(self, toml: str) -> None:
        self.write("digest.toml", textwrap.dedent(toml))

    def build(self, clock: dt.datetime = CLOCK, **options) -> BuildReport:
        overrides = options.pop("overrides", None)
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            config = load_config(
                self.root / "digest.toml" if (self.root / "digest.toml").exists() else None,
                overrides,
            )
            return build(config, BuildOptions(now=clock, **options))
        finally:
            os.chdir(cwd)

    @property
    def out(self) -> Path:
        return self.root / "site"

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def snapshot(self, search: bool = False) -> dict[str, bytes]:
        """Every output file and its bytes, for byte-for-byte comparisons; unless `search`,
        Pagefind's index is `comparable`'s stamp."""
        found = {
            p.relative_to(self.out).as_posix(): p.read_bytes()
            for p in sorted(self.out.rglob("*"))
            if p.is_file()
        }
        return found if search else comparable(found)
