"""`fetch()` end to end in-process: subscriptions → feeds → pages → content/, against a
real server on 127.0.0.1 serving feeds and article pages modelled on news sites."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import yaml

from generator.core.config import load_config
from generator.fetching.fetcher import FetchOptions, fetch
from tests.support.feed_server import FIXTURES, feed_server

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
SUMMARY = re.compile(
    r"Fetched (\d+) feeds \((\d+) unchanged\), (\d+) new articles, (\d+) failed in \d+ s"
)


def _site(root: Path, server, fetch_toml: str = 'opml = "feeds.opml"'):
    root.mkdir(exist_ok=True)
    (root / "digest.toml").write_text(
        f"[fetch]\n{fetch_toml}\ndelay = 0.01\nretries = 0\ntimeout = 2\n"
    )
    (root / "feeds.opml").write_bytes(server.body("/subscriptions.opml"))
    return load_config(root / "digest.toml")


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n")[1])


def _files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }


def test_first_run_imports_every_format_with_full_text_dates_and_authors(tmp_path):
    with feed_server() as server:
        report = fetch(_site(tmp_path, server), FetchOptions(NOW))
        fetched = {h.path for h in server.hits}
        base = server.base
    content = tmp_path / "content"
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md")) == [
        "2026/11/27/ferry-timetable-changes-for-winter.md",
        "2026/11/28/market-day-returns-to-the-square.md",
        "2026/11/29/rail-line-reopens-after-six-months.md",
        "2026/11/30/city-council-passes-the-budget.md",
        "2026/11/30/floods-hit-the-harbour-district.md",
        "2026/11/30/leaked-memo-on-port-fees.md",
        "2026/11/30/new-school-opens-in-the-valley.md",
        "2026/11/30/watch-the-storm-from-above.md",
    ]
    floods = content / "2026/11/30/floods-hit-the-harbour-district.md"
    meta = _front(floods)
    assert {
        k: meta[k] for k in ("date", "updated", "author", "source", "topic", "tags", "image")
    } == {
        "date": "2026-11-30T08:15:00+05:00",
        "updated": "2026-11-30T10:05:00+05:00",  # from the page: the feed has no such date
        "author": "Amina Qureshi",
        "source": "Coastal Herald",  # the OPML outline's title
        "topic": "Local",  # the OPML folder
        "tags": ["Weather", "Karachi"],
        "image": "https://cdn.herald.example/img/floods.jpg",
    }
    body = floods.read_text().split("---\n", 2)[2]
    assert "[the harbour district](https://met.example/report/2026-11-30)" in body
    assert "cookie" not in body and "harbour_fan" not in body and "Related" not in body
    valley = _front(content / "2026/11/30/new-school-opens-in-the-valley.md")
    assert valley["date"] == "2026-11-30T07:30:00-05:00"  # not in the JSON Feed: from the page
    assert valley["author"] == "Rosa Martínez"
    # Items with full text in the feed cost no page request; robots.txt is obeyed.
    assert "/ledger/rail-reopens" not in fetched and "/old/market" not in fetched
    assert "/private/memo.html" not in fetched and "/robots.txt" in fetched
    memo = (content / "2026/11/30/leaked-memo-on-port-fees.md").read_text()
    assert memo.endswith("\nA memo seen by the Herald proposes doubling port fees next year.\n")
    assert report.lines() == [
        f"failed: {base}herald/2026/11/30/storm-video.html: has no article text digest can "
        "extract; the feed's own text was kept (if the site needs JavaScript or a login, it "
        "cannot be fetched)",
        f"note: {base}private/memo.html: robots.txt disallows digest here; the feed's own "
        "text was kept",
    ]
    assert SUMMARY.fullmatch(report.summary()).groups() == ("5", "0", "8", "1")


def test_second_run_sends_conditional_requests_and_writes_nothing(tmp_path):
    with feed_server() as server:
        config = _site(tmp_path, server)
        fetch(config, FetchOptions(NOW))
        before = _files(tmp_path)
        state = tmp_path / "fetch-state.json"
        state_before = state.stat().st_mtime_ns
        first = len(server.hits)
        report = fetch(config, FetchOptions(NOW + dt.timedelta(days=1)))
        again = server.hits[first:]
    assert len(again) == 5
    assert all(h.status == 304 and h.headers.get("If-None-Match") for h in again)
    assert all(h.headers.get("If-Modified-Since") for h in again)
    assert _files(tmp_path) == before
    assert state.stat().st_mtime_ns == state_before
    assert SUMMARY.fullmatch(report.summary()).groups() == ("5", "5", "0", "0")


def test_the_state_beside_digest_toml_outlives_the_cache_a_deleted_article_stays_gone(tmp_path):
    """A CI cache can vanish; the state the workflow commits with content/ does not."""
    with feed_server() as server:
        config = _site(tmp_path, server)
        fetch(config, FetchOptions(NOW))
        deleted = sorted((tmp_path / "content").rglob("*.md"))[0]
        deleted.unlink()
        shutil.rmtree(tmp_path / ".digest-cache")
        first = len(server.hits)
        report = fetch(config, FetchOptions(NOW + dt.timedelta(days=1)))
        again = server.hits[first:]
    assert not deleted.exists()
    assert all(h.status == 304 for h in again) and len(again) == 5
    assert SUMMARY.fullmatch(report.summary()).groups() == ("5", "5", "0", "0")
    text = (tmp_path / "fetch-state.json").read_text()
    assert text.endswith("}\n") and text.count("\n") > 10  # one entry a line: small diffs


def test_a_state_left_in_the_cache_folder_by_digest_0_1_is_read_and_moved(tmp_path):
    with feed_server() as server:
        config = _site(tmp_path, server)
        fetch(config, FetchOptions(NOW))
        old = tmp_path / ".digest-cache" / "fetch-state.json"
        (tmp_path / "fetch-state.json").rename(old)
        first = len(server.hits)
        fetch(config, FetchOptions(NOW + dt.timedelta(days=1)))
        assert all(h.status == 304 for h in server.hits[first:])
    assert json.loads((tmp_path / "fetch-state.json").read_text()) == json.loads(old.read_text())


def test_a_changed_feed_fetches_only_the_new_items_page(tmp_path):
    root = tmp_path / "served"
    shutil.copytree(FIXTURES, root)
    with feed_server(root) as server:
        config = _site(tmp_path / "site", server, f'feeds = ["{server.base}rss.xml"]')
        fetch(config, FetchOptions(NOW))
        rss = root / "rss.xml"
        rss.write_text(
            rss.read_text().replace(
                "<item>",
                """<item>
      <title>Schools reopen after the flood</title>
      <link>{{BASE}}valley/school-opens.html</link>
      <description>Schools reopen.</description>
      <pubDate>Tue, 01 Dec 2026 07:00:00 +0500</pubDate>
    </item>
    <item>""",
                1,
            )
        )
        first = len(server.hits)
        report = fetch(config, FetchOptions(NOW))
        paths = [h.path for h in server.hits[first:]]
    assert paths == ["/rss.xml", "/robots.txt", "/valley/school-opens.html"]  # robots: once a run
    assert SUMMARY.fullmatch(report.summary()).groups() == ("1", "0", "1", "0")


def test_every_failure_is_reported_while_the_other_feeds_import(tmp_path):
    with feed_server() as server:
        b = server.base
        server.routes["/undated.xml"] = lambda: (200, {"Content-Type": "application/rss+xml"}, (
            b'<rss version="2.0"><channel><title>U</title><item><title>No date</title>'
            b"<description>" + b"word " * 120 + b"</description></item></channel></rss>"
        ))  # fmt: skip
        feeds = ["rss091.xml", "status/404", "status/500", "slow", "homepage.html",
                 "malformed.xml", "undated.xml"]  # fmt: skip
        listed = ", ".join(f'"{b}{f}"' for f in feeds)
        report = fetch(_site(tmp_path, server, f"feeds = [{listed}]"), FetchOptions(NOW))
    lines = report.lines()
    malformed = lines[1].split(": ", 2)[2]
    assert re.fullmatch(
        r"is malformed \(.+\) and no item could be read; tell the site, or leave it out for now",
        malformed,
    )
    assert lines == [  # sorted by URL
        f"failed: {b}homepage.html: is a web page, not a feed; it links the feed {b}rss.xml: "
        "subscribe to that instead",
        f"failed: {b}malformed.xml: {malformed}",
        f"failed: {b}slow: timed out after 2 s (1 try); try again later, or raise [fetch] timeout",
        f"failed: {b}status/404: not found (HTTP 404); the address has moved or is gone: "
        "look for it on the site",
        f"failed: {b}status/500: server error (HTTP 500, 1 try); try again later",
        f"failed: {b}undated.xml: item has no date in the feed or on its page; skipped "
        "(a date is never invented)",
    ]
    assert SUMMARY.fullmatch(report.summary()).groups() == ("7", "0", "1", "6")
    assert [p.name for p in (tmp_path / "content").rglob("*.md")] == [
        "ferry-timetable-changes-for-winter.md"
    ]


def test_dry_run_reports_and_writes_nothing(tmp_path):
    with feed_server() as server:
        config = _site(tmp_path, server, f'feeds = ["{server.base}atom.xml"]')
        report = fetch(config, FetchOptions(NOW, dry_run=True))
        again = fetch(config, FetchOptions(NOW, dry_run=True))
        assert all(h.status == 200 for h in server.hits)  # nothing remembered: no 304s
    assert report.summary().startswith(
        "Would fetch 1 feeds (0 unchanged), 1 new articles, 0 failed"
    )
    assert again.summary() == report.summary().replace(
        f"{report.seconds:.0f} s", f"{again.seconds:.0f} s"
    )
    assert not (tmp_path / "content").exists()
    assert not (tmp_path / "fetch-state.json").exists()


def test_a_page_in_windows_1252_without_a_charset_header_is_read_right(tmp_path):
    page = (
        (FIXTURES / "valley" / "school-opens.html")
        .read_text()
        .replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
        .replace("Head teacher", "Café owner and head teacher")
    )
    with feed_server() as server:
        server.routes["/valley/school-opens.html"] = lambda: (
            200, {"Content-Type": "text/html"}, page.encode("cp1252")
        )  # fmt: skip
        config = _site(tmp_path, server, f'feeds = ["{server.base}feed.json"]')
        fetch(config, FetchOptions(NOW))
    text = next((tmp_path / "content").rglob("*.md")).read_text()
    assert "Café owner and head teacher" in text and "author: Rosa Martínez" in text


def test_a_page_that_failed_is_tried_again_next_run_and_its_story_completed(tmp_path):
    calls = []

    def flaky_page():
        calls.append(1)
        if len(calls) == 1:
            return 500, {"Content-Type": "text/plain"}, b"down"
        return 200, {"Content-Type": "text/html"}, server.body("/valley/school-opens.html")

    with feed_server() as server:
        server.routes["/valley/school-opens.html"] = flaky_page
        dated = server.body("/feed.json").replace(
            b'"tags"', b'"date_published": "2026-11-30T07:30:00-05:00", "tags"'
        )
        server.routes["/dated.json"] = lambda: (200, {"ETag": '"v1"'}, dated)
        config = _site(tmp_path, server, f'feeds = ["{server.base}dated.json"]')
        first = fetch(config, FetchOptions(NOW))
        assert first.lines() == [
            f"failed: {server.base}valley/school-opens.html: server error (HTTP 500, 1 try); "
            "try again later; the feed's own text was kept"
        ]
        story = next((tmp_path / "content").rglob("*.md"))
        assert story.read_text().endswith("\nA new school opened on Monday.\n")
        mark = len(server.hits)
        second = fetch(config, FetchOptions(NOW))
        feed_hit = server.requests("/dated.json")[-1]
    assert server.hits[mark] is feed_hit and "If-None-Match" not in feed_hit.headers
    assert second.lines() == [] and "1 updated" in second.summary()
    assert "first new school in the valley in more than thirty years" in story.read_text()


def test_items_without_title_or_text_are_reported(tmp_path):
    feed = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><description>" + b"word " * 120 + b"</description>"
        b"<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>"
        b"<item><title>Empty</title><pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    with feed_server() as server:
        server.routes["/odd.xml"] = lambda: (200, {"Content-Type": "application/rss+xml"}, feed)
        report = fetch(
            _site(tmp_path, server, f'feeds = ["{server.base}odd.xml"]'), FetchOptions(NOW)
        )
        b = server.base
    assert report.lines() == [
        f"failed: {b}odd.xml: item has no text in the feed or on its page; skipped",
        f"failed: {b}odd.xml: item has no title in the feed or on its page; skipped",
    ]


def test_a_redirect_into_a_disallowed_page_is_not_followed(tmp_path):
    feed = (
        b'<rss version="2.0"><channel><title>T</title><item><title>Memo</title>'
        b"<link>/go/memo</link><description>Short.</description>"
        b"<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>"
    )
    with feed_server() as server:
        server.routes["/short.xml"] = lambda: (200, {"Content-Type": "application/rss+xml"}, feed)
        server.routes["/go/memo"] = lambda: (302, {"Location": "/private/memo.html"}, b"")
        report = fetch(
            _site(tmp_path, server, f'feeds = ["{server.base}short.xml"]'), FetchOptions(NOW)
        )
        paths = [h.path for h in server.hits]
        b = server.base
    assert paths == ["/short.xml", "/robots.txt", "/go/memo"]
    assert report.lines() == [
        f"note: {b}go/memo: redirects to {b}private/memo.html, which robots.txt disallows for "
        "digest; the feed's own text was kept"
    ]
    assert "1 new articles, 0 failed" in report.summary()


def test_a_feed_that_moved_for_good_is_named_with_its_new_address(tmp_path):
    with feed_server() as server:
        server.routes["/old.xml"] = lambda: (308, {"Location": "/atom.xml"}, b"")
        report = fetch(
            _site(tmp_path, server, f'feeds = ["{server.base}old.xml"]'), FetchOptions(NOW)
        )
        b = server.base
    assert report.lines() == [
        f"note: {b}old.xml: has moved to {b}atom.xml; subscribe to that address"
    ]
    assert "1 new articles" in report.summary()
