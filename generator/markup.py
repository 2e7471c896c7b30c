"""Markdown → sanitised HTML, and the summary drawn from a body."""

from __future__ import annotations

import re

import markdown

from generator.sanitise import clean_html, plain_text

_EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)


class MarkdownRenderer:
    """One Markdown instance reused across articles (building it per article is slow)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")

    def render(self, text: str) -> str:
        self._md.reset()
        html = self._md.convert(text)
        # The page headline is the only h1; body headings start at h2.
        return clean_html(_H1.sub(r"<\1h2", html))


def summary_from_html(body_html: str, limit: int = 300) -> str:
    """The first paragraph's text, cut at a word boundary near `limit` characters."""
    match = re.search(r"<p\b[^>]*>(.*?)</p>", body_html, re.DOTALL | re.IGNORECASE)
    text = plain_text(match.group(1) if match else body_html)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-–— ") + "…"
