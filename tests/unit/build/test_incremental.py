"""Every fast path (article cache, page fingerprints, hard-linked unchanged files) gives exactly
the site a clean build without the cache gives."""

from __future__ import annotations

import datetime as dt
import json
import marshal
import os
import shutil
import sqlite3
import time

import pytest

from generator.build import freshness, loader, resident, search_filters, search_index
from generator.build import pipeline as build
from generator.build.build_cache import BuildCache, article_from_meta, article_meta
from generator.build.resident import PlanMemo
from generator.content.article import Article
from generator.core.errors import DigestError
from tests.support.sites import CLOCK, Site


def populate(site) -> None:
    site.config(
        'title = "Inc"\nbase_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 3\n'
    )
    for i in range(12):
        site.add(
            f"a{i}", f"Story {i}", f"2025-03-{1 + i % 4:02d}T{8 + i:02d}:00:00+00:00",
            f"Paragraph {i} with [a link](https://x.example/{i}).\n\n- one\n- two",
            topic=["Economy", "Sport", "Courts"][i % 3], source=["Dawn", "APP"][i % 2],
            tags=["Budget"] if i % 2 else [], url=f"https://news.example/{i}",
        )  # fmt: skip
    # One story from two sources (a cluster), and a third source's story on other figures.
    for name, source, title, body in STORY[:2]:
        site.add(name, title, "2025-03-02T09:30:00+00:00", body, topic="Economy", source=source)


SBP = "The State Bank of Pakistan kept its key policy rate unchanged at 22 per cent, citing high inflation and external risks."
STORY = [
    ("sbp1", "Dawn", "SBP keeps policy rate unchanged at 22pc", SBP),
    ("sbp2", "APP", "State Bank maintains interest rate at 22 percent", "KARACHI: The State Bank of Pakistan decided to maintain the policy rate at 22 percent, the central bank said, pointing to elevated inflation."),
    ("sbp3", "Reuters", "Pakistan central bank holds key rate at 22%", "Pakistan's central bank held its key policy rate at 22% on Monday, the State Bank of Pakistan said, citing inflation and external risks."),
]  # fmt: skip


