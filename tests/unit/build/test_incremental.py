"""Every fast path (article cache, page fingerprints, hard-linked unchanged files) gives exactly
the site a clean build without the cache gives."""

from __future__ import annotations

import shutil

import pytest

from generator.build import loader
from generator.build import pipeline as build
from generator.build.build_cache import BuildCache
from tests.support.sites import Site


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


def clean_build(site, tmp_path) -> dict[str, bytes]:
    """The same site built from scratch, no cache, into another folder."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site.root, fresh, ignore=shutil.ignore_patterns("site", ".digest-cache"))
    other = Site(fresh)
    other.build(use_cache=False)
    return other.snapshot()


EDITS = {
    "edit_body": lambda s: s.add("a4", "Story 4", "2025-03-01T12:00:00+00:00", "Edited body.", topic="Sport", url="https://news.example/4"),
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
}  # fmt: skip


@pytest.fixture(params=["serial", "parallel"])
def jobs(request, monkeypatch) -> int:
    """Serial, or every stage on two worker processes however small the site."""
    if request.param == "serial":
        return 1
    for module, name in [
        (build, "PARALLEL_FINGERPRINT"),
        (build, "PARALLEL_RENDER"),
        (loader, "PARALLEL_PARSE"),
    ]:
        monkeypatch.setattr(module, name, 0)
    return 2


@pytest.mark.parametrize("change", sorted(EDITS))
def test_cached_rebuild_equals_clean_build(site, tmp_path, change, jobs):
    populate(site)
    site.build(jobs=jobs)
    EDITS[change](site)
    report = site.build(jobs=jobs)
    assert report.written > 0 or change == "rename_file"  # a moved file renders the same pages
    assert site.snapshot() == clean_build(site, tmp_path)


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
