"""The HTML allow-list, written out: changing what digest lets through changes this file.

generator/core/sanitise.py is the only place HTML is cleaned; bodies (Markdown or raw HTML),
summaries and feeds all get their markup from it.
"""

from __future__ import annotations

from html.parser import HTMLParser

import feedparser

from generator.core.sanitise import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    clean_html,
    clean_text,
    plain_text,
)

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
SCHEMES = {"http", "https", "mailto"}
# Every element of HTML, SVG and MathML a scraped page might carry (and some obsolete ones).
ALL_ELEMENTS = TAGS | {
    "address", "applet", "area", "article", "aside", "audio", "base", "bdi", "bdo", "body",
    "button", "canvas", "center", "col", "colgroup", "data", "datalist", "details", "dfn",
    "dialog", "dir", "div", "embed", "fieldset", "font", "footer", "form", "frame", "frameset",
    "h1", "head", "header", "hgroup", "html", "iframe", "input", "label", "legend", "link",
    "main", "map", "marquee", "math", "menu", "meta", "meter", "nav", "noscript", "object",
    "optgroup", "option", "output", "param", "picture", "portal", "progress", "rp", "rt",
    "ruby", "samp", "script", "search", "section", "select", "slot", "source", "style",
    "summary", "svg", "template", "textarea", "time", "title", "track", "var", "video", "wbr",
    "xmp", "plaintext", "listing", "foreignobject", "animate", "set", "use",
}  # fmt: skip


def test_the_allow_list_is_exactly_this() -> None:
    assert ALLOWED_TAGS == TAGS
    assert ALLOWED_ATTRIBUTES == ATTRIBUTES
    assert ALLOWED_URL_SCHEMES == SCHEMES


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


# Elements HTML parsing only keeps inside their parent, and that parent's own wrappers.
CONTEXT = {
    "caption": "table", "thead": "table", "tbody": "table", "tfoot": "table",
    "tr": "table><tbody", "td": "table><tbody><tr", "th": "table><tbody><tr", "li": "ul",
}  # fmt: skip
WRAPPERS = {"table", "tbody", "tr", "ul", "p"}


def in_context(tag: str, markup: str) -> str:
    parent = CONTEXT.get(tag)
    return f"<{parent}>{markup}" if parent else f"<p>{markup}</p>"


def test_only_listed_elements_survive() -> None:
    for tag in sorted(ALL_ELEMENTS):
        cleaned = clean_html(in_context(tag, f"<{tag}>b</{tag}>"))
        kept = {t for t, _ in tags_of(cleaned)}
        expected = {tag} if tag in TAGS else set()
        assert kept - (WRAPPERS - {tag}) == expected, (tag, cleaned)


def test_only_listed_attributes_survive() -> None:
    hostile = {"onclick", "onerror", "style", "class", "id", "srcset", "formaction", "xmlns"}
    for tag in sorted(TAGS - {"br", "hr"}):
        allowed = ATTRIBUTES.get(tag, set())
        attrs = " ".join(f'{name}="1"' for name in sorted(allowed | hostile))
        cleaned = clean_html(in_context(tag, f"<{tag} {attrs}>x</{tag}>"))
        found = next(a for t, a in tags_of(cleaned) if t == tag)
        assert set(found) - {"rel"} <= allowed, (tag, cleaned)
        assert "rel" not in found or tag == "a"


def test_only_listed_url_schemes_survive() -> None:
    kept = ["https://x.example/", "http://x.example/", "mailto:a@x.example", "/relative", "#top"]
    dropped = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x",
               "file:///etc/passwd", "ftp://x.example/", "jav&#x09;ascript:alert(1)"]  # fmt: skip
    for url in kept:
        assert f'href="{url}"' in clean_html(f'<a href="{url}">x</a>'), url
    for url in dropped:
        assert "href" not in clean_html(f'<a href="{url}">x</a>'), url
    assert clean_html('<a href="https://x.example/">x</a>') == (
        '<a href="https://x.example/" rel="noopener noreferrer nofollow">x</a>'
    )


def test_content_of_active_elements_is_dropped_not_shown() -> None:
    for tag in ("script", "style", "iframe", "object", "template", "noscript"):
        assert clean_html(f"<p>a</p><{tag}>secret</{tag}>") == "<p>a</p>", tag
        assert plain_text(f"a <{tag}>secret</{tag}> b") == "a b", tag


def test_text_cleaning_drops_only_unprintable_characters() -> None:
    kept = "Tab\tLF\nCR\r é ü ß 中文 עברית \u200b\u200d \u202e \U0001f525 \ue000 \ufffd"
    assert clean_text(kept) == kept
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f\x9fg\ud800h\ufffei\uffffj") == "abcdefghij"


def test_one_policy_for_bodies_summaries_and_feeds(site) -> None:
    """Every element in a body: the page, its summary and all three feeds hold only listed
    elements, attributes and schemes."""
    body = "".join(
        f'<{t} onclick="x" href="javascript:y" src="data:z">{t}</{t}>' for t in sorted(ALL_ELEMENTS)
    )
    site.add("all", "All elements", "2025-01-01T00:00:00+00:00", f"<p>{body}</p>")
    site.build()
    page = site.read("2025/01/01/all-elements/index.html")
    start, end = page.index('<div class="body">'), page.index('<footer class="article-footer">')
    for tag, attrs in tags_of(page[start:end]):
        assert tag in TAGS | {"div"}, tag
        assert set(attrs) - {"rel", "class"} <= ATTRIBUTES.get(tag, set()), (tag, attrs)
    feed = feedparser.parse(site.read("feed.xml"))
    atom = feedparser.parse(site.read("atom.xml"))
    for html in (
        feed.entries[0].content[0].value,
        feed.entries[0].summary,
        atom.entries[0].content[0].value,
    ):
        for tag, attrs in tags_of(html):
            assert tag in TAGS, tag
            assert set(attrs) - {"rel"} <= ATTRIBUTES.get(tag, set()), (tag, attrs)
            for value in attrs.values():
                assert not (value or "").lower().startswith(("javascript:", "data:")), value
