"""Stock Python-Markdown's HTML for simple documents, without running Python-Markdown.

What `digest import` writes, and most news bodies, is a narrow subset of Markdown:
paragraphs, bullet lists of one-line items, one-paragraph quotes, inline links, entities and
backslash escapes. For a document made only of those, the HTML Python-Markdown would give is
known in advance; anything else (emphasis, code, images, tags, headings, nested or loose
lists, a line Markdown could read otherwise) returns None and goes to Python-Markdown.
tests/unit/content/test_markup.py holds this to stock output on generated, hostile and
fuzzed text, so the rules below may only ever say None too often, never differ.
"""

from __future__ import annotations

import re

# Characters the subset never holds raw (an inline or block construct, a placeholder
# Markdown uses internally, a line break it treats apart); blank-line runs are refused too.
_REFUSED = re.compile(r"[<\t\r\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
# What Markdown reads at a line's start: indentation, a heading, rule, list, quote, table.
_BLOCK_START = re.compile(r"[^\S\n]|[#=+\-_>:!\[~]|\d+[.)]")
_ITEM = re.compile(r"- (?=\S)")
_QUOTE = re.compile(r"> (?=\S)")
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!|")  # Python-Markdown's ESCAPED_CHARS here
_SPECIAL = re.compile(r"[\\\[\]&>*`|_!]")  # where an inline construct may start
_TOKEN = re.compile(
    r"\\(.)"  # a backslash escape
    r"|\[([^\]\[\\`*_<>&!\n]+)\]\(([^\s()<>\"'\\`*\[\]]+)\)"  # a link, no title
    r"|(&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"  # an entity, kept as written
    r"|(&#|!\[|[\[\]\\_&>*`|])",  # anything else that may mean more than itself
    re.DOTALL,
)
_TEXT_ESCAPES = {"&": "&amp;", ">": "&gt;"}  # "<" is refused, raw or escaped


def simple_html(text: str) -> str | None:
    """Python-Markdown's HTML for `text` when it is a simple document, else None."""
    if "\n\n\n" in text or _REFUSED.search(text):
        return None
    body = text.strip("\n")
    if not body:
        return ""
    out: list[str] = []
    last = ""
    for block in body.split("\n\n"):
        lines = block.split("\n")
        if any(line[-1:].isspace() for line in lines):  # Markdown strips it; two: a <br>
            return None
        if _ITEM.match(block) and all(_ITEM.match(line) for line in lines):
            kind, items = "ul", [_inline_start(line[2:]) for line in lines]
            if last == kind or None in items:  # a second list: Markdown joins them, loose
                return None
            out.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>")
        elif _QUOTE.match(block) and all(_QUOTE.match(line) for line in lines):
            kind, text_ = "blockquote", _inline_start("\n".join(line[2:] for line in lines))
            if last == kind or text_ is None:  # a second quote: Markdown joins them
                return None
            out.append(f"<blockquote>\n<p>{text_}</p>\n</blockquote>")
        else:
            kind, text_ = "p", _inline_start(block)
            if text_ is None:
                return None
            out.append(f"<p>{text_}</p>")
        last = kind
    return "\n".join(out)


def _inline_start(text: str) -> str | None:
    """The HTML of a paragraph's text, or None when any of its lines opens a block."""
    for line in text.split("\n"):
        if _BLOCK_START.match(line):
            return None
    return _inline(text)


def _inline(text: str) -> str | None:
    parts: list[str] = []
    at = 0
    for found in _SPECIAL.finditer(text):
        if found.start() < at:
            continue  # inside a token already read
        m = _TOKEN.match(text, found.start())
        if m is None:
            continue  # a "!" alone
        parts.append(text[at : m.start()])
        at = m.end()
        escaped, label, href, entity, other = m.groups()
        if escaped is not None:
            if escaped not in _ESCAPABLE:
                return None
            parts.append(_TEXT_ESCAPES.get(escaped, escaped))
        elif label is not None:
            parts.append(f'<a href="{href.replace("&", "&amp;")}">{label}</a>')
        elif entity is not None:
            parts.append(entity)
        elif other in _TEXT_ESCAPES:
            parts.append(_TEXT_ESCAPES[other])
        else:
            return None
    parts.append(text[at:])
    return "".join(parts)
