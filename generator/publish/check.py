"""`digest check`: what a browser, a crawler and a feed reader will find on a built site.

Reads only the output folder, so it checks exactly what gets published: links
and assets resolve under the site's sub-path, feeds parse, no two pages claim
one address, every article page carries its date.

Feeds are parsed with the standard library (ElementTree, json) rather than
feedparser: feedparser is built to forgive broken feeds, and a checker must not.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.build.writer import MARKER
from generator.core.errors import ConfigError, Problem
from generator.core.wording import plural

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json"}


@dataclass
class CheckReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    feeds: int = 0

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def summary(self) -> str:
        return (
            f"Checked {plural(self.pages, 'page')}, {plural(self.links, 'internal link')} and "
            f"{plural(self.feeds, 'feed')}: {plural(len(self.errors), 'error')}, "
            f"{plural(len(self.warnings), 'warning')}"
        )


class PageParser(HTMLParser):
    """The parts of a page the checks need, from one pass of the stdlib parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.canonical: str | None = None
        self.feeds: list[str] = []
        self.titles = 0
        self.description: str | None = None
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name])
        rel = a.get("rel", "").split()
        if tag == "link" and "canonical" in rel:
            self.canonical = a.get("href")
        if tag == "link" and "alternate" in rel and a.get("type") in FEED_TYPES:
            self.feeds.append(a.get("href", ""))
        if tag == "title":
            self.titles += 1
        if tag == "meta" and a.get("name") == "description":
            self.description = a.get("content", "")
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"
        if self._in_ld:
            self.json_ld.append("")

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


@dataclass(frozen=True)
class Link:
    page: Path
    href: str
    target: Path | None  # the file it should resolve to; None when outside the site
    fragment: str


def internal_links(out: Path, base_url: str, page: Path, hrefs: list[str]) -> Iterator[Link]:
    """The links of `page` that point into the site, each with the file it must resolve to.

    Absolute URLs on the site's origin count as internal; so do root-relative
    paths, which must start with the site's base path (a site served under
    /news/ that links to /static/... is broken on GitHub project pages).
    """
    base = urlsplit(base_url)
    origin = f"{base.scheme}://{base.netloc}"
    page_path = base.path + page.relative_to(out).as_posix()
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
        elif href.startswith("#"):
            yield Link(page, href, page, parts.fragment)
            continue
        path = unquote(parts.path)
        if not path.startswith("/"):
            path = _join(page_path, path)
        if not path.startswith(base.path):
            yield Link(page, href, None, parts.fragment)
            continue
        target = out / path[len(base.path) :]
        if path.endswith("/"):
            target = target / "index.html"
        yield Link(page, href, target, parts.fragment)


