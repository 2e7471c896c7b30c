"""Scraped article text → clean paragraphs, with the metadata that hides in bodies pulled out.

Scrapers save whatever the page showed: print hyphenation, soft hyphens, ad-script
lines, a dateline glued to the first paragraph, the print-edition line at the end.
These rules are shared by every reader so a story reads the same whatever its shape.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from generator.core.sanitise import clean_text

BULLETS = "•●▪◦"
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Runs of blanks other than one plain space (matching every single space is slow).
_SPACES = re.compile(
    r" *(?:[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]| {2,})[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*"
)
# A soft hyphen next to a hard one is a typesetting artefact inside one word: 'ad\xad-vances'.
_SOFT_HARD = re.compile("\u00ad+-(?=\\w)|-\u00ad+(?=\\w)")
# Lines that are page furniture, not prose: ad-loader scripts and the like.
_BOILERPLATE = re.compile(
    r"^\(?(?:adsbygoogle|googletag|window\.|document\.|var\s|function\s*\()"
    r"|\.push\(\{.*\}\);?\s*$"
    r"|^(?:advertisement|advertisements|sponsored|share this article|read more)$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]*(?:[ /][A-Z][A-Z.'’-]*){0,3})"
    r"(?:,[^:\n]{0,40}?\((?P<agency>[A-Za-z]{2,12})\))?\s*[:—–]\s*(?=\S)"
)
_NOT_PLACES = frozenset(
    {"NOTE", "UPDATE", "UPDATED", "EDITOR", "EDITORS", "WARNING", "CORRECTION", "BREAKING",
     "READ", "WATCH", "ALSO", "PHOTO", "VIDEO", "LIVE", "FILE", "ANALYSIS", "OPINION", "EDITORIAL"}
)  # fmt: skip
_PRINT_EDITION = re.compile(
    r"^(?:Published|Printed|Appeared) in (?:the )?(?P<edition>[^,\n]{2,60},\s*"
    r"[A-Za-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})\.?$",
    re.IGNORECASE,
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|figure|figcaption|section|article|table|tr)\b[^>]*>",
    re.IGNORECASE,
)
_SENTENCE_END = tuple(".!?:;\"'”’)…")


@dataclass(frozen=True)
class Body:
    text: str  # paragraphs separated by blank lines
    dateline: str | None = None
    print_edition: str | None = None


def normalise(text: str) -> str:
    """One newline style, one space between words, no invisible or control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _INVISIBLE.sub("", clean_text(text))  # controls, lone surrogates
    if "\u00ad" in text:
        text = _SOFT_HARD.sub("", text).replace("\u00ad", "")
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def looks_like_html(text: str) -> bool:
    return len(_BLOCK_TAG.findall(text[:20000])) >= 2 or text.lstrip().startswith("<p")


def html_to_text(fragment: str) -> str:
    """Block tags become paragraph breaks and list items bullets; every other tag goes."""
    text = re.sub(r"<(script|style|noscript)\b.*?</\1\s*>", " ", fragment, flags=re.I | re.S)
    text = re.sub(r"<li\b[^>]*>", "\n\n• ", text, flags=re.I)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    return html.unescape(text)


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines wrapped at a fixed width (a plain-text file) rather than one paragraph a line."""
    if len(lines) < 2:
        return False
    inner = lines[:-1]
    open_ended = sum(not line.endswith(_SENTENCE_END) for line in inner)
    return all(len(line) <= 100 for line in inner) and open_ended * 2 >= len(inner)


def paragraphs(text: str) -> list[str]:
    """Paragraphs from blank-line or single-newline text; bullet lines stay one item each."""
    result: list[str] = []
    for block in _blocks(text):
        if _hard_wrapped(block) and not any(line[0] in BULLETS for line in block):
            result.append(" ".join(block))
        else:
            result.extend(block)
    joined: list[str] = []
    for para in result:
        # Print hyphenation split across paragraphs: 'limi-' + 'ted; municipal ...'.
        if joined and re.search(r"\w-$", joined[-1]) and para[:1].islower():
            joined[-1] = joined[-1][:-1] + para
        else:
            joined.append(para)
    return joined


def clean_body(raw: str, as_html: bool | None = None) -> Body:
    """Paragraphs of the story, its dateline and its print-edition line."""
    if as_html or (as_html is None and looks_like_html(raw)):
        raw = html_to_text(raw)
    paras = [p for p in paragraphs(normalise(raw)) if not _BOILERPLATE.search(p)]
    edition = None
    for i in range(len(paras) - 1, max(len(paras) - 4, -1), -1):
        match = _PRINT_EDITION.match(paras[i])
        if match:
            edition = " ".join(match["edition"].split())
            del paras[i]
            break
    dateline = None
    # The dateline opens the first prose paragraph, after any bullet-point highlights.
    first = next((i for i, p in enumerate(paras) if p[0] not in BULLETS), None)
    if first is not None:
        match = _DATELINE.match(paras[first])
        place = match["place"].strip() if match else ""
        if match and len(place) >= 3 and place.rstrip(".") not in _NOT_PLACES:
            dateline = place
            paras[first] = paras[first][match.end() :]
    return Body("\n\n".join(paras), dateline, edition)
