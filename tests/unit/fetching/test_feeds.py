"""Every feed format into the same items; what is not a feed is named, never fatal."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.fetching.feeds import FeedProblem, parse_feed
from tests.support.feed_server import FIXTURES

BASE = "https://news.example/"
PKT = dt.timezone(dt.timedelta(hours=5))


def _parse(name: str, content_type: str = ""):
    data = (FIXTURES / name).read_bytes().replace(b"{{BASE}}", BASE.encode())
    return parse_feed(data, BASE + name, content_type, dt.UTC)


def test_rss_2_items_keep_dates_with_their_offset_authors_and_categories():
    feed = _parse("rss.xml", "application/rss+xml")
    assert feed.title == "The Coastal Herald" and feed.warning is None
    first = feed.items[0]
    assert first.title == "Floods hit the harbour district"
    assert first.url == BASE + "herald/2026/11/30/floods-hit-the-harbour.html?utm_source=rss"
    assert first.published == dt.datetime(2026, 11, 30, 8, 15, tzinfo=PKT)
    assert first.updated is None  # RSS has no modification date
    assert first.author == "Amina Qureshi"
    assert first.tags == ("Weather", "Karachi")
    assert first.content == "" and first.summary.startswith("Heavy rain")
    assert feed.items[1].summary == "<p>The council voted 31 to 12 for the <b>new budget</b>.</p>"


def test_atom_rss_1_rss_091_and_json_feed():
    atom = _parse("atom.xml").items[0]
    assert atom.published == dt.datetime(2026, 11, 29, 17, 0, tzinfo=dt.UTC)
    assert atom.updated == dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC)
    assert atom.author == "Jonas Berg" and atom.tags == ("Transport",)
    assert "<h2>Timetable</h2>" in atom.content
    rdf = _parse("rss1.rdf").items[0]
    assert (
        rdf.updated == dt.datetime(2026, 11, 28, 7, 0, tzinfo=dt.UTC) and rdf.author == "P. Novak"
    )
    old = _parse("rss091.xml")
    assert old.title == "Harbour Radio" and old.items[0].url == BASE + "radio/ferry-winter"
    json_feed = _parse("feed.json", "application/feed+json")
    item = json_feed.items[0]
    assert json_feed.title == "Valley Times"
    assert (item.title, item.published, item.tags) == (
        "New school opens in the valley",
        None,
        ("Education",),
    )
    assert item.summary == "<p>A new school opened on Monday.</p>"


def test_an_html_page_names_the_feed_it_links():
    with pytest.raises(FeedProblem) as caught:
        _parse("homepage.html", "text/html")
    assert str(caught.value) == (
        "is a web page, not a feed; it links the feed https://news.example/rss.xml: "
        "subscribe to that instead"
    )
    with pytest.raises(FeedProblem) as caught:
        parse_feed(b"<!DOCTYPE html><html><body>hi</body></html>", BASE, "", dt.UTC)
    assert str(caught.value) == (
        "is a web page, not a feed, and links none; find the site's RSS or Atom address"
    )


def test_malformed_and_non_feeds_are_reported():
    with pytest.raises(FeedProblem) as caught:
        _parse("malformed.xml", "application/rss+xml")
    assert str(caught.value).startswith("is malformed (")
    assert str(caught.value).endswith(
        ") and no item could be read; tell the site, or leave it out for now"
    )
    with pytest.raises(FeedProblem) as caught:
        parse_feed(b'{"items": []}', BASE, "application/json", dt.UTC)
    assert str(caught.value) == (
        "is JSON but not a JSON Feed (no jsonfeed.org version); check the address"
    )
    with pytest.raises(FeedProblem) as caught:
        parse_feed(b"{not json", BASE, "application/feed+json", dt.UTC)
    assert str(caught.value).startswith("is not valid JSON (")
    with pytest.raises(FeedProblem) as caught:
        parse_feed(b"just some text", BASE, "text/plain", dt.UTC)
    assert str(caught.value).startswith("is not a feed (")


def test_a_half_broken_feed_yields_what_it_can_with_a_warning():
    data = (
        (FIXTURES / "rss091.xml").read_bytes().replace(b"</channel>\n</rss>", b"<item><title>cut")
    )
    feed = parse_feed(data, BASE, "application/rss+xml", dt.UTC)
    assert feed.items[0].title == "Ferry timetable changes for winter"
    assert feed.warning is not None and feed.warning.startswith("is malformed (")
    assert feed.warning.endswith(f"); {len(feed.items)} items read anyway")


def test_a_json_feed_without_items_is_named():
    with pytest.raises(FeedProblem) as caught:
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1"}', BASE, "", dt.UTC)
    assert str(caught.value) == "is a JSON Feed without an 'items' list; tell the site"
