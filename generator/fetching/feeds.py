"""A downloaded feed → its items. RSS 0.9x/1.0/2.0 and Atom are read with feedparser;
JSON Feed (which feedparser 6.0 does not read) with `json`, into the same `FeedItem`.

What a feed handed us is never trusted to be a feed: an HTML page is reported with the
feed it links (`<link rel="alternate">`), and a feed too broken to yield any item is
reported as malformed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml import etree

from generator.core.dates import parse_date_text

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/json", "application/rdf+xml")  # fmt: skip


# feedparser's notes that do not mean the feed is broken
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedProblem(Exception):
    """What is wrong with a downloaded feed, and what to do, for the user."""


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str | None
    published: dt.datetime | None
    updated: dt.datetime | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    summary: str = ""  # HTML or text, as the feed gave it
    content: str = ""  # the full text, when the feed carries it
    image: str | None = None


@dataclass
class Feed:
    title: str | None
    items: list[FeedItem] = field(default_factory=list)
    warning: str | None = None  # malformed, yet some items could be read


def parse_feed(data: bytes, url: str, content_type: str, tz: dt.tzinfo) -> Feed:
    """The feed's items; `FeedProblem` when `data` holds no feed."""
    head = data[:512].lstrip().lower()
    if head.startswith(b"{") or content_type in ("application/feed+json", "application/json"):
        return _json_feed(data, url, tz)
    if content_type in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype html", b"<html")
    ):
        raise FeedProblem(_not_a_feed(data, url))
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed: Any = feedparser.parse(data, response_headers=headers)
    broken = parsed.bozo and not isinstance(parsed.get("bozo_exception"), _BENIGN)
    if not parsed.entries:
        if not parsed.version:
            reason = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed found"
            raise FeedProblem(f"is not a feed ({reason}); check the address")
        if broken:
            raise FeedProblem(
                f"is malformed ({parsed.bozo_exception}) and no item could be read; "
                "tell the site, or leave it out for now"
            )
    feed = Feed(parsed.feed.get("title") or None)
    if broken and parsed.entries:
        feed.warning = (
            f"is malformed ({parsed.bozo_exception}); {len(parsed.entries)} items read anyway"
        )
    for entry in parsed.entries:
        feed.items.append(_xml_item(entry, url, tz))
    return feed


def _xml_item(entry: Any, base: str, tz: dt.tzinfo) -> FeedItem:
    content = " ".join(c.get("value", "") for c in entry.get("content") or [])
    summary = entry.get("summary") or ""
    if content.strip() == summary.strip():
        summary = ""  # feedparser copies a lone <description> into both
    link = entry.get("link")
    images = [
        m.get("url") for m in entry.get("media_content", []) + entry.get("media_thumbnail", [])
    ]
    images += [e.get("href") for e in entry.get("enclosures", []) if "image" in e.get("type", "")]
    return FeedItem(
        title=" ".join((entry.get("title") or "").split()),
        url=urljoin(base, link) if link else None,
        published=_date(entry, "published", tz) or _date(entry, "created", tz),
        updated=_date(entry, "updated", tz),
        author=entry.get("author") or None,
        tags=tuple(t["term"] for t in entry.get("tags", []) if t.get("term")),
        summary=summary,
        content=content,
        image=next((i for i in images if i), None),
    )


def _date(entry: Any, name: str, tz: dt.tzinfo) -> dt.datetime | None:
    """The date as written (keeping its offset), else feedparser's reading of it in UTC."""
    raw = dict.get(entry, name)  # not entry.get: feedparser maps a missing 'updated' to 'published'
    if raw:
        try:
            return parse_date_text(raw, tz)
        except ValueError:
            pass
    parsed: time.struct_time | None = dict.get(entry, f"{name}_parsed")
    if parsed:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    return None


def _json_feed(data: bytes, url: str, tz: dt.tzinfo) -> Feed:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedProblem(f"is not valid JSON ({exc}); check the address") from None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedProblem(
            "is JSON but not a JSON Feed (no jsonfeed.org version); check the address"
        )
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedProblem("is a JSON Feed without an 'items' list; tell the site")
    feed = Feed(_str(doc.get("title")))
    for item in items:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        names = [a.get("name") for a in authors if isinstance(a, dict) and a.get("name")]
        link = _str(item.get("url")) or _str(item.get("external_url"))
        feed.items.append(
            FeedItem(
                title=" ".join((_str(item.get("title")) or "").split()),
                url=urljoin(url, link) if link else None,
                published=_json_date(item.get("date_published"), tz),
                updated=_json_date(item.get("date_modified"), tz),
                author=", ".join(str(n) for n in names) or None,
                tags=tuple(str(t) for t in item.get("tags") or () if isinstance(t, str)),
                summary=_str(item.get("summary")) or _paragraphs(item.get("content_text")),
                content=_str(item.get("content_html")) or "",
                image=_str(item.get("image")) or _str(item.get("banner_image")),
            )
        )
    return feed


def _json_date(value: object, tz: dt.tzinfo) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_date_text(value, tz)
    except ValueError:
        return None


def _paragraphs(text: object) -> str:
    """JSON Feed's plain `content_text` as HTML paragraphs."""
    if not isinstance(text, str):
        return ""
    paras = (" ".join(p.split()) for p in text.split("\n\n"))
    return "".join(f"<p>{html.escape(p)}</p>" for p in paras if p)


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _not_a_feed(data: bytes, url: str) -> str:
    """The message for an HTML page, naming the feed it links when it links one."""
    try:
        page = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        page = None
    if page is not None:
        for link in page.iter("link"):
            rels = (link.get("rel") or "").lower().split()
            if "alternate" in rels and (link.get("type") or "").lower() in _FEED_TYPES:
                href = link.get("href")
                if href:
                    return (
                        f"is a web page, not a feed; it links the feed {urljoin(url, href)}: "
                        "subscribe to that instead"
                    )
    return "is a web page, not a feed, and links none; find the site's RSS or Atom address"
