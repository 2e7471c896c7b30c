"""Scraped article text → clean paragraphs, with the metadata that hides in bodies pulled out.

Scrapers save whatever the page showed: print hyphenation, soft hyphens, ad-script
lines, a dateline glued to the first paragraph, the print-edition line at the end.
These rules are shared by every reader so a story reads the same whatever its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.sanitise import clean_text
from generator.importing.markdown_escape import BULLETS

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Runs of blanks other than one plain space (matching every single space is slow).
_SPACES = re.compile(
    r" *(?:[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]| {2,})[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*"
)
# A soft hyphen next to a hard one is a typesetting artefact inside one word: 'ad\xad-vances'.
_SOFT_HARD = re.compile("\u00ad+-(?=\\w)|-\u00ad+(?=\\w)")
# Paragraphs that are page furniture, not prose: ad-loader scripts, ad labels, share and
# follow lines, 'Read more' links, cookie-consent text. Text lines and HTML blocks alike.
_BOILERPLATE = re.compile(
    r"^\(?(?:adsbygoogle|googletag|window\.|document\.|var\s|function\s*\()"
    r"|\.push\(\{.*\}\);?\s*$"
    r"|^(?:advertisement|advertisements|sponsored|share this article|read more)$"
    r"|^(?:share(?: this(?: story| article| post| page)?)?(?::.{0,80}| on \w+(?: \w+)?)?"
    r"|follow us on \w+"
    r"|(?:read|see) more(?::| at| on)? \S.{0,60}|(?:also )?read(?: also)?: .{1,120}"
    r"|accept(?: all)?(?: cookies)?)$"
    r"|^(?:facebook|twitter|x|whatsapp|linkedin|email|telegram|reddit|print|copy link)"
    r"(?:[ ,|·•/]+(?:facebook|twitter|x|whatsapp|linkedin|email|telegram|reddit|print|copy link))+$"
    r"|^(?:we|this (?:web)?site)\b.{0,30}\buses? cookies\b.{0,300}$",
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
# Inline markup closed as HTML closes it: '<a href="…">…</a>', '<strong>…</strong>'.
_INLINE_TAG = re.compile(r"<(a|strong|em|b|i|span|code)\b[^<>]*>[^<]*</\1\s*>", re.IGNORECASE)
_SENTENCE_END = tuple(".!?:;\"'”’)…")


@dataclass(frozen=True)
class Body:
    text: str  # paragraphs separated by blank lines
    dateline: str | None = None
    print_edition: str | None = None
    markdown: str | None = None  # when the source was HTML: its links, emphasis and lists kept


def clean_characters(text: str) -> str:
    """No invisible or control characters, no soft hyphens, one kind of space."""
    text = _INVISIBLE.sub("", clean_text(text))  # controls, lone surrogates
    if "\u00ad" in text:
        text = _SOFT_HARD.sub("", text).replace("\u00ad", "")
    return _SPACES.sub(" ", text)


def normalise(text: str) -> str:
    """One newline style, one space between words, no invisible or control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = clean_characters(text)
    return "\n".join(line.strip() for line in text.split("\n"))


def is_junk(paragraph: str) -> bool:
    """A paragraph (or HTML block, as plain text) that is page furniture, not the story."""
    return _BOILERPLATE.search(paragraph) is not None


def looks_like_html(text: str) -> bool:
    head = text[:20000]
    return (
        len(_BLOCK_TAG.findall(head)) >= 2
        or text.lstrip().startswith("<p")
        or _INLINE_TAG.search(head) is not None
    )


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


def clean_body(raw: str) -> Body:
    """Paragraphs of the story (text, not HTML: see html_markdown.html_body), its dateline
    and its print-edition line."""
    paras = [p for p in paragraphs(normalise(raw)) if not is_junk(p)]
    edition = find_print_edition(paras)
    if edition:
        del paras[edition[0]]
    dateline = find_dateline(paras)
    if dateline:
        paras[dateline[0]] = paras[dateline[0]][dateline[2] :]
    return Body("\n\n".join(paras), dateline and dateline[1], edition and edition[1])


def find_print_edition(paras: list[str]) -> tuple[int, str] | None:
    """The 'Published in Dawn, June 10th, 2025' line among the last three: (index, edition)."""
    for i in range(len(paras) - 1, max(len(paras) - 4, -1), -1):
        match = _PRINT_EDITION.match(paras[i])
        if match:
            return i, " ".join(match["edition"].split())
    return None


def find_dateline(paras: list[str]) -> tuple[int, str, int] | None:
    """(paragraph index, place, length of the dateline text) of 'LAHORE: …'. The dateline
    opens the first prose paragraph, after any bullet-point highlights."""
    first = next((i for i, p in enumerate(paras) if p[0] not in BULLETS), None)
    if first is None:
        return None
    match = _DATELINE.match(paras[first])
    place = match["place"].strip() if match else ""
    if match and len(place) >= 3 and place.rstrip(".") not in _NOT_PLACES:
        return first, place, match.end()
    return None
