"""Grouping by day in the site timezone, URL rules under a sub-path, config validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.content.front_matter import parse_article
from generator.content.markup import MarkdownRenderer
from generator.core.config import load_config
from generator.core.errors import ConfigError
from generator.site.catalog import make_catalog
from generator.site.urls import Urls

UTC = dt.UTC


def art(title, date, topic="News", tz=UTC):
    text = f"---\ntitle: {title}\ndate: '{date}'\ntopic: {topic}\n---\nx\n"
    return parse_article(Path(f"{title}.md"), text.encode(), tz, MarkdownRenderer().render, 10**6)


def test_days_follow_site_timezone_not_utc():
    urls = Urls("https://example.github.io/news/")
    items = [art("Late", "2025-06-09T20:00:00+00:00"), art("Early", "2025-06-09T10:00:00+00:00")]
    utc = make_catalog(items, UTC, urls)
    khi = make_catalog(items, ZoneInfo("Asia/Karachi"), urls)
    assert [d.date.isoformat() for d in utc.days] == ["2025-06-09"]
    assert [d.date.isoformat() for d in khi.days] == ["2025-06-10", "2025-06-09"]
    assert khi.entries[0].url == "/news/2025/06/10/late/"


def test_topics_with_one_slug_merge_and_order_is_newest_first():
    urls = Urls("https://x.example/")
    cat = make_catalog(
        [
            art("A", "2025-01-01T00:00:00Z", "Pak-US ties"),
            art("B", "2025-01-02T00:00:00Z", "Pak US Ties"),
        ],
        UTC,
        urls,
    )
    assert [(g.slug, len(g.entries)) for g in cat.topics] == [("pak-us-ties", 2)]
    assert [e.title for e in cat.topics[0].entries] == ["B", "A"]


def test_urls_under_sub_path():
    urls = Urls("https://example.github.io/news/")
    assert urls.topic("economy", 2) == "/news/topics/economy/page/2/"
    assert urls.output_path(urls.rel(urls.day(dt.date(2025, 6, 1)))) == "2025/06/01/index.html"
    assert urls.absolute("/news/") == "https://example.github.io/news/"
    with pytest.raises(ValueError):
        urls.rel("/other/")


def test_config_defaults_overrides_and_subpath(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None, {"base_url": "https://u.github.io/news"})
    assert config.base_url == "https://u.github.io/news/" and config.base_path == "/news/"
    assert config.feeds.limit == 50 and config.timezone == "UTC"
    with pytest.raises(ConfigError, match=r"pages\.topic_page_size"):
        load_config(None, {"pages.topic_page_size": 0})
    (tmp_path / "digest.toml").write_text("title = \n")
    with pytest.raises(ConfigError, match=r"digest\.toml: is not valid TOML"):
        load_config()