def clean_build(site, tmp_path, **options) -> dict[str, bytes]:
    """The same site built from scratch, no cache, into another folder."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site.root, fresh, ignore=shutil.ignore_patterns("site", ".digest-cache"))
    other = Site(fresh)
    other.build(use_cache=False, **options)
    return other.snapshot()


EDITS = {
    "edit_body": lambda s: s.add("a4", "Story 4", "2025-03-01T12:00:00+00:00", "Edited body.", topic="Sport", url="https://news.example/4"),
    "edit_updated": lambda s: s.add("a6", "Story 6", "2025-03-03T14:00:00+00:00", "Paragraph 6 with [a link](https://x.example/6).\n\n- one\n- two", topic="Economy", source="Dawn", url="https://news.example/6", updated="2025-03-04T09:00:00+00:00"),
    "edit_title": lambda s: s.add("a5", "Renamed story", "2025-03-02T13:00:00+00:00", topic="Courts", url="https://news.example/5"),
    "add": lambda s: s.add("new", "Brand new", "2025-03-05T09:00:00+00:00", topic="Economy", source="Dawn"),
    "delete": lambda s: (s.root / "content/a7.md").unlink(),
    "rename_file": lambda s: (s.root / "content/a3.md").rename(s.root / "content/moved.md"),
    "new_topic": lambda s: s.add("a0", "Story 0", "2025-03-01T08:00:00+00:00", topic="Weather", url="https://news.example/0"),
    "template": lambda s: s.write("templates/article.html", '{% extends "base.html" %}{% block main %}<h1>{{ entry.title }}</h1>{% endblock %}'),
    "static": lambda s: s.write("static/style.css", "body { color: red; }"),
    "config_title": lambda s: s.config('title = "Changed"\nbase_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 3\n'),
    "config_page_size": lambda s: s.config('title = "Inc"\nbase_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 5\n'),
    "config_timezone": lambda s: s.config('title = "Inc"\nbase_url = "https://example.github.io/news/"\ntimezone = "Pacific/Auckland"\n[pages]\ntopic_page_size = 3\n'),
    "config_feeds": lambda s: s.config('title = "Inc"\nbase_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 3\n[feeds]\ncontent = "summary"\n'),
    "topic_alias": lambda s: s.config('title = "Inc"\nbase_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 3\n[topics]\naliases = { "Sport" = "Sports", "Courts" = "Law" }\n'),
    "draft": lambda s: s.add("a2", "Story 2", "2025-03-03T10:00:00+00:00", topic="Courts", draft=True),
    "add_newest": lambda s: [s.add(f"n{i}", f"Today {i}", f"2025-03-06T{8 + i:02d}:00:00+00:00", topic="Economy", source="Dawn", tags=["Budget"]) for i in range(7)],
    "join_cluster": lambda s: s.add("sbp3", STORY[2][2], "2025-03-03T07:00:00+00:00", STORY[2][3], topic="World", source="Reuters"),
    "split_cluster": lambda s: s.add("sbp2", "Sindh cabinet approves new budget", "2025-03-02T09:30:00+00:00", "The Sindh cabinet approved the provincial budget for the coming fiscal year.", topic="Economy", source="APP"),
    "cluster_source": lambda s: s.add("sbp2", STORY[1][2], "2025-03-02T09:30:00+00:00", STORY[1][3], topic="Economy", source="Dawn"),
    # Contents alone changed (build/delta.py): the last plan's fingerprints are kept for
    # every output that shows none of the changed entries.
    "edit_list_item": lambda s: s.add("a4", "Story 4", "2025-03-01T12:00:00+00:00", "Paragraph 4 with [a link](https://x.example/4).\n\n- one\n- three", topic="Sport", source="Dawn", url="https://news.example/4"),
    "edit_summary": lambda s: s.add("a9", "Story 9", "2025-03-02T17:00:00+00:00", "A new first paragraph about the budget.\n\n- one\n- two", topic="Economy", source="APP", tags=["Budget"], url="https://news.example/9"),
    "retitle_joins_cluster": lambda s: s.add("a4", STORY[0][2], "2025-03-01T12:00:00+00:00", SBP, topic="Sport", source="Dawn", url="https://news.example/4", slug="story-4"),
    "add_back_dated": lambda s: [s.add(f"o{i}", f"Old {i}", f"2025-02-0{1 + i}T08:00:00+00:00", topic="Sport", source="APP", tags=["Budget"]) for i in range(5)],
    # New articles (build/delta.py: a grown catalog): every output but the article pages
    # that show no new, changed or relinked entry is digested again.
    "add_mid_topic": lambda s: s.add("mid", "Between two", "2025-03-02T16:30:00+00:00", topic="Economy", source="APP"),
    # An older story with a1's slug on a1's day takes its URL (a1 moves to story-1-2).
    "add_takes_a_slug": lambda s: s.add("steal", "Story 1", "2025-03-02T06:00:00+00:00", topic="Courts", source="APP"),
    # The newest Economy story spells the topic otherwise (one slug, and no warning: not
    # the same letters): the group takes its name, and every Economy article page shows it.
    "add_respells_topic": lambda s: s.add("spelt", "Respelt", "2025-03-05T09:00:00+00:00", topic="Économy", source="Dawn"),
}  # fmt: skip


CONTENTS_ONLY = {"edit_list_item", "edit_summary", "retitle_joins_cluster", "edit_updated"}
GROWN = {
    "add",
    "add_newest",
    "add_back_dated",
    "join_cluster",
    "add_mid_topic",
    "add_respells_topic",
}


@pytest.fixture(params=["serial", "parallel"])
def jobs(request, monkeypatch) -> int:
    """Serial, or every stage on two worker processes however small the site."""
    if request.param == "serial":
        return 1
    for module, name in [
        (freshness, "PARALLEL_FINGERPRINT"),
        (build, "PARALLEL_RENDER"),
        (loader, "PARALLEL_PARSE"),
    ]:
        monkeypatch.setattr(module, name, 0)
    return 2


@pytest.mark.parametrize("change", sorted(EDITS))
def test_cached_rebuild_equals_clean_build(site, tmp_path, change, jobs, monkeypatch):
    monkeypatch.setattr(search_filters, "SIZE", 2)  # search lists of several files each
    populate(site)
    site.build(jobs=jobs)
    EDITS[change](site)
    report = site.build(jobs=jobs)
    assert report.written > 0 or change == "rename_file"  # a moved file renders the same pages
    assert site.snapshot() == clean_build(site, tmp_path)
    # the last build's plan (or its article pages), only the changed pages digested
    kept = change in CONTENTS_ONLY | GROWN
    assert (report.fingerprinted < report.pages + report.feeds) == kept
    if change == "join_cluster":  # the front page folds the story, across two days
        home = site.read("index.html")
        assert [home.count(title) for _, _, title, _ in STORY] == [1, 1, 1]
        assert "Also reported by <a" in home.split(STORY[2][2])[1].split("</li>")[0]


def test_no_change_rebuild_writes_nothing_and_reuses_articles(site):
    populate(site)
    site.build()
    before = {p: (site.out / p).stat().st_mtime_ns for p in site.snapshot()}
    report = site.build()
    assert (report.written, report.removed) == (0, 0)
    assert {p: (site.out / p).stat().st_mtime_ns for p in site.snapshot()} == before


def test_hand_edited_output_is_repaired(site):
    populate(site)
    site.build()
    target = site.out / "2025/03/01/index.html"
    original = target.read_bytes()
    target.write_bytes(b"tampered")
    report = site.build()
    assert report.written == 1 and target.read_bytes() == original


def test_corrupt_cache_is_discarded_with_a_warning(site):
    populate(site)
    site.build()
    good = site.snapshot()
    (site.root / ".digest-cache/cache.sqlite").write_bytes(b"not a database at all" * 100)
    report = site.build()
    assert any("cache is unreadable" in w for w in report.warnings)
    assert site.snapshot() == good
    # The rebuilt cache is complete: the next build has nothing to do.
    assert _replayed(again := site.build()) and not again.warnings


def test_cache_from_other_code_is_not_trusted(site):
    populate(site)
    site.build()
    cache = BuildCache(site.root / ".digest-cache")
    with cache.db:
        cache.db.execute("UPDATE meta SET value = 'other' WHERE key = 'code'")
        cache.db.execute("UPDATE articles SET meta = replace(meta, 'Story', 'Poisoned')")
        cache.db.execute("UPDATE bodies SET html = replace(html, 'Paragraph', 'Poisoned')")
    cache.close()
    report = site.build()
    assert any("another digest version" in w for w in report.warnings)
    assert b"Poisoned" not in b"".join(site.snapshot().values())
    assert _replayed(site.build())


def _listings(snapshot: dict[str, bytes]) -> dict[str, bytes]:
    return {p: b for p, b in snapshot.items() if p.split("/")[0] in ("topics", "sources", "tags")
            and p.endswith("index.html") and p.count("/") > 1}  # fmt: skip


LISTS = ["index", "topic/economy/0", "source/dawn/1"]  # Economy 80 articles, Dawn 120


def test_new_articles_leave_archived_listing_pages_alone(site, tmp_path):
    """Pages numbered from the oldest: adding today's article re-renders at most three
    listing pages per group it joins (the group's own page, a newly archived page and its
    newer neighbour), however many pages the groups have."""
    site.config('base_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 4\n'
                "source_page_size = 4\n")  # fmt: skip
    for i in range(240):
        site.add(
            f"a{i}", f"Story {i}", f"2025-0{1 + i % 6}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00",
            topic=["Economy", "Sport", "Courts"][i % 3], source=["Dawn", "APP"][i % 2],
            tags=["Budget"] if i % 4 == 0 else [], url=f"https://news.example/{i}",
        )  # fmt: skip
    site.build()
    for n in range(5):  # the newest page fills up, then a page is archived
        before = site.snapshot()
        site.add(f"new{n}", f"Today {n}", f"2025-07-01T0{n}:00:00+00:00", topic="Economy",
                 source="Dawn", tags=["Budget"])  # fmt: skip
        report = site.build()
        after = site.snapshot()
        # the search index has its own stage and tests; these are the build's pages
        changed = {p for p in after if before.get(p) != after[p] and not p.startswith("pagefind/")}
        listings = sorted(p for p in _listings(after) if p in changed)
        groups = {p.split("/page/")[0].rsplit("/index.html")[0] for p in listings}
        assert groups <= {"topics/economy", "sources/dawn", "tags/budget"}, listings
        for group in groups:
            assert sum(p.startswith(group + "/") for p in listings) <= 3, listings
        assert len(_listings(after)) > 100
        # the article, its neighbour, day, month, year, archive, home, 3 indexes (topics,
        # sources, tags), at most 9 listing pages, 5 feeds, the sitemap; and the search lists'
        # index and the newest file of the article's topic and source
        lists = {p for p in changed if p.startswith("search/lists/")}
        assert lists == {f"search/lists/{rel}.json" for rel in LISTS}, lists
        assert report.written == len(changed) <= 25 + 3, " ".join(sorted(changed))
        assert all(before[p] == after[p] for p in _listings(before) if p not in changed)
    assert site.snapshot() == clean_build(site, tmp_path)


def test_listing_pages_are_numbered_from_the_oldest(site):
    site.config('base_url = "https://example.github.io/news/"\n[pages]\ntopic_page_size = 2\n')
    for i in range(7):
        site.add(f"a{i}", f"Story {i}", f"2025-03-0{1 + i}T10:00:00+00:00", topic="Economy")
    site.build()
    oldest, second, newest = (
        site.read(f"topics/economy/{rel}index.html") for rel in ("page/1/", "page/2/", "")
    )
    assert "Story 0" in oldest and "Story 1" in oldest and "Story 2" not in oldest
    assert "Story 2" in second and "Story 3" in second and "Story 4" not in second
    assert all(f"Story {i}" in newest for i in (4, 5, 6)) and "Story 3" not in newest
    assert oldest.index("Story 1") < oldest.index("Story 0")  # newest first within a page
    assert '<a rel="prev" href="/news/topics/economy/page/2/">' in oldest
    assert 'rel="next"' not in oldest and "<span>Page 1</span>" in oldest
    assert '<a rel="prev" href="/news/topics/economy/">' in second
    assert '<a rel="next" href="/news/topics/economy/page/1/">' in second
    assert '<a rel="next" href="/news/topics/economy/page/2/">' in newest
    assert 'rel="prev"' not in newest and "<span>Page 3 of 3</span>" in newest
    assert "7 articles" in newest and "7 articles" not in oldest
    assert "<title>Economy (page 1) · News digest</title>" in oldest


def _fresh_checkout(site, tmp_path) -> Site:
    """The whole site folder (content, cache, output) at another path, every mtime new: what
    CI sees after a checkout and a restored cache."""
    target = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(site.root, target)
    moved = Site(target)
    now = time.time_ns() + 5_000_000_000
    for path in [moved.root, *moved.root.rglob("*")]:
        os.utime(path, ns=(now, now), follow_symlinks=False)
    return moved


def test_cache_holds_no_absolute_paths(site):
    populate(site)
    site.build()
    db = sqlite3.connect(site.root / ".digest-cache/cache.sqlite")
    metas = [repr(marshal.loads(meta)) for (meta,) in db.execute("SELECT meta FROM articles")]
    assert len(metas) == 14 and all("content/" in meta for meta in metas)  # decoded, not hex
    dump = "\n".join([*db.iterdump(), *metas])
    assert str(site.root) not in dump and str(site.root.resolve()) not in dump


@pytest.mark.parametrize(
    "extra",
    [{}, {"kicker": "Budget", "pages": [1, 2], "nested": {"a": (1, "b")}, "ok": True, "n": 1.5}],
)
def test_article_metadata_round_trips_exactly(extra):
    article = Article(
        title="T", date=dt.datetime(2025, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        id="i", slug="s", topic="Topic", topic_slug="topic", body_html="<p>b</p>", summary="b",
        source_path="content/a.md", updated=None, tags=("x", "y"), language="ur", words=1,
        extra=extra,
    )  # fmt: skip
    meta = article_meta(article)
    assert meta is not None and article_from_meta(meta, "<p>b</p>") == article


@pytest.mark.parametrize("value", [dt.date(2025, 1, 1), float("nan")])
def test_metadata_marshal_cannot_carry_exactly_is_not_cached(value):
    article = Article(
        title="T", date=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), id="i", slug="s",
        topic="Topic", topic_slug="topic", body_html="", summary="", source_path="a.md",
        extra={"when": value},
    )  # fmt: skip
    assert article_meta(article) is None


def test_cache_survives_a_move_to_a_fresh_checkout(site, tmp_path, jobs):
    populate(site)
    site.build(jobs=jobs)
    moved = _fresh_checkout(site, tmp_path)
    before = {p: (moved.out / p).stat().st_mtime_ns for p in moved.snapshot()}
    report = moved.build(jobs=jobs)
    assert (report.written, report.removed, report.parsed, report.rendered) == (0, 0, 0, 0)
    assert {p: (moved.out / p).stat().st_mtime_ns for p in moved.snapshot()} == before
    assert moved.snapshot() == clean_build(moved, tmp_path)
    again = moved.build(jobs=jobs)  # the new stats were recorded: no hashing this time
    assert (again.written, again.parsed, again.rendered) == (0, 0, 0)


def test_moved_cache_still_sees_a_changed_page(site, tmp_path):
    """A content hash is trusted only while the page's inputs are unchanged, and a live file
    edited by hand is caught by its hash, however its stat looks."""
    populate(site)
    site.build()
    moved = _fresh_checkout(site, tmp_path)
    tampered = moved.out / "2025/03/01/index.html"
    tampered.write_bytes(tampered.read_bytes().replace(b"Story", b"Stor!"))
    moved.add("new", "Brand new", "2025-03-05T09:00:00+00:00", topic="Economy", source="Dawn")
    report = moved.build()
    assert report.parsed == 1 and report.written > 1
    assert moved.snapshot() == clean_build(moved, tmp_path)


def test_cache_of_an_older_schema_is_replaced(site, tmp_path):
    """Schema 3 kept page records without a content hash: its tables are dropped, not reused."""
    populate(site)
    (site.root / ".digest-cache").mkdir()
    old = sqlite3.connect(site.root / ".digest-cache/cache.sqlite")
    old.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema', '3'), ('code', 'x');"
        "CREATE TABLE pages (site TEXT NOT NULL, output TEXT NOT NULL, fingerprint TEXT NOT NULL,"
        " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, PRIMARY KEY (site, output));"
    )
    old.close()
    report = site.build()
    assert any("another digest version" in w for w in report.warnings)
    assert site.build().written == 0
    assert site.snapshot() == clean_build(site, tmp_path)


def _replayed(report) -> bool:
    """The build found nothing changed since the last complete one: no planning at all."""
    return "plan" not in report.timings and report.written == 0


SEQUENCE = ["edit_body", "add", "rename_file", "template", "static", "config_title", "draft",
            "delete", "add_newest"]  # fmt: skip


def test_a_build_with_nothing_changed_is_replayed_and_any_change_is_seen(site, tmp_path):
    """The plan stamp: a build whose inputs all match the last complete build's does no
    planning; each kind of change after such a build still gives the clean build."""
    populate(site)
    first = site.build(search=False)
    again = site.build(search=False)
    assert _replayed(again) and again.unchanged == first.written
    assert (again.articles, again.pages, again.feeds) == (first.articles, first.pages, first.feeds)
    for change in SEQUENCE:
        EDITS[change](site)
        report = site.build(search=False)
        assert not _replayed(report), change
        assert site.snapshot() == clean_build(site, tmp_path, search=False), change
        assert _replayed(site.build(search=False)), change


def test_a_touched_content_file_is_replayed_and_a_deleted_output_is_rebuilt(site):
    populate(site)
    site.build(search=False)
    good = site.snapshot()
    os.utime(site.root / "content/a3.md", ns=(1, 1))  # same bytes, new mtime
    assert _replayed(site.build(search=False))
    assert _replayed(site.build(search=False))  # the new stat was recorded
    (site.out / "2025/03/02/index.html").unlink()
    report = site.build(search=False)
    assert not _replayed(report) and report.written == 1 and site.snapshot() == good


def test_a_contents_only_build_takes_the_sitemap_s_recorded_basis(site, tmp_path, monkeypatch):
    """With every place and date as the last build had them, the sitemap is what it was: its
    lines are not made, unless its file is (a deleted one, as a clean build makes it); a
    new `updated` makes them again."""
    populate(site)
    site.build()
    made: list[int] = []
    lines = build.entry_lines
    monkeypatch.setattr(build, "entry_lines", lambda *a: made.append(1) or lines(*a))
    EDITS["edit_list_item"](site)
    site.build()
    assert made == []
    (site.out / "sitemap.xml").unlink()
    EDITS["edit_summary"](site)
    site.build()
    assert made == [1]
    assert site.snapshot() == clean_build(site, tmp_path)
    made.clear()
    EDITS["edit_updated"](site)
    site.build()
    assert made == [1]
    assert site.snapshot() == clean_build(site, tmp_path)


def test_a_replayed_build_still_follows_the_clock(site, tmp_path):
    """The clock changes output only at known instants (local midnight for the front page's
    "today", a future article coming due, an article leaving the feeds' window): up to the
    first of them a build is replayed, after it the site is the clean build at that clock."""
    site.config('title = "Inc"\nbase_url = "https://example.github.io/news/"\n[feeds]\ndays = 30\n')
    site.add("old", "Month old", "2025-12-03T09:00:00+00:00", topic="Economy")
    site.add("new", "Newest", "2025-12-31T20:00:00+00:00", topic="Economy")
    site.add("due", "Due soon", "2026-01-01T02:00:00+00:00", topic="Sport")
    start = CLOCK
    site.build(clock=start, search=False)
    assert _replayed(site.build(clock=start + dt.timedelta(hours=1), search=False))
    for hours in (1, 3, 25, 24 * 3, 24 * 40):  # same, due, next day, old leaves, all leave
        clock = start + dt.timedelta(hours=hours)
        report = site.build(clock=clock, search=False)
        assert _replayed(report) == (hours == 1), hours
        assert site.snapshot() == clean_build(site, tmp_path, clock=clock, search=False), hours
        # past the last plan's span, a grown catalog (build/delta.py): the article pages
        # that show no new entry keep their fingerprints
        assert report.fingerprinted < report.pages + report.feeds, hours
    assert b"Due soon" in site.snapshot()["index.html"]


def test_a_missing_search_index_is_not_replayed(site):
    populate(site)
    site.build()
    assert _replayed(site.build())
    shutil.rmtree(site.out / "pagefind")
    report = site.build()
    assert not _replayed(report) and report.search_records == report.articles == 14
    assert _replayed(site.build())
    shutil.rmtree(site.out / "pagefind" / "2025-03")  # one month's index lost
    report = site.build()
    assert not _replayed(report) and report.search_records == 14
    assert _replayed(site.build())


def test_a_build_without_the_search_stage_plans_from_one_with_it_and_not_back(site):
    """The preview keeps the search index on its first build only: the builds after it start
    from its plan (a fix takes the contents-only path), and a build that keeps the index
    again is not replayed over builds that did not."""
    populate(site)
    site.build()
    assert _replayed(site.build(search=False))
    _fix_a1(site)
    report = site.build(search=False)
    assert report.fingerprinted < report.pages + report.feeds
    assert _replayed(site.build(search=False))
    report = site.build()
    assert not _replayed(report) and report.search_records == 1  # the fixed article's record
    assert _replayed(site.build())


def test_a_build_that_fails_after_writing_leaves_no_stamp(site, tmp_path, monkeypatch):
    """Pages written, then the search stage fails: the stamp of the build before is gone, so
    going back to that build's inputs is not mistaken for having nothing to do."""
    populate(site)
    site.build()
    site.add("extra", "Extra", "2025-03-09T10:00:00+00:00")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    with pytest.raises(DigestError, match="search index not built"):
        site.build()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    (site.root / "content/extra.md").unlink()
    assert not _replayed(site.build())
    assert site.snapshot() == clean_build(site, tmp_path)


def test_a_search_delta_and_its_compaction_answer_for_the_clean_build_s_records(
    site, tmp_path, monkeypatch
):
    """Edits pile up in the delta, then past its bound go into their months: at each step the
    index answers for the same records (URL, file key, time) as a clean build's."""
    monkeypatch.setattr(search_index, "COMPACT_AT", 12)
    populate(site)
    site.build()
    for change in ["edit_body", "delete", "add_back_dated", "add_newest", "edit_title"]:
        EDITS[change](site)
        site.build()
        assert site.snapshot() == clean_build(site, tmp_path), change
    manifest = json.loads((site.out / "pagefind/shards.json").read_text())
    # March went past the bound on "add_newest" and was re-indexed; February stays in the delta
    assert manifest["months"] == ["2025-03"] and sum(map(len, manifest["recent"].values())) == 6


@pytest.mark.parametrize("change", ["edit_body", "edit_title", "add", "delete", "config_feeds"])
def test_a_process_that_keeps_its_articles_builds_as_a_clean_build(
    site, tmp_path, change, monkeypatch
):
    """The preview builds again and again in one process: unchanged files' Articles are the
    last build's objects (their bodies read through the cache that build closed), and the
    site is a clean build's."""
    populate(site)
    memo = loader.ArticleMemo()
    site.build(articles=memo, search=False)
    made = []
    rebuild = loader.article_from_meta
    monkeypatch.setattr(loader, "article_from_meta", lambda *a: made.append(a) or rebuild(*a))
    EDITS[change](site)
    report = site.build(articles=memo, search=False)
    assert report.written > 0
    assert len(made) == report.parsed <= 1  # only a parsed file's Article is made
    assert site.snapshot() == clean_build(site, tmp_path, search=False)


def test_kept_articles_are_not_taken_by_a_build_with_another_cache(site, tmp_path):
    """A kept article reads its body through the cache it came from: a build with another
    cache folder (`[paths] cache` changed mid-preview) makes its own."""
    populate(site)
    memo = loader.ArticleMemo()
    site.build(articles=memo, search=False)
    same, other = BuildCache(site.root / ".digest-cache"), BuildCache(tmp_path / "other-cache")
    key = same.rows()["content/a1.md"][0]
    try:
        assert memo.lookup(same)("content/a1.md", key) is not None
        assert memo.lookup(other)("content/a1.md", key) is None
    finally:
        same.close()
        other.close()


def _fix_a1(site) -> None:
    """A fix to one article's last paragraph: its place, title and summary kept."""
    site.add(
        "a1", "Story 1", "2025-03-02T09:00:00+00:00",
        "Paragraph 1 with [a link](https://x.example/1).\n\n- one\n- two\n\nA fix.",
        topic="Sport", source="APP", tags=["Budget"], url="https://news.example/1",
    )  # fmt: skip


@pytest.mark.parametrize("change", sorted(EDITS))
def test_a_process_that_keeps_its_plan_builds_as_a_clean_build(site, tmp_path, change, monkeypatch):
    """The preview keeps its last plan (build/resident.py): after a fix, which it builds from
    the held plan, any change still gives the clean build's site, and a change of contents
    alone is built from the held plan without planning the pages again."""
    populate(site)
    articles, plan = loader.ArticleMemo(), PlanMemo()
    planned = []
    plan_pages = build.plan_pages
    monkeypatch.setattr(build, "plan_pages", lambda *a: planned.append(a) or plan_pages(*a))
    site.build(articles=articles, plan=plan, search=False)
    _fix_a1(site)
    planned.clear()
    site.build(articles=articles, plan=plan, search=False)
    assert not planned  # the first build's plan, held
    EDITS[change](site)
    report = site.build(articles=articles, plan=plan, search=False)
    # A change of contents alone is never planned again, not even a new title or summary
    # that moves story links or related articles (as both do here): the held pages that
    # show those are (pages.relinked).
    assert (not planned) == (change in CONTENTS_ONLY)
    kept = change in CONTENTS_ONLY | GROWN  # (new articles: the article pages no change reaches)
    assert (report.fingerprinted < report.pages + report.feeds) == kept
    assert site.snapshot() == clean_build(site, tmp_path, search=False)


def test_a_held_plan_whose_links_moved_still_finds_the_pages_that_show_an_entry(
    site, tmp_path, monkeypatch
):
    """A new title that moves story links re-plans only the pages that show links, and brings
    the held index of which pages show which entry up to date for those: the next edit of
    an article now listed on another's page ("Also reported by") re-renders that page,
    with no walk of the whole plan in either build."""
    populate(site)
    articles, plan = loader.ArticleMemo(), PlanMemo()
    site.build(articles=articles, plan=plan, search=False)
    _fix_a1(site)
    site.build(articles=articles, plan=plan, search=False)
    plan.prepare()
    monkeypatch.setattr(resident, "showing", lambda contexts: pytest.fail("walked again"))
    monkeypatch.setattr(build, "reached", lambda *a: pytest.fail("walked again"))
    EDITS["retitle_joins_cluster"](site)  # a4 is now Dawn's first report of the SBP story
    report = site.build(articles=articles, plan=plan, search=False)
    assert report.fingerprinted < report.pages + report.feeds
    assert site.snapshot() == clean_build(site, tmp_path, search=False)
    sbp2 = next(
        p for p in site.snapshot() if p.endswith("/index.html") and "state-bank-maintains" in p
    )
    assert "story-4" in site.read(sbp2)  # APP's report lists a4, not sbp1, as Dawn's
    site.add("a4", STORY[0][2] + " again", "2025-03-01T12:00:00+00:00", SBP, topic="Sport",
             source="Dawn", url="https://news.example/4", slug="story-4")  # fmt: skip
    report = site.build(articles=articles, plan=plan, search=False)
    assert report.fingerprinted < report.pages + report.feeds
    assert STORY[0][2] + " again" in site.read(sbp2)
    assert site.snapshot() == clean_build(site, tmp_path, search=False)


def test_a_prepared_plan_is_not_walked_again_by_the_rebuild(site, tmp_path, monkeypatch):
    """The preview makes the held plan's index between rebuilds (PlanMemo.prepare), so the
    save after a full build does not wait for it."""
    populate(site)
    articles, plan = loader.ArticleMemo(), PlanMemo()
    site.build(articles=articles, plan=plan, search=False)
    plan.prepare()
    monkeypatch.setattr(resident, "showing", lambda contexts: pytest.fail("walked again"))
    _fix_a1(site)
    report = site.build(articles=articles, plan=plan, search=False)
    assert report.fingerprinted < report.pages + report.feeds
    assert site.snapshot() == clean_build(site, tmp_path, search=False)


def test_a_process_that_keeps_its_plan_still_rebuilds_a_deleted_output(site):
    """A held rebuild trusts the outputs it did not reach to be as it wrote them, but a build
    with no content changed is one that found an output changed: that one checks them all."""
    populate(site)
    articles, plan = loader.ArticleMemo(), PlanMemo()
    site.build(articles=articles, plan=plan, search=False)
    _fix_a1(site)
    site.build(articles=articles, plan=plan, search=False)
    good = site.snapshot()
    (site.out / "2025/03/02/index.html").unlink()
    report = site.build(articles=articles, plan=plan, search=False)
    assert report.written == 1 and site.snapshot() == good


@pytest.mark.parametrize("held", [False, True])
def test_a_new_updated_redates_feeds_that_do_not_show_it(site, tmp_path, held):
    """With a feeds window the clock has left behind, every feed is empty and dated by the
    newest `updated` of all its articles: a change of contents alone reaches every one."""
    populate(site)
    config = (site.root / "digest.toml").read_text()
    site.config(config + "[feeds]\ndays = 30\n")
    memos = {"articles": loader.ArticleMemo(), "plan": PlanMemo()} if held else {}
    site.build(search=False, **memos)
    _fix_a1(site)  # from here on, the held plan (when held)
    site.build(search=False, **memos)
    feeds = {p: b for p, b in site.snapshot().items() if p.endswith("feed.xml")}
    assert not any(b"<item>" in b for b in feeds.values())
    EDITS["edit_updated"](site)  # Dawn's newest date, on an article its feed does not show
    report = site.build(search=False, **memos)
    assert report.fingerprinted < report.pages + report.feeds  # the contents-only path
    assert site.read("sources/dawn/feed.xml").encode() != feeds["sources/dawn/feed.xml"]
    assert site.snapshot() == clean_build(site, tmp_path, search=False)


def test_kept_articles_are_checked_against_their_own_stats_not_the_cache_rows(
    site, tmp_path, monkeypatch
):
    """A process that keeps its articles checks each file against the stat it had when
    kept: the cache's rows (every file's metadata) are not read, only a changed file's."""
    populate(site)
    memo = loader.ArticleMemo()
    site.build(articles=memo, search=False)
    monkeypatch.setattr(BuildCache, "rows", lambda self: pytest.fail("every row read"))
    for change in ("edit_body", "edit_title", "add", "delete"):
        EDITS[change](site)
        report = site.build(articles=memo, search=False)
        assert report.parsed == (change != "delete")
        assert site.snapshot() == clean_build(site, tmp_path, search=False), change


@pytest.mark.parametrize("restored", [False, True])
def test_kept_articles_follow_a_build_made_by_another_process_meanwhile(site, tmp_path, restored):
    """`digest build` run while the preview waits rewrites the cache's rows and lets go of
    bodies no row holds: the next build of the process that keeps its articles reads the
    rows again. `restored`: the file is then put back, bytes and mtime, as it was kept."""
    populate(site)
    memo = loader.ArticleMemo()
    site.build(articles=memo, search=False)
    a4 = site.root / "content/a4.md"
    kept, stat = a4.read_bytes(), a4.stat()
    EDITS["edit_body"](site)
    EDITS["delete"](site)  # a file gone: the build lets go of bodies no row holds
    site.build(search=False)  # another process: a4's old body is no longer held
    if restored:
        a4.write_bytes(kept)
        os.utime(a4, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _fix_a1(site)
    site.build(articles=memo, search=False)
    assert site.snapshot() == clean_build(site, tmp_path, search=False)


@pytest.mark.parametrize("held", [False, True])
def test_warnings_about_content_are_kept_with_the_plan_stamp(site, tmp_path, held):
    """One id in two files and two spellings of one topic warn on every build, but they do
    not cost the fast paths: a build with nothing changed is replayed and repeats them (and
    fails under --strict), an edit of contents alone keeps the plan, and an edit that makes
    the site show the other copy plans again; each equal to a clean build."""
    populate(site)
    told = {"id": "told-twice", "topic": "Economy", "source": "Dawn"}
    site.add("twice-a", "Told twice", "2025-03-02T10:00:00+00:00", "First telling.", **told)
    site.add("twice-b", "Told twice", "2025-03-02T10:00:00+00:00", "Second telling.", **told)
    site.add("lower", "Lower case", "2025-03-03T10:00:00+00:00", topic="economy")
    memos = {"articles": loader.ArticleMemo(), "plan": PlanMemo()} if held else {}
    first = site.build(search=False, **memos)
    assert len(first.warnings) == 2 and "twice-a.md (first by name)" in first.warnings[0]
    again = site.build(search=False, **memos)
    assert _replayed(again) and again.warnings == first.warnings
    with pytest.raises(DigestError, match="same id 'told-twice'"):
        site.build(search=False, strict=True, **memos)
    site.build(search=False, **memos)
    edits = [
        ("twice-a", "First telling, corrected.", {}, True),  # the copy shown
        ("twice-b", "Second telling, corrected.", {}, True),  # the copy hidden
        ("twice-b", "Second telling, updated.", {"updated": "2025-03-04T09:00:00+00:00"}, False),
    ]
    for name, body, more, kept in edits:
        site.add(name, "Told twice", "2025-03-02T10:00:00+00:00", body, **told, **more)
        report = site.build(search=False, **memos)
        assert (report.fingerprinted < report.pages + report.feeds) == kept, name
        assert site.snapshot() == clean_build(site, tmp_path, search=False), name
        assert len(report.warnings) == 2
        assert _replayed(again := site.build(search=False, **memos))
        assert again.warnings == report.warnings
    assert "twice-b.md (updated more recently)" in report.warnings[0]
    assert b"Second telling, updated." in site.snapshot()["2025/03/02/told-twice/index.html"]
