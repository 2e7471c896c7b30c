"""Search-engine and link-preview metadata: title, description, canonical, Open Graph,
Twitter card on every page; NewsArticle JSON-LD on article pages, safe from hostile text."""

from __future__ import annotations

import json

import lxml.html
import pytest

BASE = "https://example.github.io/news/"
HOSTILE = 'Budget </script><script>alert("x")</script> <!-- & more'


def head(site, rel: str) -> dict[str, str]:
    doc = lxml.html.fromstring(site.read(rel))
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
    meta["title"] = doc.findtext(".//title")
    meta["canonical"] = doc.find(".//link[@rel='canonical']").get("href")
    return meta


def json_ld(site, rel: str) -> dict:
    doc = lxml.html.fromstring(site.read(rel))
    scripts = doc.findall(".//script[@type='application/ld+json']")
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


@pytest.fixture
def built(site):
    site.config(f'title = "The Digest"\nbase_url = "{BASE}"\ntimezone = "Asia/Karachi"\n')
    site.add(
        "full", HOSTILE, "2025-06-10T05:00:00+00:00", "Text of the story.",
        updated="2025-06-11T08:30:00+00:00", topic="Business", source="Dawn",
        author="Ann </script> Writer", url="https://www.dawn.com/news/1", tags=["Tax", "Budget"],
        image="https://i.dawn.com/lead.jpg", image_caption="A caption",
        summary="A short summary.",
    )  # fmt: skip
    site.add("bare", "Plain story", "2025-06-10T07:00:00+00:00", topic="Business")
    site.add("pic", "Local picture", "2025-06-10T08:00:00+00:00", image="lead.jpg")
    site.build()
    return site


def test_every_page_has_title_description_canonical_open_graph_and_twitter(built):
    pages = sorted(p.relative_to(built.out).as_posix() for p in built.out.rglob("*.html"))
    assert len(pages) > 10
    for rel in pages:
        meta = head(built, rel)
        url = BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        assert meta["canonical"] == url, rel
        assert meta["og:url"] == url, rel
        assert meta["title"] and meta["description"], rel
        assert meta["og:site_name"] == "The Digest"
        assert meta["og:type"] in ("website", "article")
        assert meta["og:description"] == meta["description"], rel
        assert meta["og:title"] and meta["twitter:title"] == meta["og:title"], rel
        assert meta["twitter:card"] in ("summary", "summary_large_image")
        assert meta["twitter:description"] == meta["description"]
    home = head(built, "index.html")
    assert home["og:type"] == "website" and home["og:title"] == "The Digest"


def test_article_json_ld_carries_the_news_article_fields(built):
    rel = "2025/06/10/budget-script-script-alert-x-script-more/index.html"
    data = json_ld(built, rel)
    url = BASE + rel.removesuffix("index.html")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == HOSTILE  # escaped in HTML, identical once parsed
    assert data["datePublished"] == "2025-06-10T10:00:00+05:00"
    assert data["dateModified"] == "2025-06-11T13:30:00+05:00"
    assert data["author"] == {"@type": "Person", "name": "Ann </script> Writer"}
    assert data["publisher"]["name"] == "The Digest"
    assert data["publisher"]["url"] == BASE
    assert data["isBasedOn"] == "https://www.dawn.com/news/1"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["image"] == ["https://i.dawn.com/lead.jpg"]
    assert data["keywords"] == ["Tax", "Budget"]
    assert data["description"] == "A short summary."
    meta = head(built, rel)
    assert meta["canonical"] == url
    assert meta["og:type"] == "article" and meta["og:title"] == HOSTILE
    assert meta["og:image"] == "https://i.dawn.com/lead.jpg"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["article:published_time"] == data["datePublished"]


def test_hostile_text_cannot_leave_the_json_ld_script(built):
    html = built.read("2025/06/10/budget-script-script-alert-x-script-more/index.html")
    start = html.index('<script type="application/ld+json">')
    block = html[start : html.index("</script>", start)]
    assert "<" not in block[len('<script type="application/ld+json">') :]
    assert "\\u003c/script\\u003e" in block and "&" not in block
    assert html.count("<script") == 1


def test_optional_fields_are_left_out_not_empty(built):
    data = json_ld(built, "2025/06/10/plain-story/index.html")
    for key in ("author", "isBasedOn", "image", "keywords"):
        assert key not in data
    assert data["datePublished"] == data["dateModified"]
    assert "og:image" not in head(built, "2025/06/10/plain-story/index.html")


def test_relative_image_becomes_an_absolute_preview_url(built):
    rel = "2025/06/10/local-picture/index.html"
    expected = BASE + "2025/06/10/local-picture/lead.jpg"
    assert head(built, rel)["og:image"] == expected
    assert json_ld(built, rel)["image"] == [expected]
