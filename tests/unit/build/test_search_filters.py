"""The lists a search without words reads: each topic's and source's articles, newest first, in
files numbered from the oldest, written like every other output (a cached build writes what a
clean one does: tests/unit/build/test_incremental.py)."""

from __future__ import annotations

import json

from generator.build import search_filters
from tests.support.sites import Site

LISTS = "search/lists/"
BODY = "Word " * 40 + "end.\n\nSecond paragraph."


def populate(site: Site, n: int = 5) -> None:
    site.config('base_url = "https://example.github.io/news/"\n')
    for i in range(n):
        site.add(
            f"a{i}", f"Story {i}", f"2025-03-0{i + 1}T10:00:00+00:00", BODY,
            topic="Sport" if i == 2 else "Economy", source="Dawn" if i % 2 else "APP",
        )  # fmt: skip


def lists(site: Site) -> dict[str, bytes]:
    return {p: data for p, data in site.snapshot().items() if p.startswith(LISTS)}


def slugs(rows: list[list[str]]) -> list[str]:
    return [row[0].split("/")[-2] for row in rows]


def test_each_topic_and_source_lists_its_articles_newest_first_in_files_from_the_oldest(
    site, monkeypatch
):
    monkeypatch.setattr(search_filters, "SIZE", 2)
    populate(site)
    site.build(search=False)
    assert json.loads(site.read(LISTS + "index.json")) == {
        "size": 2,
        "topic": {"Economy": ["economy", 4], "Sport": ["sport", 1]},
        "source": {"APP": ["app", 3], "Dawn": ["dawn", 2]},
    }
    economy = [json.loads(site.read(f"{LISTS}topic/economy/{n}.json")) for n in (0, 1)]
    assert [slugs(rows) for rows in economy] == [["story-1", "story-0"], ["story-4", "story-3"]]
    assert set(lists(site)) == {
        f"{LISTS}{path}.json"
        for path in ["index", "topic/economy/0", "topic/economy/1", "topic/sport/0",
                     "source/app/0", "source/app/1", "source/dawn/0"]
    }  # fmt: skip
    url, title, datetime, date, topic, source, excerpt = economy[1][0]
    assert (url, title, datetime, date) == (
        "/news/2025/03/05/story-4/", "Story 4", "2025-03-05T10:00:00+00:00", "5 March 2025"
    )  # fmt: skip
    assert (topic, source) == ("Economy", "APP")
    assert excerpt == " ".join(["Word"] * 30)  # the summary's first 30 words, as Pagefind's


def test_a_new_article_rewrites_only_its_lists_newest_files_and_the_index(site, monkeypatch):
    monkeypatch.setattr(search_filters, "SIZE", 2)
    populate(site)
    site.build(search=False)
    before = lists(site)
    site.add("a5", "Story 5", "2025-03-06T10:00:00+00:00", BODY, topic="Economy", source="Dawn")
    site.build(search=False)
    after = lists(site)
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed == {
        f"{LISTS}index.json", f"{LISTS}topic/economy/2.json", f"{LISTS}source/dawn/1.json"
    }  # fmt: skip
    assert set(before) <= set(after)


def test_without_search_there_are_no_lists_and_old_ones_go(site):
    populate(site)
    site.build(search=False)
    assert lists(site)
    site.config('base_url = "https://example.github.io/news/"\n[search]\nenabled = false\n')
    site.build(search=False)
    assert lists(site) == {}
