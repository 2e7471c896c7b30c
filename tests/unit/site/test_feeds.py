"""Feeds read back the way subscribers read them: feedparser, lxml and json on real builds."""

from __future__ import annotations

import datetime as dt
import json
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
from lxml import etree

from generator.content.article import Article
from generator.core.config import Config
from generator.core.identity import article_id
from generator.site.catalog import make_catalog
from generator.site.feeds import plan_feeds, render_feed
from generator.site.urls import Urls

BASE = "https://example.github.io/news/"
CONFIG = f'title = "Daily & Co"\nbase_url = "{BASE}"\ntimezone = "Asia/Karachi"\n'


def parse(site, rel: str) -> feedparser.FeedParserDict:
    data = (site.out / rel).read_bytes()
    check_structure(data)
    feed = feedparser.parse(data)
    assert not feed.bozo, (rel, feed.get("bozo_exception"))
    return feed


ATOM = "{http://www.w3.org/2005/Atom}"


def check_structure(data: bytes) -> None:
    """What the RSS 2.0 and Atom specs require beyond well-formedness (feedparser is lenient)."""
    root = etree.fromstring(data)
    if root.tag == "rss":
        channel = root.find("channel")
        # lastBuildDate is optional in RSS 2.0; digest dates every channel that has items
        dated = ("lastBuildDate",) if channel.findall("item") else ()
        for name in ("title", "link", "description", *dated):
            assert channel.findtext(name), name
        assert len(channel.findall(f"{ATOM}link[@rel='self']")) == 1
        for item in channel.findall("item"):
            assert item.findtext("title")
            assert item.findtext("link").startswith("http")
            assert [g.get("isPermaLink") for g in item.findall("guid")] == ["false"]
            assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
    else:
        assert root.tag == ATOM + "feed"
        assert root.find(ATOM + "author/" + ATOM + "name").text
        for entry in [root, *root.findall(ATOM + "entry")]:
            for name in ("id", "title", "updated"):
                assert len(entry.findall(ATOM + name)) == 1, name
            assert dt.datetime.fromisoformat(entry.findtext(ATOM + "updated")).tzinfo
            alternates = [
                link for link in entry.findall(ATOM + "link")
                if link.get("rel", "alternate") == "alternate"
            ]  # fmt: skip
            assert len(alternates) == 1


def feed_files(site) -> dict[str, bytes]:
    return {
        rel: data
        for rel, data in site.snapshot().items()
        if rel.endswith(("feed.xml", "atom.xml", "feed.json"))
    }


def news_site(site, config: str = CONFIG) -> None:
    """Four articles, two topics, two sources, newest last in this list."""
    site.config(config)
    site.add(
        "a", "Oldest story", "2025-06-01T09:00:00+00:00", "First *para*.\n\nMore.",
        topic="Business", source="Dawn", url="https://dawn.com/a", author="Staff Reporter",
        tags=["Trade"],
    )  # fmt: skip
    site.add(
        "b", "Second story", "2025-06-02T09:00:00+00:00", "Sport body.",
        topic="Sport", source="APP", id="app-2025-0002",
    )  # fmt: skip
    site.add(
        "c", "Third story", "2025-06-03T09:00:00+00:00", "Markets body.",
        topic="Business", source="APP", id="app-2025-0003", author="Jane <jane@app.example>",
    )  # fmt: skip
    site.add(
        "d", "Newest story", "2025-06-04T23:30:00+00:00", "See [the desk](/news/topics/).",
        topic="Sport", source="Dawn", url="https://dawn.com/d",
    )  # fmt: skip


ORDER = ["Newest story", "Third story", "Second story", "Oldest story"]
IDS = {
    "Newest story": article_id("https://dawn.com/d", None, None, None),
    "Third story": "app-2025-0003",
    "Second story": "app-2025-0002",
    "Oldest story": article_id("https://dawn.com/a", None, None, None),
}


