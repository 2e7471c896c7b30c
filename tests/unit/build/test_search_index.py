"""The search stage: a Pagefind index per month of the listed articles, and a delta index of the
articles changed since their month was indexed; a build indexes only the delta until it outgrows
its bound, and never leaves an index half-written."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from generator.build import pagefind_service, search_index, writer
from generator.build.pagefind_service import record
from generator.build.search_index import INDEX, SHARDS, STAMP, update_search_index
from generator.site.catalog import make_catalog
from generator.site.urls import Urls
from tests.support.sites import CLOCK, Site, run_digest, wait_for_trash

MISSING = (
    "error: pagefind: search index not built: pagefind could not be started (No such file or "
    "directory); the pages are written, and the next build tries the index again"
)
# local dates (UTC site): a3 is in March, the others in January (a0, a2) and February (a1)
DATES = ["2025-01-05T10:00:00+00:00", "2025-02-05T10:00:00+00:00", "2025-01-20T10:00:00+00:00"]


def populate(site: Site, n: int = 3) -> None:
    site.config('base_url = "https://example.github.io/news/"\n')
    for i in range(n):
        site.add(
            f"a{i}", f"Story {i}", DATES[i] if i < len(DATES) else f"2025-03-0{i}T10:00:00+00:00",
            f"The *zebra{i}* crossed &amp; left.\n\n<em>Second</em> paragraph.",
            topic=["Economy", "Sport"][i % 2], source="Dawn" if i else None,
        )  # fmt: skip


def index_files(site: Site) -> dict[str, int]:
    """Every index file and its mtime."""
    return {
        p.relative_to(site.out).as_posix(): p.stat().st_mtime_ns
        for p in (site.out / INDEX).rglob("*")
        if p.is_file()
    }


def manifest(site: Site) -> dict:
    return json.loads((site.out / INDEX / SHARDS).read_text())


def months(site: Site) -> list[str]:
    return manifest(site)["months"]


def ids(site: Site, folder: str) -> dict[str, str]:
    """The records of an index folder's stamp: URL -> Pagefind result id."""
    lines = (site.out / INDEX / folder / STAMP).read_text().splitlines()[1:]
    return {line.split("\t")[1]: line.split("\t")[0] for line in lines}


def pages_in(site: Site, month: str) -> int:
    entry = json.loads((site.out / INDEX / month / "pagefind-entry.json").read_text())
    return int(entry["languages"]["en"]["page_count"])


def rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The months (or top-level files) with a file added, removed or rewritten."""
    paths = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    return {p.split("/")[1] for p in paths}


def test_the_first_build_indexes_each_month_beside_the_pages(site):
    populate(site)
    report = site.build()
    assert report.search_records == 3
    assert months(site) == ["2025-02", "2025-01"]  # newest first: the search page's order
    assert sorted(os.listdir(site.out / INDEX)) == ["2025-01", "2025-02", SHARDS]
    assert (pages_in(site, "2025-01"), pages_in(site, "2025-02")) == (2, 1)
    assert (site.out / INDEX / "2025-01" / "pagefind.js").is_file()
    assert len(list((site.out / INDEX / "2025-01" / "fragment").iterdir())) == 2
    assert not list(site.root.glob(".site.*"))  # no staging or trash left beside the site


def test_a_build_with_no_change_does_no_search_work(site):
    populate(site)
    site.build()
    before = index_files(site)
    report = site.build()
    assert report.search_records == 0
    assert index_files(site) == before  # not a file rewritten
    assert report.timings["search"] < 0.05


def test_an_edit_goes_to_the_delta_and_supersedes_its_old_record(site):
    populate(site)
    site.build()
    before, old = index_files(site), ids(site, "2025-02")
    site.add("a1", "Story 1", DATES[1], "Edited.", topic="Sport")
    assert site.build().search_records == 1
    assert rewritten(before, index_files(site)) == {"recent-1", SHARDS}  # the month is untouched
    url = "/news/2025/02/05/story-1/"
    new = ids(site, "recent-1")
    assert list(new) == [url] and new[url] != old[url]
    assert manifest(site) == {
        "months": ["2025-02", "2025-01"],
        "recent": {"recent-1": {new[url]: DATES[1]}},
        "gone": {"2025-02": [old[url]]},
    }
    assert pages_in(site, "recent-1") == 1
    before = index_files(site)
    assert site.build().search_records == 0  # nothing new: no search work
    assert index_files(site) == before


def test_the_delta_past_its_bound_re_indexes_its_months_and_goes(site, monkeypatch):
    monkeypatch.setattr(search_index, "COMPACT_AT", 4)
    populate(site)
    site.build()
    for i in range(3, 5):
        site.add(f"a{i}", f"Story {i}", f"2025-03-0{i}T10:00:00+00:00")
    site.add("a1", "Story 1", DATES[1], "Edited.", topic="Sport")
    assert site.build().search_records == 3  # 4 changed (an edit: new and old): the bound
    assert sorted(ids(site, "recent-1")) == [
        "/news/2025/02/05/story-1/", "/news/2025/03/03/story-3/", "/news/2025/03/04/story-4/",
    ]  # fmt: skip
    assert months(site) == ["2025-02", "2025-01"]
    before = index_files(site)
    (site.root / "content/a2.md").unlink()  # 5: March and February (2 each) re-index
    assert site.build().search_records == 3
    assert rewritten(before, index_files(site)) == {"2025-03", "2025-02", "recent-1", SHARDS}
    assert manifest(site) == {"months": ["2025-03", "2025-02", "2025-01"], "gone": {
        "2025-01": [ids(site, "2025-01")["/news/2025/01/20/story-2/"]]}}  # fmt: skip
    assert not (site.out / INDEX / "recent-1").exists()


def segments(site: Site) -> dict[str, int]:
    """The delta's segments and how many live records each holds."""
    return {name: len(times) for name, times in manifest(site).get("recent", {}).items()}


def test_each_build_adds_a_delta_segment_that_takes_in_the_newest_no_bigger(site):
    populate(site)
    site.build()
    steps = []
    for i in range(4):
        site.add(f"n{i}", f"New {i}", f"2025-03-1{i}T10:00:00+00:00")
        steps.append((site.build().search_records, segments(site)))
    site.add("n1", "New 1", "2025-03-11T10:00:00+00:00", "Edited.")  # supersedes in recent-4
    steps.append((site.build().search_records, segments(site)))
    assert steps == [
        (1, {"recent-1": 1}),
        (2, {"recent-2": 2}),  # took in recent-1
        (1, {"recent-3": 1, "recent-2": 2}),
        (4, {"recent-4": 4}),  # took in recent-3, then recent-2
        (1, {"recent-5": 1, "recent-4": 3}),
    ]
    gone = {"recent-4": [ids(site, "recent-4")["/news/2025/03/11/new-1/"]]}
    assert manifest(site)["gone"] == gone
    assert sorted(os.listdir(site.out / INDEX)) == [
        "2025-01",
        "2025-02",
        "recent-4",
        "recent-5",
        SHARDS,
    ]


def test_a_new_article_in_a_new_month_goes_to_the_delta_and_touches_no_month(site):
    populate(site)
    site.build()
    before = index_files(site)
    site.add("a9", "Story 9", "2025-04-01T10:00:00+00:00")
    assert site.build().search_records == 1
    assert rewritten(before, index_files(site)) == {"recent-1", SHARDS}
    new = ids(site, "recent-1")["/news/2025/04/01/story-9/"]
    assert manifest(site) == {
        "months": ["2025-02", "2025-01"],
        "recent": {"recent-1": {new: "2025-04-01T10:00:00+00:00"}},
    }


def test_a_deletion_supersedes_its_record_and_a_month_left_empty_goes(site):
    populate(site)
    site.build()
    before, old = index_files(site), ids(site, "2025-01")
    (site.root / "content/a2.md").unlink()
    assert site.build().search_records == 0  # nothing to index: the record is superseded
    assert rewritten(before, index_files(site)) == {SHARDS}
    assert manifest(site)["gone"] == {"2025-01": [old["/news/2025/01/20/story-2/"]]}
    before = index_files(site)
    (site.root / "content/a1.md").unlink()
    assert site.build().search_records == 0
    assert rewritten(before, index_files(site)) == {"2025-02", SHARDS}
    assert not (site.out / INDEX / "2025-02").exists()
    assert months(site) == ["2025-01"]


