"""Catalog → feeds: RSS 2.0 for the site, each topic and each source; Atom and JSON Feed
for the site.

Subscribers judge a feed by two things: it parses, and an old story never comes
back as new. So item identity is the article id (never a URL, which moves with
the domain), every date in a feed comes from the articles (never the clock, so a
rebuild is byte-identical), and all text is made XML-safe before feedgen sees it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin

from generator.core.config import Config
from generator.core.sanitise import clean_text as xml_safe
from generator.site.catalog import Catalog, Entry, Group
from generator.site.outputs import OutputFile
from generator.site.urls import Urls

if TYPE_CHECKING:  # feedgen (and lxml) only when a feed is rendered: most rebuilds render none
    from feedgen.feed import FeedGenerator

MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_URL_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed file to write: what it holds and where it lives."""

    kind: str  # 'rss' | 'atom' | 'json'
    path: str  # relative to the output folder
    url: str  # site-relative URL of the feed itself
    page: str  # site-relative URL of the page it mirrors
    title: str
    description: str
    entries: tuple[Entry, ...]  # newest first
    updated: dt.datetime | None  # None: an empty site's RSS and JSON feeds carry no date


def _line(text: str | None) -> str:
    """One line of XML-safe text: titles, names, categories."""
    return " ".join(xml_safe(text or "").split())


def recent(entries: Iterable[Entry], config: Config, now: dt.datetime) -> tuple[Entry, ...]:
    """The newest `feeds.limit` entries, within `feeds.days` of `now` when that is set."""
    since = now - dt.timedelta(days=config.feeds.days) if config.feeds.days else None
    kept = [e for e in entries if since is None or e.article.date >= since]
    return tuple(kept[: config.feeds.limit])


def _updated(kept: tuple[Entry, ...], everything: tuple[Entry, ...]) -> dt.datetime | None:
    # An item edited later than the newest one was published still moves the date.
    pool = kept or everything
    return max((e.article.modified for e in pool), default=None)


def plan_feeds(catalog: Catalog, config: Config, urls: Urls, now: dt.datetime) -> list[Feed]:
    """Every feed of the site; cheap, so paths are known before anything is rendered."""
    title = _line(config.title) or "News digest"
    description = _line(config.description) or title
    site = recent(catalog.entries, config, now)
    updated = _updated(site, catalog.entries)
    # An Atom feed must carry a date: an empty site's (no article to date it by) takes the
    # build's clock, so it is the one file an unchanged empty site rewrites.
    feeds = [
        Feed(kind, urls.rel(urls.feed(kind)), urls.feed(kind), urls.home(), title,
             description, site, now if updated is None and kind == "atom" else updated)
        for kind in ("rss", "atom", "json")
    ]  # fmt: skip

    def group_feed(group: Group, url: str, page: str, about: str) -> Feed:
        kept = recent(group.entries, config, now)
        name = _line(group.name)
        # Readers may show a channel description as HTML, and the name is scraped text.
        about = f"{about} {html.escape(name, quote=False)} in {title}."
        return Feed(
            "rss", urls.rel(url), url, page, f"{name} · {title}",
            about, kept, _updated(kept, group.entries),
        )  # fmt: skip

    for g in catalog.topics:
        feeds.append(group_feed(g, urls.topic_feed(g.slug), urls.topic(g.slug), "Articles on"))
    for g in catalog.sources:
        feeds.append(group_feed(g, urls.source_feed(g.slug), urls.source(g.slug), "Articles from"))
    return feeds


@dataclass(frozen=True, slots=True)
class _Item:
    """One entry as every feed format needs it: XML-safe text, absolute URLs."""

    id: str
    title: str
    link: str
    original: str | None
    published: dt.datetime
    updated: dt.datetime | None
    summary: str
    summary_html: str  # the summary as HTML, plus the link to the original
    content_html: str | None  # full body, absolute URLs, plus the link to the original
    author: str | None
    email: str | None
    categories: tuple[str, ...]
    image: str | None


def _absolute_urls(fragment: str, base: str) -> str:
    """Resolve href/src against the article's URL: feed readers have no page to resolve from."""

    def fix(m: re.Match) -> str:
        url = urljoin(base, html.unescape(m.group(2)))
        return m.group(1) + html.escape(url, quote=True) + m.group(3)

    return _URL_ATTR.sub(fix, fragment)


