"""`digest serve` as a user runs it: a real process stopped with Ctrl-C, and headless Chromium
watching the page reload by itself."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support.preview import RELOAD_WITHIN, WAIT, Running
from tests.support.sites import REPO, Site, article


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    "stop, started",
    [
        (signal.SIGINT, None),
        # a script's background job gets SIGINT ignored by its shell; Ctrl-C must still work
        (signal.SIGINT, _ignore_sigint),
        (signal.SIGTERM, None),
    ],
    ids=["ctrl_c", "ctrl_c_in_background", "sigterm"],
)
def test_cli_serve_prints_the_url_and_stops_cleanly_on_ctrl_c(news: Site, stop, started) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-p", "0", "-c", "digest.toml"],
        cwd=news.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=started,
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
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Stopped." in out
    assert not news.out.exists()


# --- in the browser --------------------------------------------------------------------


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
    # The text shows while the page parses; its load event can come later on a busy machine.
    page.wait_for_load_state("load", timeout=WAIT * 1000)
    time.sleep(1.5)  # room for any stray second rebuild or reload to show itself

    assert running.builds == before + 1, running.log
    assert [line for line in running.log if line.startswith("Changed:")] == [
        "Changed: 50 files; rebuilding"
    ]
    assert len(loads) == 1
    page.close()


def test_cli_serve_with_import_paths_goes_idle_and_still_rebuilds_on_edits(tmp_path) -> None:
    """A real `digest serve` importing real scraper samples: after its first build nothing
    rebuilds for 10 s (its own import's writes are no edit); a saved source still rebuilds."""
    import shutil
    import threading

    from tests.support.sites import SAMPLES

    root = tmp_path / "news"
    shutil.copytree(SAMPLES, root / "sources")
    (root / "digest.toml").write_text(
        'timezone = "Asia/Karachi"\n[import]\npaths = ["sources"]\n', encoding="utf-8"
    )
    (root / "sources" / "broken.json").write_text("{", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-p", "0"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.monotonic(), line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def wait_for(prefix: str, after: int = 0) -> int:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for i, (_, line) in enumerate(lines[after:], start=after):
                if line.startswith(prefix):
                    return i
            time.sleep(0.05)
        pytest.fail(f"no line starting {prefix!r}: {lines}")

    try:
        ready = wait_for("Serving ")
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[ready][1])
        assert url, lines
        with urllib.request.urlopen(url.group(0) + "topics/") as resp:
            assert resp.status == 200 and "Pak US Ties" in resp.read().decode()
        time.sleep(10.5)
        shown = [line for _, line in lines]
        assert not [line for line in shown if line.startswith("Changed:")], shown
        assert sum(line.startswith("skipped:") for line in shown) == 1, shown
        (root / "sources" / "extra.txt").write_text(
            "Senate session commences\nAugust 12, 2021\n\nThe Senate met.\n", encoding="utf-8"
        )
        edit = wait_for("Changed: sources/extra.txt; rebuilding", ready)
        built = wait_for("Built 7 articles", edit)
        time.sleep(3)
        later = [line for _, line in lines[built + 1 :]]
        assert not [line for line in later if line.startswith("Changed:")], later
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=WAIT)
    finally:
        proc.kill()
        proc.wait()
    reader.join(WAIT)
    assert proc.returncode == 0 and not any("Traceback" in line for _, line in lines)


def test_cli_serve_past_the_os_watch_limit_says_so_once_and_still_rebuilds(news: Site) -> None:
    """The inotify watch limit, for real: `digest serve` in a user namespace allowed one."""
    import shutil

    if shutil.which("unshare") is None:
        pytest.skip("no unshare")
    limit = 'echo 1 > /proc/sys/user/max_inotify_watches && exec "$@"'
    command = [sys.executable, "-m", "generator", "serve", "-p", "0", "-c", "digest.toml"]
    proc = subprocess.Popen(
        ["unshare", "-U", "-r", "sh", "-c", limit, "sh", *command],
        cwd=news.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Serving "):
                news.add("budget", "Budget edited", "2025-06-10T09:00:00+00:00", slug="budget")
            if line.startswith("Built ") and any(s.startswith("Changed:") for s in lines):
                break
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
        proc.wait()
    if not any(line.startswith("Serving ") for line in lines) and "unshare" in str(lines):
        pytest.skip(f"no user namespaces here: {lines}")
    warned = [line for line in lines if line.startswith("warning:")]
    assert warned == [
        "warning: The OS refused to report file changes (OS file watch limit reached); watching "
        "by re-reading every file instead, which is slower to notice a save on a big site. To "
        "raise the limit: sudo sysctl fs.inotify.max_user_watches=524288"
    ], lines
    assert "Changed: content/budget.md; rebuilding" in lines
    assert proc.returncode == 0 and not any("Traceback" in line for line in lines)
