"""The pipeline end to end on small inline sites."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from generator.build.fingerprint import Fingerprinter
from generator.build.freshness import stale_made
from generator.build.loader import load_articles, scan_content
from generator.core.config import load_config
from generator.core.errors import DigestError
from generator.site.outputs import MadeFile


def test_pages_exist_for_every_kind(site):
    site.config(
        'title = "T"\nbase_url = "https://example.github.io/news/"\ntimezone = "Asia/Karachi"\n'
    )
    # two bodies of their own: two sources' "Body text." would be one story, listed once
    site.add(
        "a",
        "Alpha story",
        "2025-06-10T01:00:00+00:00",
        "Exporters met the trade minister.",
        topic="Business",
        source="Dawn",
        tags=["Trade"],
    )
    site.add(
        "b", "Beta story", "2025-06-09T22:00:00+00:00", "The match was rained off.",
        topic="Sport", source="APP",
    )  # fmt: skip
    report = site.build()
    assert report.articles == 2
    # 22:00 UTC on the 9th is 03:00 on the 10th in Karachi: both on one local day.
    for rel in [
        "index.html", "2025/06/10/index.html", "2025/06/index.html", "2025/index.html",
        "archive/index.html", "topics/index.html", "topics/business/index.html",
        "sources/dawn/index.html", "sources/index.html", "tags/trade/index.html",
        "2025/06/10/alpha-story/index.html", "2025/06/10/beta-story/index.html",
        "404.html", "sitemap.xml", "robots.txt", ".nojekyll", "static/style.css",
    ]:  # fmt: skip
        assert (site.out / rel).is_file(), rel
    assert not (site.out / "2025/06/09").exists()
    home = site.read("index.html")
    assert "Alpha story" in home and "Beta story" in home
    assert 'href="/news/topics/business/"' in home
    assert "Sitemap: https://example.github.io/news/sitemap.xml" in site.read("robots.txt")


def test_bad_article_names_file_and_field_and_keeps_site(site):
    site.add("good", "Good", "2025-01-01")
    site.build()
    before = site.snapshot()
    site.add("bad", "Bad", "not a date")
    with pytest.raises(DigestError) as info:
        site.build()
    assert "content/bad.md: field 'date'" in str(info.value)
    assert site.snapshot() == before


def test_same_slug_same_day_gets_distinct_urls(site):
    site.add("one", "Same title", "2025-01-01T08:00:00+00:00", url="https://a.example/1")
    site.add("two", "Same title", "2025-01-01T09:00:00+00:00", url="https://a.example/2")
    site.build()
    assert (site.out / "2025/01/01/same-title/index.html").is_file()
    assert (site.out / "2025/01/01/same-title-2/index.html").is_file()


def test_second_build_writes_nothing(site):
    site.add("a", "A", "2025-01-01")
    first = site.build()
    assert first.written > 0
    second = site.build()
    assert (second.written, second.removed) == (0, 0)
    assert second.unchanged == first.written


_LOAD_AND_COUNT = """
from generator.build.build_cache import BuildCache
from generator.build.loader import load_articles
from generator.core.config import load_config

def mappings():
    with open("/proc/self/maps", encoding="ascii") as maps:
        return len(maps.readlines())

import pathlib

config = load_config(None)
first = BuildCache(config.path("cache"))
load_articles(config, first, 1)  # every file is new: read when parsed
first.close()
for path in pathlib.Path("content").rglob("*.md"):  # now every file is changed: the scan
    path.write_text(path.read_text() + "More.\\n")  # reads and holds them all
before = peak = mappings()

def progress(stage, done, total):  # while every file read is still held
    global peak
    peak = max(peak, mappings())

loaded = load_articles(config, BuildCache(config.path("cache")), 1, progress)
print(len(loaded.articles), len(loaded.problems), loaded.parsed, peak - before)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs Linux's /proc")
def test_loading_thousands_of_articles_keeps_the_mapping_count_flat(site):
    """One memory mapping held per file read crashed a 100,000-article build past the kernel's
    vm.max_map_count. A fresh interpreter, as `digest build` is: in a long-lived one the
    allocator may already serve big requests from its heap and hide the leak."""
    for i in range(2500):
        site.add(f"d{i % 10}/a{i}", f"Story {i}", "2025-01-01T08:00:00+00:00", "Text " * (i % 400))
    env = {**os.environ, "PYTHONPATH": str(Path(generator.__file__).parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_COUNT],
        cwd=site.root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    articles, problems, parsed, grown = map(int, done.stdout.split())
    assert (articles, problems, parsed) == (2500, 0, 2500)
    assert grown < 100


def test_a_cold_scan_holds_no_file_and_a_vanished_file_is_named(site):
    """A cold build reads each file when it is parsed, not all of them up front (at 34,000
    articles the scan held 200 MB of source bytes through the whole load)."""
    for i in range(3):
        site.add(f"a{i}", f"Story {i}", "2025-01-01T08:00:00+00:00", "Text.")
    site.config('title = "T"\n')
    config = load_config(site.root / "digest.toml")
    scanned = scan_content(config, None)
    assert len(scanned.todo) == 3
    assert all(data is None for _path, data, _stat in scanned.todo.values())
    (site.root / "content/a1.md").unlink()  # gone between the scan and its parse
    loaded = load_articles(config, None, 1, scanned=scanned)
    assert len(loaded.articles) == 2
    assert [str(p) for p in loaded.problems] == [
        "content/a1.md: cannot be read: No such file or directory"
    ]


def test_files_made_by_code_are_staged_as_each_is_made_and_only_if_changed(tmp_path):
    """A cold build's search lists and sitemap are tens of megabytes at 34,000 articles:
    each goes to staging as soon as it is made, not held through the render (whose workers
    fork with whatever the parent holds); a file whose bytes are the live file's is not
    staged, and one whose basis and stat are as recorded is not even made."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "same.json").write_bytes(b"same")
    events: list[str] = []

    def made(path: str, data: bytes, basis: object = None) -> MadeFile:
        def make() -> bytes:
            events.append(f"make {path}")
            return data

        return MadeFile(path, basis, make)

    def stage(path: str, data: bytes) -> bool:
        events.append(f"stage {path}")
        return True

    files = [made("a.json", b"A" * 1000), made("same.json", b"same"), made("b.xml", b"B", "x")]
    stat = out / "same.json"
    live = {"same.json": (stat.stat().st_size, stat.stat().st_mtime_ns)}
    fingerprinter = Fingerprinter("salt", {})
    hashes: dict[str, str] = {}
    stale, bases = stale_made(files, {}, live, fingerprinter, out, hashes, {}, stage)
    assert stale == ["a.json", "b.xml"]
    assert events == ["make a.json", "stage a.json", "make same.json", "make b.xml", "stage b.xml"]
    assert set(hashes) == {"a.json", "same.json", "b.xml"} and bases["b.xml"]
    # recorded with this basis and stat: not made again
    events.clear()
    b = out / "b.xml"
    b.write_bytes(b"B")
    previous = {"b.xml": (bases["b.xml"], b.stat().st_size, b.stat().st_mtime_ns, "h")}
    live["b.xml"] = previous["b.xml"][1:3]
    stale, _ = stale_made(files[2:], previous, live, fingerprinter, out, hashes, {}, stage)
    assert (stale, events, hashes["b.xml"]) == ([], [], "h")
