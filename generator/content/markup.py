"""Markdown → sanitised HTML, and the summary drawn from a body."""

from __future__ import annotations

import re
from typing import Any

import markdown
from markdown import inlinepatterns, treeprocessors, util

from generator.content.simple_markdown import simple_html
from generator.core.sanitise import clean_html, plain_text

_EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# Python-Markdown's inline patterns (by their regex) and text that any match must contain.
MARKERS: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # code span
    r"\\(.)": ("\\",),  # backslash escape
    r"(?<!\!)\[": ("[",),  # links and references
    r"\!\[": ("![",),  # images
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),
    r"<([^<> !]+@[^@<> ]+)>": ("<",),
    r"  \n": ("  \n",),  # hard line break
    inlinepatterns.HTML_RE: ("<",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),
    r"\*|_": ("*", "_"),  # emphasis
}


class _InlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown tries all 14 inline patterns on every run of text, though news
    prose rarely holds a marker any of them needs; this one skips a pattern when the text
    lacks its marker. Output is unchanged (a pattern cannot match without its marker;
    tests/test_markup.py compares it with stock Markdown); a pattern not in MARKERS is
    always tried."""

    _marked: list[tuple[Any, tuple[str, ...]]] | None = None

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        if self._marked is None:  # the patterns are fixed once Markdown is set up
            self._marked = [
                (p, MARKERS.get(p.compiled_re.pattern, ("",)))  # type: ignore[attr-defined]
                for p in self.inlinePatterns
            ]
        patterns = self._marked
        start = 0
        while patternIndex < len(patterns):
            pattern, markers = patterns[patternIndex]
            for marker in markers:  # ("",) for an unknown pattern: always tried
                if marker in data:
                    data, matched, start = self._InlineProcessor__applyPattern(  # type: ignore[attr-defined]
                        pattern, data, patternIndex, start
                    )
                    if not matched:
                        patternIndex += 1
                    break
            else:  # cannot match: as __applyPattern's no-match return
                patternIndex, start = patternIndex + 1, 0
        return data


def make_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    if hasattr(treeprocessors.InlineProcessor, "_InlineProcessor__applyPattern"):
        md.treeprocessors.register(_InlineProcessor(md), "inline", 20)
    return md


def to_html(md: markdown.Markdown, text: str) -> str:
    """Python-Markdown's HTML for `text`, without running it for a simple document."""
    html = simple_html(text)
    if html is None:
        md.reset()
        html = md.convert(text)
    return html


class MarkdownRenderer:
    """One Markdown instance reused across articles (building it per article is slow)."""

    def __init__(self) -> None:
        self._md = make_markdown()

    def render(self, text: str) -> str:
        html = to_html(self._md, text)
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