def test_rss_items_read_back_by_feedparser(site):
    news_site(site)
    report = site.build()
    assert report.feeds == 3 + 2 + 2  # site ×3, topics ×2, sources ×2
    feed = parse(site, "feed.xml")
    assert feed.version == "rss20"
    assert feed.feed.title == "Daily & Co"
    assert feed.feed.link == BASE
    assert feed.feed.language == "en"
    assert {"rel": "self", "href": BASE + "feed.xml", "type": "application/rss+xml"} in [
        dict(link) for link in feed.feed.links
    ]
    assert [e.title for e in feed.entries] == ORDER
    assert [e.id for e in feed.entries] == [IDS[t] for t in ORDER]
    raw = site.read("feed.xml")
    assert raw.count('isPermaLink="false"') == 4
    for e in feed.entries:
        assert e.link.startswith(BASE + "2025/06/"), e.link
        assert e.guidislink is False
    newest = feed.entries[0]
    # 23:30 UTC on the 4th is 04:30 on the 5th in Karachi: the offset is real, not +0000.
    assert newest.published == "Thu, 05 Jun 2025 04:30:00 +0500"
    assert newest.link == BASE + "2025/06/05/newest-story/"
    assert '<a href="https://example.github.io/news/topics/"' in newest.content[0].value
    assert '<a href="https://dawn.com/d">Read the original at Dawn</a>' in newest.content[0].value
    oldest = feed.entries[-1]
    assert "<em>para</em>" in oldest.content[0].value and "More." in oldest.content[0].value
    assert oldest.summary.startswith("<p>First para.</p>")
    assert [t.term for t in oldest.tags] == ["Business", "Trade"]
    assert oldest.author == "Staff Reporter"  # dc:creator: a name without e-mail
    assert "<dc:creator>Staff Reporter</dc:creator>" in raw
    assert "<author>jane@app.example (Jane)</author>" in raw
    assert feed.feed.updated == "Thu, 05 Jun 2025 04:30:00 +0500"  # lastBuildDate


