"""Subscriptions: [fetch] feeds, OPML as feed readers export it, command-line URLs."""

from __future__ import annotations

import pytest

from generator.core.config import load_config
from generator.core.errors import ConfigError
from generator.fetching.subscriptions import Subscription, subscriptions
from tests.support.feed_server import FIXTURES


def _config(tmp_path, toml: str):
    (tmp_path / "digest.toml").write_text(toml)
    return load_config(tmp_path / "digest.toml")


def test_opml_outline_title_names_the_source_and_category_or_folder_the_topic(tmp_path):
    opml = (FIXTURES / "subscriptions.opml").read_text().replace("{{BASE}}", "https://x.example/")
    (tmp_path / "feeds.opml").write_text(opml)
    config = _config(
        tmp_path, '[fetch]\nfeeds = ["https://x.example/rss.xml"]\nopml = "feeds.opml"\n'
    )
    assert subscriptions(config) == [
        Subscription("https://x.example/rss.xml"),  # [fetch] feeds first; the OPML copy dropped
        Subscription("https://x.example/feed.json", "Valley Times", "Local"),
        Subscription("https://x.example/atom.xml", "Northern Ledger", "Transport"),
        Subscription("https://x.example/rss1.rdf", "Old Gazette", None),
        Subscription("https://x.example/rss091.xml", "Harbour Radio", None),
    ]


def test_command_line_urls_replace_the_config(tmp_path):
    config = _config(tmp_path, '[fetch]\nfeeds = ["https://x.example/rss.xml"]\n')
    assert subscriptions(config, ("https://y.example/feed",)) == [
        Subscription("https://y.example/feed")
    ]
    with pytest.raises(ConfigError) as caught:
        subscriptions(config, ("ftp://y.example/feed",))
    assert str(caught.value) == (
        "ftp://y.example/feed: is not an http(s) URL; write it like https://site/rss.xml"
    )


def test_bad_opml_and_bad_feed_urls_are_config_errors_naming_the_file(tmp_path):
    (tmp_path / "feeds.opml").write_text("<opml><body><outline xmlUrl='x'")
    config = _config(tmp_path, '[fetch]\nopml = "feeds.opml"\n')
    with pytest.raises(ConfigError) as caught:
        subscriptions(config)
    assert str(caught.value).startswith(f"{tmp_path / 'feeds.opml'}:1: is not valid OPML (XML): ")
    assert str(caught.value).endswith("; export it again")
    config = _config(tmp_path, '[fetch]\nopml = "missing.opml"\n')
    with pytest.raises(ConfigError) as caught:
        subscriptions(config)
    assert str(caught.value) == (
        f"{tmp_path / 'missing.opml'}: cannot be read (No such file or directory); "
        "check [fetch] opml in digest.toml"
    )
    with pytest.raises(ConfigError) as caught:
        _config(tmp_path, '[fetch]\nfeeds = ["example.com/rss"]\n')
    assert "field 'fetch.feeds': 'example.com/rss' is not an http(s) URL" in str(caught.value)


def test_an_opml_outline_with_a_bad_address_is_named_with_its_line(tmp_path):
    (tmp_path / "feeds.opml").write_text(
        '<opml version="2.0"><body>\n<outline text="x" xmlUrl="feed://x.example/rss"/>\n</body></opml>'
    )
    config = _config(tmp_path, '[fetch]\nopml = "feeds.opml"\n')
    with pytest.raises(ConfigError) as caught:
        subscriptions(config)
    assert str(caught.value) == (
        f"{tmp_path / 'feeds.opml'}:2: outline xmlUrl 'feed://x.example/rss' is not an http(s) URL"
    )
