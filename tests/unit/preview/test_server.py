"""The preview server (`digest serve`'s, in a thread): real HTTP on 127.0.0.1, real files
edited on disk, rebuilt by itself."""

from __future__ import annotations

import os
import socket
import time
import urllib.request

from generator.preview.rebuild import PREVIEW_DIR
from tests.support.preview import SUB_PATH_CONFIG
from tests.support.sites import Site


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


def test_sources_matched_by_a_glob_are_watched_too(news: Site, serve) -> None:
    news.config(SUB_PATH_CONFIG + '[import]\npaths = ["sources/*.txt"]\n')
    news.write("sources/first.txt", "Talks resume in Doha\nJune 10, 2025\n\nThe talks resumed.\n")
    running = serve()
    assert "Talks resume in Doha" in running.raw("/news/2025/06/10/")[2]
    builds = running.builds
    news.write("sources/second.txt", "Ceasefire holds in Gaza\nJune 11, 2025\n\nIt held.\n")
    running.wait_builds(builds + 1)
    assert "Ceasefire holds in Gaza" in running.raw("/news/2025/06/11/")[2]


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


def test_its_own_import_never_triggers_a_rebuild(news: Site, serve) -> None:
    """The import writes content/, which the preview watches: those writes are no edit."""
    news.config(SUB_PATH_CONFIG + '[import]\npaths = ["sources"]\n')
    for i in range(5):
        news.write(f"sources/World/s{i}.txt", f"Story {i} in Doha\nJune 10, 2025\n\nText {i}.\n")
    running = serve()
    assert running.builds == 1
    time.sleep(1.5)  # many watcher polls and settle periods
    assert running.builds == 1, running.log
    assert not [line for line in running.log if line.startswith("Changed:")]
    news.write("sources/World/s5.txt", "A new story\nJune 11, 2025\n\nNew.\n")
    running.wait_builds(2)
    time.sleep(1.5)
    assert running.builds == 2, running.log  # the new file it imported set off nothing more
    news.add("budget", "Budget edited by hand", "2025-06-10T09:00:00+00:00", slug="budget")
    running.wait_builds(3)
    assert "Budget edited by hand" in running.raw("/news/2025/06/10/budget/")[2]


def test_a_build_warning_is_printed_once_not_on_every_rebuild(news: Site, serve) -> None:
    news.add("a", "One", "2025-06-12T10:00:00+00:00", topic="Sport")
    news.add("b", "Two", "2025-06-12T11:00:00+00:00", topic="Sports")
    running = serve()
    news.add("c", "Three", "2025-06-12T12:00:00+00:00", topic="Economy")
    running.wait_builds(2)
    warned = [line for line in running.log if line.startswith("warning: topics")]
    assert warned == [
        'warning: topics "Sport" (1 article) and "Sports" (1 article) differ only by case, '
        "plural or punctuation; to show them as one, add to digest.toml: [topics] aliases = "
        '{ "Sports" = "Sport" }'
    ]


def test_source_records_that_fail_still_show_the_site(news: Site, serve) -> None:
    news.config(SUB_PATH_CONFIG + '[import]\npaths = ["sources"]\n')
    news.write("sources/World/good.txt", "Talks resume in Doha\nJune 10, 2025\n\nThe talks.\n")
    news.write("sources/broken.json", "{")
    running = serve()
    status, _, body = running.raw("/news/topics/world/")
    assert status == 200 and "Talks resume in Doha" in body
    skipped = [line for line in running.log if line.startswith("skipped:")]
    assert len(skipped) == 1 and "broken.json:1: is not valid JSON" in skipped[0]
    assert running.log[-2].endswith("; 1 source record skipped")  # then "Serving ..."
    news.add("other", "Another story", "2025-06-12T10:00:00+00:00")
    running.wait_builds(2)
    assert [line for line in running.log if line.startswith("skipped:")] == skipped  # once


def test_files_deleted_renamed_and_moved_in_as_a_folder_are_all_seen(news: Site, serve) -> None:
    """The preview follows content/ from the watcher's reports (preview/held_content.py):
    whatever a save does to files and folders, its site is the site a clean build makes."""
    running = serve()
    content = news.root / "content"
    budget = "/news/2025/06/10/budget/"
    assert running.raw(budget)[0] == 200

    def rebuilt(change) -> None:
        builds = running.builds
        change()
        running.wait_builds(builds + 1)

    rebuilt(lambda: os.rename(content / "budget.md", content / "budget-renamed.md"))
    status, _, body = running.raw(budget)  # its slug is in its front matter
    assert status == 200 and "Budget session extended" in body, running.log
    outside = news.root / "incoming/2025"  # written elsewhere, then moved in at once
    outside.mkdir(parents=True)
    (outside / "moved.md").write_text(
        (content / "budget-renamed.md")
        .read_text()
        .replace("Budget session", "Moved story")
        .replace("slug: budget", "slug: moved")
        .replace("id: budget", "id: moved"),
        encoding="utf-8",
    )
    rebuilt(lambda: os.rename(outside, content / "2025"))
    assert "Moved story" in running.raw("/news/2025/06/10/moved/")[2]
    rebuilt(lambda: (content / "budget-renamed.md").unlink())
    assert running.raw(budget)[0] == 404
    rebuilt(lambda: os.rename(content / "2025", news.root / "incoming/gone"))
    assert running.raw("/news/2025/06/10/moved/")[0] == 404

    news.build()  # a clean build of the same files lists the same pages
    preview = news.root / PREVIEW_DIR
    pages = {p.relative_to(preview).as_posix() for p in preview.rglob("index.html")}
    built = {p.relative_to(news.out).as_posix() for p in news.out.rglob("index.html")}
    assert pages == built
