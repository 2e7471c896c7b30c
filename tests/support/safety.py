"""The hostile-input corpus's cases, and checks that a built site carries no executable script,
shared by the corpus and fuzz tests.

HTML is read with a tokenizer (html.parser), not a tree builder: a tree builder
repairs broken markup, while a browser would run a stray <script> start tag
wherever it appears, so every start tag in the file is judged on its own.
"""

from __future__ import annotations

import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

from tests.support.sites import HOSTILE

# Every case of tests/hostile/cases.toml; each test file picks the kinds it runs.
ALL_CASES = tomllib.loads((HOSTILE / "cases.toml").read_text(encoding="utf-8"))["case"]

# Elements that run code, load active content, restyle the page or redirect it.
FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "base",
        "form", "input", "button", "textarea", "select", "svg", "math", "noscript", "template",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data"}
)
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_IGNORED_IN_URL = re.compile(r"[\t\n\r]")


def dangerous_url(value: str) -> bool:
    """As a browser reads it: leading C0/space stripped, tab/newline removed, any case."""
    url = _IGNORED_IN_URL.sub("", value.lstrip("".join(map(chr, range(0x21))))).lower()
    return url.startswith(BAD_SCHEMES)


SEARCH_PAGE = "search/index.html"
ARCHIVE_PAGE = "archive/index.html"


def theme_control(tag: str, values: dict[str, str], where: str) -> bool:
    """The default theme's own controls, exactly as it writes them: the header's search box on
    every page; the search page's form, filters, script and no-script notice; the archive's
    chart (an SVG of one path: no script, no link)."""
    names = set(values)
    if tag == "form":
        return (
            values.get("role") == "search"
            and values.get("method") == "get"
            and values.get("action", "").endswith("/search/")
            and names
            <= {"id", "class", "role", "aria-label", "action", "method", "data-index", "data-lists"}
        )
    if tag == "input":
        return values.get("type") == "search" and names <= {
            "type", "id", "name", "placeholder", "autocomplete", "spellcheck",
        }  # fmt: skip
    if tag == "button":
        return values.get("type") in ("submit", "button") and names <= {
            "type",
            "id",
            "class",
            "hidden",
        }
    if tag == "svg" and where == ARCHIVE_PAGE:  # the chart of articles per day
        return names <= {"role", "aria-label", "viewbox", "preserveaspectratio", "focusable"}
    if where != SEARCH_PAGE:
        return False
    if tag == "script":
        return (
            values.get("type") == "module"
            and names == {"type", "src"}
            and values["src"].endswith("/static/search.js")
        )
    return (tag == "select" and names == {"id", "name"}) or (tag == "noscript" and not names)


class _Scanner(HTMLParser):
    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.problems: list[str] = []
        self._json: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "script" and values.get("type") == "application/ld+json" and len(values) == 1:
            self._json = []
        elif tag in FORBIDDEN_TAGS and not theme_control(tag, values, self.where):
            self.problems.append(f"{self.where}: <{tag}> element")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"{self.where}: <meta http-equiv>")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"{self.where}: <{tag} {name}=...> event handler")
            elif name == "style":
                self.problems.append(f"{self.where}: <{tag} style=...>")
            elif name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"{self.where}: <{tag} {name}={value[:40]!r}>")
            elif name == "srcset" and any(dangerous_url(p) for p in value.split(",")):
                self.problems.append(f"{self.where}: <{tag} srcset={value[:40]!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._json is not None:
            self._json.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json is not None:
            try:
                json.loads("".join(self._json))
            except ValueError as exc:
                self.problems.append(f"{self.where}: JSON-LD block is not JSON ({exc})")
            self._json = None


def html_problems(markup: str, where: str) -> list[str]:
    scanner = _Scanner(where)
    scanner.feed(markup)
    scanner.close()
    return scanner.problems


def _xml_problems(path: Path, where: str) -> list[str]:
    try:
        root = etree.fromstring(path.read_bytes())
    except etree.XMLSyntaxError as exc:
        return [f"{where}: not well-formed XML ({exc})"]
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in ("description", "summary", "content", "encoded") and element.text:
            problems += html_problems(element.text, f"{where} <{local}>")
        for name, value in element.attrib.items():
            if etree.QName(name).localname in ("href", "url") and dangerous_url(value):
                problems.append(f"{where}: <{local} {name}={value[:40]!r}>")
    return problems


def _json_feed_problems(path: Path, where: str) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{where}: not JSON ({exc})"]
    if isinstance(data, list):  # a search list: rows [url, title, …], which the page draws as text
        return [f"{where}: row url {row[0][:40]!r}" for row in data if dangerous_url(row[0])]
    problems = []
    for item in data.get("items", []):
        problems += html_problems(item.get("content_html", ""), f"{where} item {item.get('id')}")
        for key in ("url", "external_url", "image"):
            if dangerous_url(item.get(key, "")):
                problems.append(f"{where}: item {key} {item[key][:40]!r}")
    return problems


def output_problems(folder: Path) -> list[str]:
    """Everything executable or malformed in a built site: pages, feeds, sitemap."""
    problems: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        where = path.relative_to(folder).as_posix()
        if path.suffix == ".html":
            problems += html_problems(path.read_text(encoding="utf-8"), where)
        elif path.suffix == ".xml":
            problems += _xml_problems(path, where)
        elif path.suffix == ".json":
            problems += _json_feed_problems(path, where)
    return problems


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
