"""A preview server (`digest serve`'s) started in a thread, and what the tests ask of it."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass

from generator.preview.server import PreviewServer

SUB_PATH_CONFIG = """
    title = "Preview Digest"
    base_url = "https://example.github.io/news/"
    timezone = "UTC"
"""
WAIT = 15.0  # a cap for "eventually", never a speed requirement
RELOAD_WITHIN = 2.0  # the promise: an edit shows in the open tab within 2 s


@dataclass
class Running:
    server: PreviewServer
    log: list[str]  # what the terminal would show

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def builds(self) -> int:
        return self.server.preview.state.builds

    def wait_builds(self, count: int) -> None:
        deadline = time.monotonic() + WAIT
        while self.builds < count:
            assert time.monotonic() < deadline, f"no rebuild #{count}; log: {self.log}"
            time.sleep(0.02)

    def raw(self, path: str) -> tuple[int, dict[str, str], str]:
        """GET the path exactly as written: no client-side normalising of '..'."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
