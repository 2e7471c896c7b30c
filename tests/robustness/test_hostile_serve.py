"""The corpus's preview-server cases: every hostile request is a 404 that shows nothing from
outside the preview folder; and the server listens on 127.0.0.1 unless told otherwise.

The server is digest's own (generator/preview/server.py, started with open_preview as
`digest serve` does); this file only feeds it the corpus.
"""

from __future__ import annotations

import http.client
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.preview.rebuild import PREVIEW_DIR
from generator.preview.server import PreviewServer, ServeOptions, open_preview
from tests.support.safety import ALL_CASES
from tests.support.sites import CLOCK, Site

SERVE_CASES = [c for c in ALL_CASES if c.get("kind") == "serve"]
SECRET = "TOP SECRET"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PreviewServer, Path]]:
    site = Site(tmp_path_factory.mktemp("serve") / "site-root")
    site.config('title = "Preview"\nbase_url = "https://example.github.io/news/"\n')
    site.add("a", "Story", "2025-06-10T09:00:00+00:00")
    site.write("secret.txt", SECRET)
    cwd = os.getcwd()
    os.chdir(site.root)
    server = open_preview(
        site.root / "digest.toml", ServeOptions(port=0), clock=lambda: CLOCK,
        echo=lambda *a, **k: None,
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(15)
        folder = site.root / PREVIEW_DIR
        os.symlink(site.root, folder / "escape")
        os.symlink(site.root / "secret.txt", folder / "leak.txt")
        yield server, site.root
    finally:
        server.stop()
        thread.join(15)
        os.chdir(cwd)


def get(port: int, path: str) -> tuple[int, str]:
    """GET the path exactly as written: no client-side normalising of '..'."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("case", SERVE_CASES, ids=[c["id"] for c in SERVE_CASES])
def test_hostile_request(case: dict, preview: tuple[PreviewServer, Path]) -> None:
    server, root = preview
    status, body = get(server.port, case["request"].replace("{root}", str(root)))
    assert case["expect"] == "not-found"
    assert status == 404
    assert SECRET not in body and "root:" not in body and "[build]" not in body


def test_the_preview_itself_is_served(preview: tuple[PreviewServer, Path]) -> None:
    server, _root = preview
    status, body = get(server.port, "/news/")
    assert status == 200 and "Story" in body


def test_serve_listens_on_localhost_only_by_default(preview) -> None:
    server, _root = preview
    assert ServeOptions().bind == "127.0.0.1"
    assert {s.getsockname()[0] for s in server.sockets} == {"127.0.0.1"}
    from generator.cli import serve

    bind = next(p for p in serve.params if p.name == "bind")
    assert bind.default == "127.0.0.1"
