"""The pipeline end to end on small inline sites."""

from __future__ import annotations

import pytest

from generator.core.errors import DigestError


def test_pages_exist_for_every_kind(site):
    site.config(
        'title = "T"\nbase_url = "https://example.github.io/news/"\ntimezone = "Asia/Karachi"\n'
    )
    site.add(
        "a",
        "Alpha story",
        "2025-06-10T01:00:00+00:00",
        topic="Business",
        source="Dawn",
        tags=["Trade"],
    )
    site.add("b", "Beta story", "2025-06-09T22:00:00+00:00", topic="Sport", source="APP")
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