def test_an_article_moved_to_another_month_leaves_one_and_joins_the_other(site):
    populate(site)
    site.build()
    before, old = index_files(site), ids(site, "2025-01")
    site.add("a2", "Story 2", "2025-02-20T10:00:00+00:00", topic="Economy", source="Dawn")
    assert site.build().search_records == 1
    assert rewritten(before, index_files(site)) == {"recent-1", SHARDS}
    assert manifest(site)["gone"] == {"2025-01": [old["/news/2025/01/20/story-2/"]]}
    assert list(manifest(site)["recent"]["recent-1"].values()) == ["2025-02-20T10:00:00+00:00"]


def test_a_lost_delta_is_rebuilt_and_an_old_stamp_means_a_cold_build(site):
    populate(site)
    site.build()
    site.add("a9", "Story 9", "2025-04-01T10:00:00+00:00")
    site.build()
    recent = manifest(site)["recent"]
    shutil.rmtree(site.out / INDEX / "recent-1")
    assert site.build().search_records == 1
    assert manifest(site)["recent"] == recent
    for name in ("2025-01", "2025-02", "recent-1"):  # stamps of another version of digest
        (site.out / INDEX / name / STAMP).write_text("0" * 64 + "\n")
    assert site.build().search_records == 4
    assert manifest(site) == {"months": ["2025-04", "2025-02", "2025-01"]}
    assert not (site.out / INDEX / "recent-1").exists()


def test_months_indexed_two_at_a_time_equal_months_indexed_one_by_one(site, tmp_path):
    populate(site)
    for i in range(3, 7):
        site.add(f"a{i}", f"Story {i}", f"2025-0{i}-01T10:00:00+00:00")
    site.build(jobs=2)
    two = {p: (site.out / p).read_bytes() for p in index_files(site) if "/fragment/" in p}
    stamps = {p: (site.out / p).read_bytes() for p in index_files(site) if p.endswith(STAMP)}
    for path in stamps:
        (site.out / path).unlink()
    site.build(jobs=1)
    assert {p: (site.out / p).read_bytes() for p in two} == two
    assert len(stamps) == 6 and all((site.out / p).read_bytes() == b for p, b in stamps.items())


def test_an_index_of_the_old_single_layout_is_replaced(site):
    populate(site)
    site.build()
    old = site.out / INDEX / "fragment"
    old.mkdir()
    (old / "en_1.pf_fragment").write_bytes(b"x")
    (site.out / INDEX / STAMP).write_text("0" * 64 + "\n")
    (site.out / INDEX / "pagefind.js").write_text("// old\n")
    assert site.build().search_records == 0
    assert sorted(os.listdir(site.out / INDEX)) == ["2025-01", "2025-02", SHARDS]