def test_atom_and_json_feeds_carry_the_same_items(site):
    news_site(site)
    site.build()
    atom = parse(site, "atom.xml")
    assert atom.version == "atom10"
    assert [e.title for e in atom.entries] == ORDER
    assert [e.id for e in atom.entries] == ["urn:digest:" + IDS[t] for t in ORDER]
    assert atom.entries[0].published == "2025-06-05T04:30:00+05:00"
    assert atom.entries[0].link == BASE + "2025/06/05/newest-story/"
    assert "Read the original" in atom.entries[0].content[0].value

    data = json.loads(site.read("feed.json"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "Daily & Co"
    assert data["feed_url"] == BASE + "feed.json"
    assert data["home_page_url"] == BASE
    assert [i["title"] for i in data["items"]] == ORDER
    for item in data["items"]:
        assert item["id"] == IDS[item["title"]]
        assert item["url"].startswith(BASE)
        assert item["content_html"]
        assert dt.datetime.fromisoformat(item["date_published"]).utcoffset() == dt.timedelta(
            hours=5
        )
    assert data["items"][0]["external_url"] == "https://dawn.com/d"


def test_topic_and_source_feeds_hold_only_their_articles(site):
    news_site(site)
    site.build()
    sport = parse(site, "topics/sport/feed.xml")
    assert [e.title for e in sport.entries] == ["Newest story", "Second story"]
    assert sport.feed.link == BASE + "topics/sport/"
    selfs = [link.href for link in sport.feed.links if link.rel == "self"]
    assert selfs == [BASE + "topics/sport/feed.xml"]
    business = parse(site, "topics/business/feed.xml")
    assert [e.title for e in business.entries] == ["Third story", "Oldest story"]
    app = parse(site, "sources/app/feed.xml")
    assert [e.title for e in app.entries] == ["Third story", "Second story"]
    assert [link.href for link in app.feed.links if link.rel == "self"] == [
        BASE + "sources/app/feed.xml"
    ]


def test_rebuild_gives_byte_identical_feeds(site):
    news_site(site)
    site.build(clock=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    first = feed_files(site)
    assert len(first) == 7
    # A later clock must not leak into any feed: dates come from the articles.
    report = site.build(clock=dt.datetime(2027, 3, 4, 5, 6, tzinfo=dt.UTC))
    assert feed_files(site) == first
    assert report.written == 0


def test_domain_move_keeps_guids(site):
    news_site(site)
    site.build()
    before = {rel: parse(site, rel) for rel in ("feed.xml", "atom.xml")}
    before_json = json.loads(site.read("feed.json"))
    site.config(CONFIG.replace(BASE, "https://news.example.org/"))
    site.build()
    for rel, old in before.items():
        new = parse(site, rel)
        assert [e.id for e in new.entries] == [e.id for e in old.entries]
        assert new.entries[0].link.startswith("https://news.example.org/2025/")
    assert [i["id"] for i in json.loads(site.read("feed.json"))["items"]] == [
        i["id"] for i in before_json["items"]
    ]


def test_edited_article_keeps_guid_and_stays_one_item(site):
    news_site(site)
    site.build()
    old = parse(site, "feed.xml").entries[-1]
    site.add(
        "a", "Oldest story, corrected", "2025-06-01T09:00:00+00:00", "Corrected body.",
        topic="Business", source="Dawn", url="https://dawn.com/a", author="Staff Reporter",
        updated="2025-06-10T12:00:00+05:00",
    )  # fmt: skip
    site.build()
    rss = parse(site, "feed.xml")
    assert len(rss.entries) == 4
    matching = [e for e in rss.entries if e.id == old.id]
    assert len(matching) == 1
    assert matching[0].title == "Oldest story, corrected"
    assert matching[0].published == old.published  # pubDate stays the first publication
    assert rss.entries[-1].id == old.id  # still ordered by publication, not by edit
    assert rss.feed.updated == "Tue, 10 Jun 2025 12:00:00 +0500"  # newest edit
    atom = parse(site, "atom.xml")
    entry = next(e for e in atom.entries if e.id == "urn:digest:" + old.id)
    assert entry.updated == "2025-06-10T12:00:00+05:00"
    assert entry.published == "2025-06-01T14:00:00+05:00"
    item = next(i for i in json.loads(site.read("feed.json"))["items"] if i["id"] == old.id)
    assert item["date_modified"] == "2025-06-10T12:00:00+05:00"


def test_limit_days_and_summary_only(site):
    news_site(site, CONFIG + '[feeds]\nlimit = 3\ncontent = "summary"\n')
    site.build()
    rss = parse(site, "feed.xml")
    assert [e.title for e in rss.entries] == ORDER[:3]
    assert all("content" not in e for e in rss.entries)
    assert "content:encoded" not in site.read("feed.xml")
    assert rss.entries[0].summary.startswith("<p>See the desk.</p>")
    assert all(i["content_html"] for i in json.loads(site.read("feed.json"))["items"])

    site.config(CONFIG + "[feeds]\ndays = 2\n")
    site.build(clock=dt.datetime(2025, 6, 5, 8, 0, tzinfo=dt.UTC))  # since 3 June 08:00
    assert [e.title for e in parse(site, "feed.xml").entries] == ["Newest story", "Third story"]
    site.config(CONFIG + "[feeds]\ndays = 1\n")
    site.build(clock=dt.datetime(2025, 6, 5, 8, 0, tzinfo=dt.UTC))
    assert [e.title for e in parse(site, "topics/sport/feed.xml").entries] == ["Newest story"]
    # A topic whose articles are all too old still gets a valid, empty feed, dated by its
    # newest article rather than by the clock.
    business = parse(site, "topics/business/feed.xml")
    assert business.entries == []
    assert business.feed.updated == "Tue, 03 Jun 2025 14:00:00 +0500"


HOSTILE_TITLE = "Bell\x07 & <script>x</script> ]]> \x1b[31m \ufffe end"


def test_hostile_text_keeps_every_feed_well_formed(site):
    site.config(CONFIG)
    site.add(
        "hostile", HOSTILE_TITLE + " " + "very long " * 300, "2025-06-01T09:00:00+00:00",
        "Text with ]]> and <![CDATA[ x ]]> and \x01\x0c control & <b>bold</b>.\n\n"
        "<script>alert(1)</script> <p>]]&gt;</p>",
        topic="Odd & <Topic>", tags=["a]]>b", "x\x02y"], source="S & <S>",
    )  # fmt: skip
    site.add("plain", "Plain", "2025-06-02T09:00:00+00:00")
    site.build()
    for rel in feed_files(site):
        data = (site.out / rel).read_bytes()
        if rel.endswith(".json"):
            json.loads(data)
        else:
            etree.fromstring(data)  # raises on anything not well-formed
            parse(site, rel)
    rss = parse(site, "feed.xml")
    title = rss.entries[1].title
    assert title.startswith("Bell & <script>x</script> ]]> [31m end very long")
    assert "\x07" not in title and "\x1b" not in title
    assert "alert(1)" not in rss.entries[1].content[0].value
    assert "]]>" in rss.entries[1].content[0].value or "]]&gt;" in rss.entries[1].content[0].value
    assert "author" not in rss.entries[1]
    data = json.loads(site.read("feed.json"))
    assert data["items"][1]["title"].startswith("Bell & <script>")


def test_surrogates_and_controls_from_code_never_reach_a_feed(tmp_path: Path):
    """The importer builds Articles from JSON, where a lone surrogate is legal: feeds still parse."""
    nasty = "Bad \ud800 half \udfff and \x00 nul \x0b"
    article = Article(
        title=nasty, date=dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC), id="x\x01y", slug="bad",
        topic="T\ud83d", topic_slug="t", body_html=f"<p>{nasty}</p>", summary=nasty,
        source_path=tmp_path / "x.md", author="\ud800", tags=("\x00",),
    )  # fmt: skip
    config = Config(base_url=BASE)
    urls = Urls(config.base_url)
    catalog = make_catalog([article], config.tz, urls)
    feeds = plan_feeds(catalog, config, urls, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for feed in feeds:
        out = render_feed(feed, config, urls)
        if feed.kind == "json":
            item = json.loads(out.data)["items"][0]
            assert item["title"] == "Bad half and nul"
            assert item["id"] == "xy"
        else:
            check_structure(out.data)
            parsed = feedparser.parse(out.data)
            assert not parsed.bozo
            assert parsed.entries[0].title == "Bad half and nul"


def test_empty_site_has_valid_feeds_with_no_1970_date(site):
    site.build()
    for rel in ("feed.xml", "atom.xml"):
        assert parse(site, rel).entries == []
    assert json.loads(site.read("feed.json"))["items"] == []
    first = feed_files(site)
    assert not [rel for rel, data in first.items() if b"1970" in data]
    assert b"lastBuildDate" not in first["feed.xml"]  # optional in RSS: no date to give
    assert parse(site, "atom.xml").feed.updated == "2026-01-01T00:00:00+00:00"  # the clock's
    site.build()
    assert feed_files(site) == first
    site.build(clock=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert {k: v for k, v in feed_files(site).items() if k != "atom.xml"} == {
        k: v for k, v in first.items() if k != "atom.xml"
    }


def test_every_page_links_its_feeds(site):
    news_site(site)
    site.build()
    home = site.read("index.html")
    for kind, path in (
        ("application/rss+xml", "feed.xml"),
        ("application/atom+xml", "atom.xml"),
        ("application/feed+json", "feed.json"),
    ):
        assert f'rel="alternate" type="{kind}"' in home
        assert f'href="{BASE}{path}"' in home
        assert f'href="/news/{path}"' in home  # the visible footer link
    topic = site.read("topics/sport/index.html")
    own = f'<link rel="alternate" type="application/rss+xml" title="Sport · Daily &amp; Co (RSS)" href="{BASE}topics/sport/feed.xml">'
    assert own in topic
    assert topic.index(own) < topic.index(f'href="{BASE}feed.xml"')  # readers pick the first
    assert 'href="/news/topics/sport/feed.xml"' in topic
    source = site.read("sources/dawn/index.html")
    assert f'href="{BASE}sources/dawn/feed.xml"' in source
    assert 'href="/news/sources/dawn/feed.xml"' in source
    article = site.read("2025/06/05/newest-story/index.html")
    assert f'href="{BASE}feed.xml"' in article
