"""Plain story text → Markdown that renders back to exactly that text.

Scraped prose is not Markdown: a paragraph that starts with '1.' or '#', an asterisk,
or a quoted '<b>' would turn into a list, a heading, emphasis or a tag. Everything
Markdown could misread is escaped, so the page shows the text as written. The HTML
converter (readers/html_markdown) escapes its text nodes with the same two rules.
"""

from __future__ import annotations

import re

BULLETS = "•●▪◦"  # a paragraph starting with one is a list item
_INLINE = re.compile(r"([\\`*_\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """Text whose emphasis, code, link, entity and tag lookalikes show as written."""
    text = _INLINE.sub(r"\\\1", text)
    return _ENTITY.sub("&amp;", text).replace("<", "&lt;")


def escape_start(text: str) -> str:
    """A line that Markdown would read as a heading, quote, list, rule or table stays text."""
    if text[:1] in ("#", ">", "+", "-", "=", "|", ":"):
        return "\\" + text if text[0] in "#>+-" else f"&#{ord(text[0])};{text[1:]}"
    if text[:1] == "~":
        return "&#126;" + text[1:]
    return _ORDERED.sub(r"\1\\\2", text)


def escape_line(text: str) -> str:
    """One paragraph of plain text as a single Markdown line."""
    return escape_start(escape_inline(" ".join(text.split())))


def body_to_markdown(body: str) -> str:
    """Paragraphs become Markdown paragraphs; runs of bullet lines become one list."""
    blocks: list[str] = []
    items: list[str] = []
    for para in body.split("\n\n"):
        para = para.strip()
        if not para:
            continue
        if para[0] in BULLETS:
            item = para[1:].strip()
            if item:
                items.append("- " + escape_line(item))
            continue
        if items:
            blocks.append("\n".join(items))
            items = []
        blocks.append(escape_line(para))
    if items:
        blocks.append("\n".join(items))
    return "\n\n".join(blocks) + "\n" if blocks else ""
