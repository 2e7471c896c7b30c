"""What the end-to-end tests share: the example site, built for and served under /news/."""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.sites import REPO, Site


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="package")
def served(tmp_path_factory):
    """The example site built for and served at http://127.0.0.1:PORT/news/."""
    root = tmp_path_factory.mktemp("quality")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "www"))
    )
    base = f"http://127.0.0.1:{server.server_port}/news/"
    site = Site(root / "example")
    shutil.copytree(REPO / "content", site.root / "content", dirs_exist_ok=True)
    shutil.copy(REPO / "digest.toml", site.root / "digest.toml")
    site.build(overrides={"base_url": base, "import.paths": []})
    (root / "www").mkdir()
    (root / "www" / "news").symlink_to(site.out, target_is_directory=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, base
    server.shutdown()
    server.server_close()