def test_an_empty_site_has_no_index_and_emptying_a_site_removes_it(site):
    site.build()
    assert not (site.out / INDEX).exists()
    site.add("a", "Only", "2025-03-01T10:00:00+00:00")
    site.build()
    assert (site.out / INDEX / "2025-03" / STAMP).is_file()
    (site.root / "content/a.md").unlink()
    assert site.build().search_records == 0
    assert not (site.out / INDEX).exists()
    wait_for_trash(site.root)
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
    assert newest["url"] == "/news/2025/02/05/story-1/"
    assert newest["content"] == "Story 1. The zebra1 crossed & left. Second paragraph."
    assert newest["meta"] == {
        "title": "Story 1",
        "date": "5 February 2025",
        "datetime": "2025-02-05T10:00:00+00:00",
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
    assert site.build().search_records == 1  # the next build catches up: March only


def test_the_pagefind_binary_is_the_one_its_package_finds_and_found_without_asyncio(
    tmp_path, monkeypatch
):
    from pagefind.service import get_executable

    assert pagefind_service._binary() == str(get_executable())
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\n")
    with monkeypatch.context() as env:
        env.setenv("PAGEFIND_BINARY_PATH", str(fake))
        assert pagefind_service._binary() == str(fake) == str(get_executable())
    found = subprocess.run(
        [sys.executable, "-c", "import sys; from generator.build.pagefind_service import _binary;"
         " _binary(); print('asyncio' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout == "False\n"


def test_a_missing_pagefind_binary_is_named(site):
    site.add("a", "Only", "2025-03-01T10:00:00+00:00")
    env = {**os.environ, "PAGEFIND_BINARY_PATH": "/nonexistent/pagefind"}
    done = run_digest(site.root, "build", "--clock", CLOCK.isoformat(), env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == MISSING


def test_a_killed_indexing_leaves_nothing_the_next_build_trusts(site):
    populate(site)
    site.build()
    stray = site.root / f".site.staging-{os.getpid() + 1}"
    (stray / "0").mkdir(parents=True)  # as a build killed while staging a month's files
    (site.out / INDEX / "2025-01" / STAMP).unlink()  # as a month never committed
    assert site.build().search_records == 2  # its articles, in the delta
    assert sorted(os.listdir(site.out / INDEX)) == ["2025-02", "recent-1", SHARDS]
    assert not stray.exists()


def test_a_build_killed_halfway_through_the_index_commit_leaves_the_old_index(site, monkeypatch):
    populate(site)
    for i in range(3, 7):  # more files to move: the kill lands among them
        site.add(f"a{i}", f"Story {i}", f"2025-01-1{i}T10:00:00+00:00")
    site.build()
    before = {k: v for k, v in site.snapshot(search=True).items() if k.startswith(INDEX)}
    site.add("a3", "Story 3", "2025-01-13T10:00:00+00:00", "Edited words.")
    site.build(search=False)  # the pages first: the next build's only work is the index
    real, moves = os.replace, []

    def replace(src, dst):  # the process dies after three moves: no roll-back, no clean-up
        moves.append(dst)
        if len(moves) == 4:
            raise SystemExit("killed")
        real(src, dst)

    monkeypatch.setattr(writer.os, "replace", replace)
    monkeypatch.setattr(writer.Staging, "abort", lambda self: None)
    with pytest.raises(SystemExit):
        site.build()
    monkeypatch.undo()
    assert (site.root / ".site.journal").exists()  # a mixed index, and the journal to undo it
    writer.recover(site.out)  # the next build's first step
    assert {k: v for k, v in site.snapshot(search=True).items() if k.startswith(INDEX)} == before
    assert site.build().search_records == 1  # the edit, in the delta
    assert not list(site.root.glob(".site.*"))


def test_update_is_a_no_op_for_an_unchanged_stamp(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    assert update_search_index(out, [], {}, "en", "salt") is None
    assert not (out / INDEX).exists()


def test_records_are_cut_in_parts_of_bounded_text_in_their_order_as_they_are_fed():
    def parts(
        part: int, *sizes: int, stop_after: int | None = None, most: int = 1000
    ) -> list[list[int]]:
        records = [{"url": f"/{i}/", "content": "x" * n} for i, n in enumerate(sizes)]
        found = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pagefind_service, "PART_TEXT", part)
            patch.setattr(pagefind_service, "PART_RECORDS", most)
            cut = pagefind_service.Parts(iter(records))
            while cut.more():
                urls: list[str] = []
                taken = list(itertools.islice(cut.next_part(urls), stop_after or len(sizes)))
                assert urls == [r["url"] for r in taken]
                found.append([int(u[1:-1]) for u in urls])
            assert cut.count == len(found)
        return found

    assert parts(100, 5, 5, 5) == [[0, 1, 2]]  # under the bound: one index
    assert parts(30, *[10] * 10) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert parts(30, 50, 1, 1, 1) == [[0], [1, 2, 3]]  # a long article is a part alone
    assert parts(30, 10, 0, 0, 25) == [[0, 1, 2], [3]]
    assert parts(30, *[10] * 4, stop_after=1) == [[0], [1], [2], [3]]  # a reader that stops
    assert parts(30) == []
    # Bounded in records too (Pagefind's memory grows with each record, short or long).
    assert parts(100, *[1] * 7, most=3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert parts(25, 10, 10, 1, 1, 1, most=2) == [[0, 1], [2, 3], [4]]


def test_a_month_with_much_text_is_indexed_in_parts_that_come_and_go_with_it(site, monkeypatch):
    monkeypatch.setattr(pagefind_service, "PART_TEXT", 60)  # a record here: 26 characters
    site.config('base_url = "https://example.github.io/news/"\n')
    for i in range(6):
        site.add(f"m{i}", f"March {i}", f"2025-03-{10 + i}T10:00:00+00:00", f"The pelican{i} sat.")
    site.add("j", "January", "2025-01-05T10:00:00+00:00", "A gull.")
    assert site.build().search_records == 7
    month = site.out / INDEX / "2025-03"
    assert manifest(site) == {"months": ["2025-03", "2025-01"], "parts": {"2025-03": 3}}
    assert [pages_in(site, f"2025-03{p}") for p in ("", "/part-2", "/part-3")] == [2, 2, 2]
    assert (month / "part-3" / "pagefind.js").is_file()
    stamp = (month / STAMP).read_text().splitlines()[1:]  # newest first, each with its part
    rows = [line.split("\t") for line in stamp]
    assert [row[1] for row in rows] == [f"/news/2025/03/1{i}/march-{i}/" for i in range(5, -1, -1)]
    assert [row[4] if len(row) > 4 else "1" for row in rows] == ["1", "1", "2", "2", "3", "3"]
    before = index_files(site)
    site.add("m0", "March 0", "2025-03-10T10:00:00+00:00", "The pelican sat again.")
    assert site.build().search_records == 1  # an edit: the delta, not the month's parts
    assert rewritten(before, index_files(site)) == {"recent-1", SHARDS}
    assert manifest(site)["parts"] == {"2025-03": 3}
    shutil.rmtree(month / "part-2")  # a lost part: as a lost month, its articles go to the delta
    assert site.build().search_records == 6
    assert manifest(site)["parts"] == {"recent-2": 3} and not month.exists()
    for i in range(2, 6):
        (site.root / f"content/m{i}.md").unlink()
    monkeypatch.setattr(search_index, "COMPACT_AT", 1)
    site.build()  # March indexes its two articles, in one part; the delta goes
    assert manifest(site) == {"months": ["2025-03", "2025-01"]}
    assert sorted(p.name for p in (site.out / INDEX).iterdir()) == ["2025-01", "2025-03", SHARDS]
    assert not [p for p in month.iterdir() if p.name.startswith("part-")]


def test_a_month_re_indexed_in_fewer_parts_loses_the_others(site, monkeypatch):
    monkeypatch.setattr(pagefind_service, "PART_TEXT", 60)
    monkeypatch.setattr(search_index, "COMPACT_AT", 1)
    site.config('base_url = "https://example.github.io/news/"\n')
    for i in range(6):
        site.add(f"m{i}", f"March {i}", f"2025-03-{10 + i}T10:00:00+00:00", f"The pelican{i} sat.")
    site.build()
    for i in range(3, 6):
        (site.root / f"content/m{i}.md").unlink()
    assert site.build().search_records == 3  # 3 deletions: past the bound, March re-indexes
    month = site.out / INDEX / "2025-03"
    assert manifest(site) == {"months": ["2025-03"], "parts": {"2025-03": 2}}
    assert sorted(p.name for p in month.iterdir() if p.name.startswith("part-")) == ["part-2"]
    assert site.build().search_records == 0  # and the next build has nothing to do


def test_a_fragment_is_known_by_its_url_read_from_its_head_or_whole():
    """The URL read from a fragment's first kilobytes is the one Pagefind was given: plain,
    non-Latin, escaped, and one longer than the part read (then the whole is read)."""
    urls = ["/news/a/", "/news/اردو/خبر/", '/news/"quoted"\\back/', "/news/" + "long-" * 1500 + "/"]
    job = pagefind_service.Indexing("en")
    job.add({"type": "AddRecord", "url": u, "content": f"Words {n}.", "language": "en",
             "meta": {"title": f"T{n}"}} for n, u in enumerate(urls))  # fmt: skip
    fragments = [data for rel, data in job.files() if rel.startswith("fragment/")]
    assert sorted(search_index._fragment_url(data) for data in fragments) == sorted(urls)