def _join(page_path: str, rel: str) -> str:
    parts = page_path.rsplit("/", 1)[0].split("/")
    for piece in rel.split("/"):
        if piece == "..":
            if len(parts) > 1:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def check_site(out: Path, base_url: str) -> CheckReport:
    """Every check on the built site in `out`, which the site serves at `base_url`."""
    if not out.is_dir():
        raise ConfigError(Problem(out, "does not exist; run `digest build` first or pass -o"))
    if not (out / MARKER).is_file():
        raise ConfigError(Problem(out, f"is not a digest build (no {MARKER}); pass -o with one"))
    report = CheckReport()
    pages = sorted(out.rglob("*.html"))
    parsed = {p: parse_page(p) for p in pages}
    report.pages = len(pages)
    _check_links(out, base_url, parsed, report)
    _check_addresses(out, base_url, parsed, report)
    _check_articles(out, parsed, report)
    feeds = {p for p in out.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json")}
    for page, info in parsed.items():  # feeds a page advertises, wherever they live
        for link in internal_links(out, base_url, page, info.feeds):
            if link.target is not None and link.target.is_file():
                feeds.add(link.target)
    for feed in sorted(feeds):
        _check_feed(out, feed, report)
    report.feeds = len(feeds)
    for path in sorted(out.rglob("*.xml")):
        if path not in feeds:
            _parse_xml(out, path, report)
    return report


def _rel(out: Path, path: Path) -> str:
    return f"{out.name}/{path.relative_to(out).as_posix()}"


def _check_links(
    out: Path, base_url: str, parsed: dict[Path, PageParser], report: CheckReport
) -> None:
    for page, info in parsed.items():
        where = _rel(out, page)
        for link in internal_links(out, base_url, page, info.links):
            report.links += 1
            if link.target is None:
                report.errors.append(
                    Problem(where, f"links to {link.href}, outside the site's base path "
                            f"{urlsplit(base_url).path}; use the site's URL helpers")
                )  # fmt: skip
            elif link.target.is_dir() and (link.target / "index.html").is_file():
                report.warnings.append(
                    Problem(where, f"links to {link.href} without its trailing slash; "
                            "servers answer with a redirect")
                )  # fmt: skip
            elif not link.target.is_file():
                report.errors.append(Problem(where, f"links to {link.href}, which does not exist"))
            elif link.fragment and link.target.suffix == ".html":
                target = parsed.get(link.target)
                if target is not None and unquote(link.fragment) not in target.ids:
                    report.warnings.append(
                        Problem(where, f"links to {link.href}, but that page has no "
                                f"id {link.fragment!r}")
                    )  # fmt: skip


def _check_addresses(
    out: Path, base_url: str, parsed: dict[Path, PageParser], report: CheckReport
) -> None:
    """No two files on one address: same path ignoring case, or one canonical URL."""
    by_folded: dict[str, list[str]] = defaultdict(list)
    for path in out.rglob("*"):
        if path.is_file():
            by_folded[path.relative_to(out).as_posix().casefold()].append(_rel(out, path))
    for names in by_folded.values():
        if len(names) > 1:
            report.errors.append(
                Problem(names[0], f"and {', '.join(names[1:])} differ only in case; they "
                        "collide on case-insensitive disks and checkouts")
            )  # fmt: skip
    by_canonical: dict[str, list[str]] = defaultdict(list)
    for page, info in parsed.items():
        where = _rel(out, page)
        if info.titles != 1:
            report.errors.append(Problem(where, f"has {info.titles} <title> elements, not 1"))
        if not (info.description or "").strip():
            report.warnings.append(Problem(where, "has no meta description"))
        if info.canonical is None:
            if page.name != "404.html":
                report.warnings.append(Problem(where, "has no <link rel=canonical>"))
            continue
        by_canonical[info.canonical].append(where)
        links = list(internal_links(out, base_url, page, [info.canonical]))
        if not links or links[0].target != page:
            report.errors.append(
                Problem(where, f"declares canonical URL {info.canonical}, which is not this page")
            )
    for url, names in by_canonical.items():
        if len(names) > 1:
            report.errors.append(
                Problem(names[0], f"shares its canonical URL {url} with {', '.join(names[1:])}")
            )


def _check_articles(out: Path, parsed: dict[Path, PageParser], report: CheckReport) -> None:
    for page, info in parsed.items():
        where = _rel(out, page)
        for text in info.json_ld:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                report.errors.append(Problem(where, f"has JSON-LD that is not JSON: {exc}"))
                continue
            if not isinstance(data, dict) or data.get("@type") != "NewsArticle":
                continue
            for key in ("datePublished", "dateModified"):
                if not _iso_date(data.get(key)):
                    report.errors.append(
                        Problem(where, f"is an article without a valid {key} in its JSON-LD")
                    )
            if not data.get("headline"):
                report.errors.append(Problem(where, "is an article without a headline"))


def _iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _parse_xml(out: Path, path: Path, report: CheckReport) -> ET.Element | None:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        report.errors.append(Problem(_rel(out, path), f"is not well-formed XML: {exc}"))
        return None


def _check_feed(out: Path, path: Path, report: CheckReport) -> None:
    where = _rel(out, path)
    problems: list[str] = []
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            report.errors.append(Problem(where, f"is not valid JSON: {exc}"))
            return
        if not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
            problems.append("has no JSON Feed version")
        if not data.get("title"):
            problems.append("has no title")
        for i, item in enumerate(data.get("items", [])):
            if not item.get("id"):
                problems.append(f"item {i + 1} has no id")
            if not _iso_date(item.get("date_published")):
                problems.append(f"item {i + 1} has no valid date_published")
    else:
        root = _parse_xml(out, path, report)
        if root is None:
            return
        if root.tag == "rss":
            problems += _rss_problems(root)
        elif root.tag == f"{ATOM}feed":
            problems += _atom_problems(root)
        else:
            problems.append(f"is neither RSS nor Atom (root element <{root.tag}>)")
    report.errors += [Problem(where, p) for p in problems]


def _rss_problems(root: ET.Element) -> list[str]:
    channel = root.find("channel")
    if channel is None:
        return ["has no <channel>"]
    problems = [f"has no channel <{t}>" for t in ("title", "link", "description")
                if not (channel.findtext(t) or "").strip()]  # fmt: skip
    for i, item in enumerate(channel.findall("item"), start=1):
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"item {i} has neither title nor description")
        if not (item.findtext("guid") or "").strip():
            problems.append(f"item {i} has no <guid>")
        try:
            date = parsedate_to_datetime(item.findtext("pubDate") or "")
        except (TypeError, ValueError):
            date = None
        if date is None:
            problems.append(f"item {i} has no valid <pubDate>")
    return problems


def _atom_problems(root: ET.Element) -> list[str]:
    problems = [f"has no feed <{t}>" for t in ("id", "title", "updated")
                if not (root.findtext(ATOM + t) or "").strip()]  # fmt: skip
    for i, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
        for tag in ("id", "title"):
            if not (entry.findtext(ATOM + tag) or "").strip():
                problems.append(f"entry {i} has no <{tag}>")
        if not _iso_date((entry.findtext(f"{ATOM}updated") or "").replace("Z", "+00:00")):
            problems.append(f"entry {i} has no valid <updated>")
    return problems
