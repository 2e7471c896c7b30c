"""The search stage: a Pagefind index of the listed articles, rebuilt only when they changed,
never left half-written."""

from __future__ import annotations

import json
import os
import stat

from generator.build.search_index import INDEX, STAMP, record, update_search_index
from generator.site.catalog import make_catalog
from generator.site.urls import Urls
from tests.support.sites import CLOCK, Site, run_digest, wait_for_trash

MISSING = (
    "error: pagefind: search index not built: pagefind could not be started (No such file or "
    "directory); the pages are written, and the next build tries the index again"
)


def populate(site: Site, n: int = 3) -> None:
    site.config('base_url = "https://example.github.io/news/"\n')
    for i in range(n):
        site.add(
            f"a{i}", f"Story {i}", f"2025-03-0{i + 1}T10:00:00+00:00",
            f"The *zebra{i}* crossed &amp; left.\n\n<em>Second</em> paragraph.",
            topic=["Economy", "Sport"][i % 2], source="Dawn" if i else None,
        )  # fmt: skip


def index_files(site: Site) -> dict[str, int]:
    return {
        p.relative_to(site.out).as_posix(): p.stat().st_mtime_ns
        for p in (site.out / INDEX).rglob("*")
        if p.is_file()
    }


def test_the_first_build_indexes_every_article_beside_the_pages(site):
    populate(site)
    report = site.build()
    assert report.search_records == 3
    entry = json.loads((site.out / INDEX / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3
    assert (site.out / INDEX / "pagefind.js").is_file()
    assert len(list((site.out / INDEX / "fragment").iterdir())) == 3
    assert not list(site.root.glob(".site.*"))  # no staging or trash left beside the site


def test_a_build_with_no_change_does_no_search_work(site):
    populate(site)
    site.build()
    before = index_files(site)
    report = site.build()
    assert report.search_records == 0
    assert index_files(site) == before  # not a file rewritten
    assert report.timings["search"] < 0.05


def test_an_edit_an_addition_and_a_deletion_each_rebuild_the_index(site):
    populate(site)
    site.build()
    stamps = [(site.out / INDEX / STAMP).read_text()]
    for change in (
        lambda: site.add("a1", "Story 1", "2025-03-02T10:00:00+00:00", "Edited.", topic="Sport"),
        lambda: site.add("a9", "Story 9", "2025-03-09T10:00:00+00:00"),
        lambda: (site.root / "content/a0.md").unlink(),
    ):
        change()
        report = site.build()
        assert report.search_records == report.articles
        stamps.append((site.out / INDEX / STAMP).read_text())
    assert len(set(stamps)) == 4
    entry = json.loads((site.out / INDEX / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3


def test_an_empty_site_has_no_index_and_emptying_a_site_removes_it(site):
    site.build()
    assert not (site.out / INDEX).exists()
    site.add("a", "Only", "2025-03-01T10:00:00+00:00")
    site.build()
    assert (site.out / INDEX / STAMP).is_file()
    (site.root / "content/a.md").unlink()
    assert site.build().search_records == 0
    assert not (site.out / INDEX).exists()
    wait_for_trash(site.root)  # the old index, deleted by a detached process
    assert not list(site.root.glob(".site.*"))


def test_search_switched_off_has_no_index_page_or_box_and_back_on_restores_them(site):
    populate(site)
    site.build()
    assert (site.out / "search/index.html").is_file()
    assert 'class="site-search"' in (site.out / "index.html").read_text()
    site.config('base_url = "https://example.github.io/news/"\n[search]\nenabled = false\n')
    report = site.build()
    assert report.search_records == 0
    assert not (site.out / INDEX).exists() and not (site.out / "search").exists()
    assert "site-search" not in (site.out / "index.html").read_text()
    assert "/search/" not in (site.out / "sitemap.xml").read_text()
    wait_for_trash(site.root)
    site.config('base_url = "https://example.github.io/news/"\n[search]\nenabled = true\n')
    assert site.build().search_records == 3
    assert (site.out / "search/index.html").is_file()
    assert 'class="site-search"' in (site.out / "index.html").read_text()


def test_a_record_holds_the_words_a_reader_sees_and_the_filters(site, monkeypatch):
    populate(site, 2)
    site.build()
    urls = Urls("https://example.github.io/news/")
    from generator.build.loader import load_articles
    from generator.core.config import load_config

    monkeypatch.chdir(site.root)
    config = load_config(site.root / "digest.toml")
    catalog = make_catalog(load_articles(config, None, 1).articles, config.tz, urls)
    newest = record(catalog.entries[0], "en")
    assert newest["url"] == "/news/2025/03/02/story-1/"
    assert newest["content"] == "Story 1. The zebra1 crossed & left. Second paragraph."
    assert newest["meta"] == {
        "title": "Story 1",
        "date": "2 March 2025",
        "datetime": "2025-03-02T10:00:00+00:00",
        "topic": "Sport",
        "source": "Dawn",
    }
    assert newest["filters"] == {"topic": ["Sport"], "source": ["Dawn"]}
    assert record(catalog.entries[1], "en")["filters"] == {"topic": ["Economy"]}  # no source


def test_a_broken_pagefind_leaves_the_old_index_and_says_so(site, tmp_path):
    populate(site)
    site.build()
    before = site.snapshot(search=True)
    site.add("a9", "Story 9", "2025-03-09T10:00:00+00:00")
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nexit 3\n")  # starts, answers nothing, stops
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(fake)}
    done = run_digest(site.root, "build", "--clock", CLOCK.isoformat(), env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: pagefind: search index not built: pagefind stopped before it wrote the index; "
        "the pages are written, and the next build tries the index again"
    )
    after = site.snapshot(search=True)
    assert {k: v for k, v in after.items() if k.startswith(INDEX)} == {
        k: v for k, v in before.items() if k.startswith(INDEX)
    }
    assert "2025/03/09/story-9/index.html" in after  # the pages went out
    assert not list(site.root.glob(".site.*"))
    assert site.build().search_records == 4  # the next build catches up


def test_a_missing_pagefind_binary_is_named(site):
    site.add("a", "Only", "2025-03-01T10:00:00+00:00")
    env = {**os.environ, "PAGEFIND_BINARY_PATH": "/nonexistent/pagefind"}
    done = run_digest(site.root, "build", "--clock", CLOCK.isoformat(), env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == MISSING


def test_a_killed_indexing_leaves_nothing_the_next_build_trusts(site):
    populate(site)
    site.build()
    stray = site.root / f".site.search-{os.getpid() + 1}"
    (stray / "fragment").mkdir(parents=True)  # as a build killed while Pagefind wrote
    (site.out / INDEX / STAMP).unlink()  # as a build killed between the two renames
    assert site.build().search_records == 3
    assert not stray.exists()


def test_update_is_a_no_op_for_an_unchanged_stamp(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    assert update_search_index(out, [], {}, "en", "salt") is None
    assert not (out / INDEX).exists()
