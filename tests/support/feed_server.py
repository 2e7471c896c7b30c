"""A real HTTP server on 127.0.0.1 for `digest fetch` tests: serves tests/fixtures/fetch
(with `{{BASE}}` replaced by its own address), answers conditional requests with 304,
gzips when asked, and logs every request (path, headers, time) for the tests to assert on.

Extra routes for the failure cases: /status/<code>, /slow (longer than any test timeout),
/flaky (503 with Retry-After once, then a feed) and /huge (larger than a small max_bytes).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.support.corpus import body_text
from tests.support.sites import REPO

FIXTURES = REPO / "tests" / "fixtures" / "fetch"
LAST_MODIFIED = "Mon, 30 Nov 2026 12:00:00 GMT"
_TYPES = {".xml": "application/rss+xml", ".rdf": "application/rdf+xml",
          ".json": "application/feed+json", ".html": "text/html; charset=utf-8",
          ".txt": "text/plain", ".opml": "text/x-opml"}  # fmt: skip


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived
    status: int


@dataclass
class FeedServer:
    root: Path
    base: str = ""
    hits: list[Hit] = field(default_factory=list)
    # path → a function giving (status, headers, body) instead of a file
    routes: dict[str, Callable[[], tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)
    flaky_calls: int = 0

    def requests(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def body(self, path: str) -> bytes | None:
        file = self.root / path.lstrip("/").split("?")[0]
        if not file.is_file():
            return None
        return file.read_bytes().replace(b"{{BASE}}", self.base.encode())


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            arrived = time.monotonic()
            status, headers, body = self._answer()
            server.hits.append(Hit(self.path, dict(self.headers.items()), arrived, status))
            if body and "gzip" in self.headers.get("Accept-Encoding", "") and status == 200:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def _answer(self) -> tuple[int, dict[str, str], bytes]:
            path = self.path.split("?")[0]
            if path in server.routes:
                return server.routes[path]()
            if path.startswith("/status/"):
                code = int(path.rsplit("/", 1)[1])
                return code, {"Content-Type": "text/plain"}, b"error page"
            if path == "/slow":
                time.sleep(3)
                return 200, {"Content-Type": "application/rss+xml"}, b""
            if path == "/huge":
                return 200, {"Content-Type": "application/rss+xml"}, b"<rss>" + b" " * 200_000
            if path == "/flaky":
                server.flaky_calls += 1
                if server.flaky_calls == 1:
                    return 503, {"Retry-After": "0", "Content-Type": "text/plain"}, b"busy"
                path = "/rss091.xml"
            body = server.body(path)
            if body is None:
                return 404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers = {
                "Content-Type": _TYPES.get(Path(path).suffix, "application/octet-stream"),
                "ETag": etag,
                "Last-Modified": LAST_MODIFIED,
            }
            if self.headers.get("If-None-Match") == etag or (
                "If-None-Match" not in self.headers
                and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                return 304, {"ETag": etag}, b""
            return 200, headers, body

    return Handler


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | Bench Herald</title>
<meta property="article:published_time" content="{date}"><meta name="author" content="Reporter {i}">
</head><body><div class="cookie-banner">We use cookies. <button>Accept</button></div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1>{paragraphs}</article>
<aside class="related"><h3>Related</h3><a href="/r/1">Another story</a></aside>
<section class="comments"><p>First! — troll{i}</p></section></main>
<footer>© Bench Herald</footer></body></html>"""


def make_news_site(root: Path, pages: int, feeds: int) -> None:
    """`pages` article pages (~4 KB of story in news-site furniture) under a/, listed with
    one-line summaries in feed0.xml … feed{feeds-1}.xml."""
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


@contextmanager
def feed_server(root: Path = FIXTURES) -> Iterator[FeedServer]:
    """Serve `root` on a free port of 127.0.0.1 for the duration of the block."""
    state = FeedServer(root)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
