"""An article page → its story: body (trafilatura's tree, as HTML, then our Markdown converter),
title, author, publication and modification dates, lead image.

Dates come from what the page states about itself, most explicit first: JSON-LD
(`datePublished`, `dateModified`), then `article:published_time` / `modified_time` meta
tags, then htmldate's reading of the page. A page with no extractable text gives None.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from generator.core.dates import parse_date_text
from generator.importing.readers.html_markdown import html_to_markdown

MIN_WORDS = 25  # less than this is a teaser or a paywall, not an article


@dataclass(frozen=True)
class Extracted:
    markdown: str
    title: str | None = None
    author: str | None = None
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    image: str | None = None


def extract_article(html: str, url: str, tz: dt.tzinfo) -> Extracted | None:
    """The article on the page at `url`; None when no article text can be found."""
    import trafilatura  # imported here: loading it costs ~0.5 s, paid only when pages are read

    doc: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        only_with_metadata=False,
        include_links=True,
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    markdown = html_to_markdown(_body_html(doc), url)
    if len(markdown.split()) < MIN_WORDS:
        return None
    meta = _page_meta(html)
    title = meta.get("headline") or (getattr(doc, "title", None) if doc else None)
    markdown = _without_title(markdown, title)
    published = _date(meta.get("datePublished"), tz) or _date(meta.get("published"), tz)
    if published is None:
        published = _htmldate(html, tz)
    modified = _date(meta.get("dateModified"), tz) or _date(meta.get("modified"), tz)
    author = meta.get("author") or (getattr(doc, "author", None) if doc else None)
    image = meta.get("image") or (getattr(doc, "image", None) if doc else None)
    return Extracted(markdown, title, author or None, published, modified, image or None)


def _body_html(doc: Any) -> str:
    """The extracted body as HTML. trafilatura's own HTML output turns every list into <ul>;
    its XML tree still says which were numbered (rend="ol"), so those become <ol> again."""
    from trafilatura.htmlprocessing import convert_to_html

    body = getattr(doc, "body", None) if doc else None
    if body is None:
        return ""
    numbered = [e for e in body.iter("list") if e.get("rend") == "ol"]
    tree = convert_to_html(body)
    for element in numbered:
        element.tag = "ol"
    return etree.tostring(tree, encoding="unicode")


def _without_title(markdown: str, title: str | None) -> str:
    """The body without a first heading that repeats the headline."""
    first, _, rest = markdown.partition("\n\n")
    if title and first.startswith("#") and first.lstrip("# ").strip() == title.strip():
        return rest
    return markdown


def _page_meta(html: str) -> dict[str, str]:
    """What the page says about itself in JSON-LD and meta tags (JSON-LD wins)."""
    try:
        page = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return {}
    found: dict[str, str] = {}
    for meta in page.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        value = (meta.get("content") or "").strip()
        if not value:
            continue
        name = {
            "article:published_time": "published",
            "article:modified_time": "modified",
            "og:image": "image",
            "author": "author",
        }.get(key)
        if name:
            found.setdefault(name, value)
    for script in page.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for node in _nodes(data):
            if "Article" not in str(node.get("@type", "")):
                continue
            for key in ("headline", "datePublished", "dateModified"):
                if isinstance(node.get(key), str):
                    found[key] = node[key].strip()
            if name := _names(node.get("author")):
                found["author"] = name
            if image := _image(node.get("image")):
                found["image"] = image
    return found


def _nodes(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [n for item in data for n in _nodes(item)]
    if isinstance(data, dict):
        return [data, *_nodes(data.get("@graph", []))]
    return []


def _names(value: Any) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = [i.get("name") if isinstance(i, dict) else i for i in items]
    text = ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
    return text or None


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url")
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


def _date(value: str | None, tz: dt.tzinfo) -> dt.datetime | None:
    if not value:
        return None
    try:
        return parse_date_text(value, tz)
    except ValueError:
        return None


def _htmldate(html: str, tz: dt.tzinfo) -> dt.datetime | None:
    from htmldate import find_date

    try:
        found = find_date(
            html, extensive_search=False, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
        )
    except (ValueError, TypeError):
        return None
    return _date(found, tz) if found else None
