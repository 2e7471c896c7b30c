"""`digest serve`: a real server on 127.0.0.1, real HTTP, real files edited on disk, and
headless Chromium watching the page reload by itself."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from conftest import CHROMIUM_ARGS, CLOCK, REPO, Site, article

from generator.preview.server import PREVIEW_DIR, PreviewServer, ServeOptions, open_preview

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


@pytest.fixture
def serve(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Running]]:
    """Start previews of `site` on free ports in threads; always stopped afterwards."""
    # The pipeline reads content through root-relative paths, so it builds from the root
    # (as conftest's Site.build does).
    monkeypatch.chdir(site.root)
    started: list[tuple[PreviewServer, threading.Thread]] = []

    def start(**options) -> Running:
        log: list[str] = []

        def echo(message: str = "", err: bool = False) -> None:
            log.append(message)

        server = open_preview(
            site.root / "digest.toml",
            ServeOptions(port=options.pop("port", 0), **options),
            clock=lambda: CLOCK,
            echo=echo,
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        started.append((server, thread))
        assert server.ready.wait(WAIT)
        return Running(server, log)

    yield start
    for server, thread in started:
        server.stop()
        thread.join(WAIT)
        assert not thread.is_alive()


@pytest.fixture
def news(site: Site) -> Site:
    site.config(SUB_PATH_CONFIG)
    site.add("budget", "Budget session extended", "2025-06-10T09:00:00+00:00", slug="budget")
    site.add("cricket", "Test championship flawed", "2025-06-11T10:00:00+00:00", slug="cricket")
    return site


def test_serves_the_site_under_its_sub_path(news: Site, serve) -> None:
    running = serve()
    assert running.server.url == f"{running.origin}/news/"

    with urllib.request.urlopen(running.server.url) as resp:
        home = resp.read().decode()
    assert "Test championship flawed" in home
    assert "/livereload.js" in home  # injected by the server

    with urllib.request.urlopen(f"{running.origin}/news/2025/06/10/budget/") as resp:
        page = resp.read().decode()
    assert "<h1>Budget session extended</h1>" in page
    assert f'href="{running.origin}/news/2025/06/10/budget/"' in page  # canonical: this server
    assert 'href="/news/static/' in page  # site-relative links keep the base path

    status, headers, _ = running.raw("/")
    assert (status, headers["Location"]) == (302, "/news/")
    assert running.raw("/news")[1]["Location"] == "/news/"
    status, _, body = running.raw("/2025/06/10/budget/")  # the path without the base: not served
    assert status == 404
    assert "Budget session extended" not in body
    status, _, body = running.raw("/news/no-such-page/")
    assert status == 404 and "Page not found" in body  # the site's own 404.html, like Pages
    assert "/livereload.js" in body

    # The preview never touches site/, and the live-reload script exists only on the wire.
    assert not news.out.exists()
    preview = news.root / PREVIEW_DIR
    assert (preview / "2025/06/10/budget/index.html").is_file()
    for path in preview.rglob("*"):
        if path.is_file():
            assert b"livereload" not in path.read_bytes(), path
    news.build()
    assert all(b"livereload" not in data for data in news.snapshot().values())


def test_path_traversal_is_refused(news: Site, serve) -> None:
    news.write("secret.txt", "TOP SECRET")
    running = serve()
    preview = news.root / PREVIEW_DIR
    os.symlink(news.root, preview / "escape")
    os.symlink(news.root / "secret.txt", preview / "leak.txt")
    for path in [
        "/news/../secret.txt",
        "/news/2025/../../secret.txt",
        "/news/%2e%2e/secret.txt",
        "/news/%2E%2E/%2E%2E/etc/passwd",
        "/news/..%2fsecret.txt",
        "/news/%2e%2e%2fsecret.txt",
        "/news//etc/passwd",
        "/news/%2fetc%2fpasswd",
        f"/news/{news.root}/secret.txt",
        "/news/escape/secret.txt",
        "/news/leak.txt",
        "/../secret.txt",
        "/news/..\\secret.txt",
        "/news/%00",
    ]:
        status, _, body = running.raw(path)
        assert status == 404, path
        assert "TOP SECRET" not in body and "root:" not in body, path


def test_a_taken_port_moves_to_the_next(news: Site, serve) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        running = serve(port=port)
    assert running.server.port != port
    assert f"Port {port} is in use; trying {port + 1}." in running.log
    with urllib.request.urlopen(running.server.url) as resp:
        assert resp.status == 200


def test_build_error_is_shown_then_fixed(news: Site, serve) -> None:
    running = serve()
    good = (news.root / "content/budget.md").read_text()
    news.write("content/budget.md", good.replace("title:", "title: [unclosed\nx:", 1))
    running.wait_builds(2)
    status, _, body = running.raw("/news/2025/06/10/budget/")
    assert status == 500
    assert "Build failed" in body and "content/budget.md" in body and "line " in body
    assert "/livereload.js" in body  # so fixing the file brings the page back by itself
    assert running.raw("/news/static/style.css")[0] == 200  # assets still served

    errors = [line for line in running.log if line.startswith("error:")]
    assert len(errors) == 1 and "content/budget.md" in errors[0]
    news.add("other", "Another story", "2025-06-12T10:00:00+00:00")  # still broken
    running.wait_builds(3)
    assert [line for line in running.log if line.startswith("error:")] == errors  # shown once

    news.write("content/budget.md", good.replace("Budget session extended", "Budget fixed"))
    running.wait_builds(4)
    status, _, body = running.raw("/news/2025/06/10/budget/")
    assert status == 200 and "<h1>Budget fixed</h1>" in body


def test_config_change_reloads_the_config(news: Site, serve) -> None:
    running = serve()
    news.config(
        SUB_PATH_CONFIG.replace("Preview Digest", "Renamed Digest").replace("/news/", "/daily/")
    )
    running.wait_builds(2)
    status, _, body = running.raw("/daily/")
    assert status == 200 and "Renamed Digest" in body
    assert running.raw("/")[1]["Location"] == "/daily/"
    assert running.raw("/news/")[0] == 404


def test_raw_sources_in_import_paths_are_imported_on_change(news: Site, serve) -> None:
    news.config(SUB_PATH_CONFIG + '[import]\npaths = ["sources"]\n')
    news.write(
        "sources/World/first.txt", "Talks resume in Doha\nJune 10, 2025\n\nThe talks resumed.\n"
    )
    running = serve()
    assert "Talks resume in Doha" in running.raw("/news/topics/world/")[2]
    builds = running.builds
    news.write("sources/World/second.txt", "Ceasefire holds in Gaza\nJune 11, 2025\n\nIt held.\n")
    running.wait_builds(builds + 1)
    assert "Ceasefire holds in Gaza" in running.raw("/news/topics/world/")[2]


def test_drafts_and_future_are_previewed_only_when_asked(news: Site, serve) -> None:
    news.add("draft", "Secret draft", "2025-06-12T10:00:00+00:00", slug="draft", draft=True)
    news.add("later", "Tomorrow's story", "2026-06-12T10:00:00+00:00", slug="later")
    plain = serve()
    assert plain.raw("/news/2025/06/12/draft/")[0] == 404
    assert plain.raw("/news/2026/06/12/later/")[0] == 404
    plain.server.stop()
    both = serve(drafts=True, future=True)
    assert "Secret draft" in both.raw("/news/2025/06/12/draft/")[2]
    assert "Tomorrow" in both.raw("/news/2026/06/12/later/")[2]


def test_cli_serve_prints_the_url_and_stops_cleanly_on_ctrl_c(news: Site) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-p", "0", "-c", "digest.toml"],
        cwd=news.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Serving "):
                break
        url = re.search(r"http://127\.0\.0\.1:\d+/news/", line)
        assert url, line
        with urllib.request.urlopen(url.group(0)) as resp:
            assert "Preview Digest" in resp.read().decode()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Stopped." in out
    assert not news.out.exists()


# --- in the browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, running: Running, path: str):
    """A tab on `path` whose live-reload socket is connected (so no edit can race it)."""
    page = browser.new_page()
    page.goto(running.origin + path)
    deadline = time.monotonic() + WAIT
    while not running.server.hub.sockets:
        assert time.monotonic() < deadline, "livereload.js never connected"
        time.sleep(0.02)
    return page


@pytest.mark.browser
def test_browser_shows_an_edited_title_in_the_same_tab(news: Site, serve, browser) -> None:
    from playwright.sync_api import expect

    running = serve()
    page = _open(browser, running, "/news/2025/06/10/budget/")
    expect(page.locator("h1")).to_have_text("Budget session extended")

    text = (news.root / "content/budget.md").read_text()
    news.write("content/budget.md", text.replace("Budget session extended", "Budget passed"))
    started = time.monotonic()
    expect(page.locator("h1")).to_have_text("Budget passed", timeout=RELOAD_WITHIN * 1000)
    print(f"edit-to-reload: {time.monotonic() - started:.2f} s")
    assert page.url == f"{running.origin}/news/2025/06/10/budget/"
    page.close()


@pytest.mark.browser
def test_browser_shows_a_build_error_and_recovers(news: Site, serve, browser) -> None:
    from playwright.sync_api import expect

    running = serve()
    page = _open(browser, running, "/news/2025/06/10/budget/")
    good = (news.root / "content/budget.md").read_text()

    news.write("content/budget.md", "---\ntitle: [broken\n---\nBody.\n")
    expect(page.locator("h1")).to_have_text("Build failed", timeout=WAIT * 1000)
    expect(page.locator(".problems")).to_contain_text("content/budget.md")
    expect(page.locator(".problems")).to_contain_text("line ")

    news.write("content/budget.md", good)
    expect(page.locator("h1")).to_have_text("Budget session extended", timeout=WAIT * 1000)
    page.close()


@pytest.mark.browser
def test_browser_fifty_files_saved_at_once_rebuild_once(news: Site, serve, browser) -> None:
    from playwright.sync_api import expect

    running = serve()
    page = _open(browser, running, "/news/")
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    before = running.builds

    for i in range(50):  # like a git checkout or an import: many files, one burst
        news.write(
            f"content/batch/story-{i:02d}.md",
            article(f"Batch story {i}", f"2025-06-12T{i % 24:02d}:{i % 60:02d}:00+00:00"),
        )
    expect(page.locator("body")).to_contain_text("Batch story", timeout=WAIT * 1000)
    time.sleep(1.5)  # room for any stray second rebuild or reload to show itself

    assert running.builds == before + 1, running.log
    assert [line for line in running.log if line.startswith("Changed:")] == [
        "Changed: 50 files; rebuilding"
    ]
    assert len(loads) == 1
    page.close()


def test_watcher_reports_a_burst_once_and_ignores_editor_scratch(tmp_path) -> None:
    from generator.preview.watcher import Watcher

    (tmp_path / "content").mkdir()
    watcher = Watcher(lambda: [tmp_path / "content", tmp_path / "digest.toml"])
    for i in range(50):
        (tmp_path / f"content/a{i}.md").write_text("x")
    (tmp_path / "content/.a1.md.swp").write_text("x")
    (tmp_path / "content/a1.md~").write_text("x")
    stop = threading.Event()
    files = watcher.wait(stop)
    assert files is not None and len(files) == 50
    assert all(f.endswith(".md") for f in files)

    (tmp_path / "digest.toml").write_text("title = 'x'\n")  # a single file is watched too
    assert watcher.wait(stop) == [str(tmp_path / "digest.toml")]

    threading.Timer(0.6, stop.set).start()
    assert watcher.wait(stop) is None  # nothing more was reported before stopping