def _item(entry: Entry, config: Config, urls: Urls) -> _Item:
    a = entry.article
    link = urls.absolute(entry.url)
    original = xml_safe(a.url) if a.url and a.url.startswith(("http://", "https://")) else None
    via = ""
    if original:
        where = f" at {html.escape(_line(a.source))}" if a.source else ""
        via = f'\n<p><a href="{html.escape(original)}">Read the original{where}</a></p>'
    summary = _line(a.summary)
    summary_html = (f"<p>{html.escape(summary)}</p>" if summary else "") + via
    content = None
    if config.feeds.content == "full":
        content = xml_safe(_absolute_urls(str(a.body_html), link) + via)
    name, email = parseaddr(_line(a.author or config.author))
    if "@" not in email:  # a plain name such as 'Staff Reporter', or a list of names
        name, email = _line(a.author or config.author), ""
    categories = tuple(dict.fromkeys(c for c in map(_line, (a.topic, *a.tags)) if c))
    return _Item(
        id=_line(a.id),
        title=_line(a.title) or "Untitled",
        link=link,
        original=original,
        published=entry.local,
        updated=entry.local_updated,
        summary=summary,
        summary_html=xml_safe(summary_html),
        content_html=content,
        author=name or None,
        email=email or None,
        categories=categories,
        image=urljoin(link, a.image) if a.image else None,
    )


def _generator(feed: Feed, config: Config, urls: Urls, items: list[_Item]) -> FeedGenerator:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # dc:creator for authors without e-mail
    fg.id(urls.absolute(feed.page))
    fg.title(feed.title)
    fg.description(feed.description)
    fg.language(_line(config.language) or "en")
    fg.link(href=urls.absolute(feed.url), rel="self", type=MEDIA_TYPES[feed.kind])
    fg.link(href=urls.absolute(feed.page), rel="alternate")  # RSS takes the last link
    fg.author(name=_line(config.author) or feed.title)  # Atom needs a feed-level author
    fg.generator("digest")
    if feed.updated is not None:
        fg.lastBuildDate(feed.updated.astimezone(config.tz))
    else:  # feedgen starts from the machine's clock; an empty channel has no date to give
        fg._FeedGenerator__rss_lastBuildDate = None
    for it in items:
        fe = fg.add_entry(order="append")
        fe.guid(it.id, permalink=False)
        if feed.kind == "atom":  # an Atom id must be an IRI; the article id inside it
            fe.id("urn:digest:" + quote(it.id, safe=""))
        fe.title(it.title)
        # Only one link: feedgen 1.0 drops an entry link's rel, so a 'via' would become a
        # second alternate. The original is linked from the item's HTML instead.
        fe.link(href=it.link, rel="alternate")
        fe.published(it.published)
        fe.updated(it.updated or it.published)
        if it.summary_html:
            fe.summary(it.summary_html, type="html")
        if it.content_html is not None:
            fe.content(it.content_html, type="html")
        if it.author:
            fe.author(name=it.author, **({"email": it.email} if it.email else {}))
            if not it.email:
                fe.dc.dc_creator(it.author)
        for term in it.categories:
            fe.category(term=term)
    return fg


def _json_feed(feed: Feed, config: Config, urls: Urls, items: list[_Item]) -> bytes:
    """JSON Feed 1.1 (jsonfeed.org/version/1.1): small enough to write by hand."""
    data: dict = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": urls.absolute(feed.page),
        "feed_url": urls.absolute(feed.url),
        "description": feed.description,
        "language": _line(config.language) or "en",
    }
    if _line(config.author):
        data["authors"] = [{"name": _line(config.author)}]
    data["items"] = []
    for it in items:
        item: dict = {"id": it.id, "url": it.link, "title": it.title}
        if it.original:
            item["external_url"] = it.original
        item["content_html"] = it.content_html or it.summary_html or html.escape(it.title)
        if it.summary:
            item["summary"] = it.summary
        if it.image:
            item["image"] = it.image
        item["date_published"] = it.published.isoformat()
        if it.updated:
            item["date_modified"] = it.updated.isoformat()
        if it.author:
            item["authors"] = [{"name": it.author}]
        if it.categories:
            item["tags"] = list(it.categories)
        data["items"].append(item)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_feed(
    feed: Feed, config: Config, urls: Urls, made: dict[str, _Item] | None = None
) -> OutputFile:
    """The feed's bytes; pretty-printed, because people read feeds to debug their readers.
    `made`: items already made for other feeds of this build, by article URL (an article is
    in its site's, topic's and source's feeds, each in three formats)."""
    made = {} if made is None else made
    items = [
        made.get(e.url) or made.setdefault(e.url, _item(e, config, urls)) for e in feed.entries
    ]
    if feed.kind == "json":
        return OutputFile(feed.path, _json_feed(feed, config, urls, items))
    fg = _generator(feed, config, urls, items)
    data = fg.atom_str(pretty=True) if feed.kind == "atom" else fg.rss_str(pretty=True)
    return OutputFile(feed.path, data)
