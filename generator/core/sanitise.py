"""The one HTML allow-list, used for article bodies, summaries and feeds alike.

Articles are scraped from the open web, so everything not listed here is dropped:
no script, style, iframe, form, event handler, or javascript:/data: URL survives.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
        "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# h1 is the page's own headline; a body's h1 is demoted by Markdown rendering instead.
_CLEAN_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})
# Control characters (C0 but tab/LF/CR, DEL, C1), lone surrogates and U+FFFE/U+FFFF: XML
# cannot carry most of them, HTML calls them parse errors, and none is meant as text.
_NOT_TEXT = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(text: str) -> str:
    """Untrusted text with the characters no page or feed may carry dropped (escaping is
    the template's or feedgen's job)."""
    return _NOT_TEXT.sub("", text)


def one_line(text: str) -> str:
    """Untrusted text as one clean line: titles, names, tags."""
    return " ".join(clean_text(text).split())


def visible(text: str) -> bool:
    """Whether text shows anything: zero-width and bidi characters alone do not."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def clean_html(fragment: str) -> str:
    """Sanitise untrusted HTML to the allow-list."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        clean_content_tags=set(_CLEAN_CONTENT),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, tags dropped and entities decoded, whitespace folded."""
    text = nh3.clean(fragment, tags=set(), clean_content_tags=set(_CLEAN_CONTENT))
    return " ".join(html.unescape(text).split())
