"""What `digest fetch` reads: feed URLs from the command line, `[fetch] feeds` and an OPML
file as feed readers export it (an outline's title names the source, its category or the
folder outline it sits in names the topic)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from generator.core.config import Config
from generator.core.errors import ConfigError, Problem


@dataclass(frozen=True)
class Subscription:
    url: str
    source: str | None = None  # the publication's name; default: the feed's own title
    topic: str | None = None  # default: the item's category, else none


def subscriptions(config: Config, urls: tuple[str, ...] = ()) -> list[Subscription]:
    """The feeds to fetch: `urls` if given, else the config's feeds and OPML, each once."""
    found: list[Subscription] = []
    if urls:
        found.extend(Subscription(url) for url in check_urls(urls))
    else:
        found.extend(Subscription(url) for url in config.fetch.feeds)
        if config.fetch.opml:
            found.extend(read_opml(config.root / config.fetch.opml))
    seen: set[str] = set()
    unique = []
    for sub in found:
        if sub.url not in seen:
            seen.add(sub.url)
            unique.append(sub)
    return unique


def check_urls(urls: tuple[str, ...]) -> tuple[str, ...]:
    """Feed URLs typed on the command line, refused unless each is http(s)."""
    for url in urls:
        if not _is_http(url):
            raise ConfigError(
                Problem(url, "is not an http(s) URL; write it like https://site/rss.xml")
            )
    return urls


def read_opml(path: Path) -> list[Subscription]:
    """Every outline with an xmlUrl; a user's file, so what is wrong with it is an error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            Problem(path, f"cannot be read ({exc.strerror}); check [fetch] opml in digest.toml")
        ) from None
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ConfigError(
            Problem(path, f"is not valid OPML (XML): {exc.msg}; export it again", line=exc.lineno)
        ) from None
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        if not _is_http(url):
            raise ConfigError(
                Problem(path, f"outline xmlUrl {url!r} is not an http(s) URL",
                        line=outline.sourceline)
            )  # fmt: skip
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        found.append(Subscription(url, title, _topic(outline)))
    return found


def _topic(outline: etree._Element) -> str | None:
    """The outline's own category (its last path part), else the folder outline around it."""
    category = (outline.get("category") or "").split(",")[0].strip().strip("/")
    if category:
        return category.rsplit("/", 1)[-1].strip() or None
    parent = outline.getparent()
    if parent is not None and parent.tag == "outline" and not parent.get("xmlUrl"):
        return (parent.get("title") or parent.get("text") or "").strip() or None
    return None


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
