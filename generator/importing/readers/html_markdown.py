"""HTML → Markdown that keeps what a story is made of: paragraphs, headings, lists, tables,
quotes, links and emphasis; everything else (scripts, forms, layout, share and ad widgets)
is dropped and its text kept where it is prose.

One converter for the article text `digest fetch` extracts from a page, for feed items whose
content is HTML, and for JSON records whose body is HTML. Each block is checked with the
text readers' own junk-paragraph rule (body.is_junk), so an ad label or a 'Read more' line
goes whichever shape it came in. Text is escaped with markdown_escape's rules, so that it
renders as written. Links are made absolute against the page's URL and keep only http(s)
and mailto targets; without a URL a relative link keeps its text only.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from generator.core.sanitise import clean_text
from generator.importing.markdown_escape import BULLETS, escape_inline, escape_start
from generator.importing.readers.body import (
    Body,
    clean_characters,
    find_dateline,
    find_print_edition,
    is_junk,
)

_DROP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "form", "input",
     "button", "select", "textarea", "nav", "aside", "footer", "header", "svg", "canvas",
     "video", "audio", "source", "picture", "img", "map"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
     "li", "blockquote", "pre", "figure", "figcaption", "table", "thead", "tbody", "tfoot",
     "tr", "td", "th", "dl", "dt", "dd", "hr", "address", "details", "summary"}
)  # fmt: skip
# class or id words of page furniture: '<div class="share-bar">', '<aside id="ad-slot">'
_FURNITURE = frozenset(
    {"ad", "ads", "advert", "adverts", "advertisement", "advertising", "sponsored", "promo",
     "share", "sharing", "social", "cookie", "cookies", "consent", "gdpr", "newsletter",
     "related"}
)  # fmt: skip
_WORDS = re.compile(r"[a-z]+")
_SPACE = re.compile(r"\s+")
_BREAK = "  \n"

Block = tuple[str, str]  # (plain text, Markdown)


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Markdown for an HTML fragment or page; '' when it holds no text."""
    blocks = _blocks_of(html, base_url)
    return "\n\n".join(md for _, md in blocks) + "\n" if blocks else ""


def html_body(html: str, base_url: str | None = None) -> Body:
    """A record's HTML body as the text readers give theirs (paragraphs as plain text, the
    dateline and print-edition line taken out) with its Markdown kept alongside."""
    blocks = _blocks_of(html, base_url)
    edition = find_print_edition([plain for plain, _ in blocks])
    if edition:
        del blocks[edition[0]]
    dateline = find_dateline([plain for plain, _ in blocks])
    place = None
    if dateline:
        index, found, end = dateline
        plain, md = blocks[index]
        rest = _without_lead(md, plain[:end])
        if rest:
            blocks[index] = (plain[end:], rest)
            place = found
    text = "\n\n".join(plain for plain, _ in blocks)
    markdown = "\n\n".join(md for _, md in blocks) + "\n" if blocks else ""
    return Body(text, place, edition and edition[1], markdown)


def _blocks_of(html: str, base_url: str | None) -> list[Block]:
    if not html or not html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(clean_text(html), create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return _Converter(base_url).blocks(root)


def _without_lead(md: str, lead: str) -> str | None:
    """`md` without the Markdown of its plain-text start `lead`: 'LAHORE: Rain…' or
    '**LAHORE:** Rain…' without 'LAHORE: '; None when they do not line up that simply."""
    words = r"\s+".join(re.escape(escape_inline(w)) for w in lead.split())
    match = re.match(rf"(\*{{0,2}}){words}\1\s*", md)
    rest = md[match.end() :] if match else ""
    return escape_start(rest) if rest else None


def _dropped(element: etree._Element) -> bool:
    if _tag(element) in _DROP:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    if not names.strip() or _FURNITURE.isdisjoint(_WORDS.findall(names)):
        return False
    # a story's own wrapper may carry such a word ('article social-share-on'): it has paragraphs
    return len(element.findall(".//p")) < 3


class _Converter:
    def __init__(self, base_url: str | None):
        self.base_url = base_url

    def blocks(self, element: etree._Element) -> list[Block]:
        """The blocks inside `element`: loose inline runs become paragraphs, and so do the
        stretches between two or more <br>s; junk blocks are left out."""
        out: list[Block] = []
        run: list[str] = [_text(element.text)]
        plain: list[str] = [element.text or ""]
        after_br = False  # the last child was a <br> with only space after it
        for child in element:
            tag = _tag(child)
            if _dropped(child):
                pass
            elif tag in _BLOCKS:
                self._flush(run, plain, out)
                out.extend(b for b in self.block(child, tag) if not is_junk(b[0]))
            elif tag == "br" and after_br:
                self._flush(run, plain, out)
            else:
                run.append(self.inline(child))
                plain.append(_plain(child))
            run.append(_text(child.tail))
            plain.append(child.tail or "")
            after_br = tag == "br" and not (child.tail or "").strip()
        self._flush(run, plain, out)
        return out

    def _flush(self, run: list[str], plain: list[str], out: list[Block]) -> None:
        md = escape_start(_clean_inline("".join(run)))
        text = _one_line("".join(plain))
        if md and text and not is_junk(text):
            out.append((text, md))
        run.clear()
        plain.clear()

    def block(self, element: etree._Element, tag: str) -> list[Block]:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _clean_inline(self.inline_children(element))
            level = max(2, int(tag[1]))  # the page's title is the article's h1
            return [(_one_line(_plain(element)), f"{'#' * level} {text}")] if text else []
        if tag in ("ul", "ol"):
            items, md = self.list(element, tag == "ol")
            return [("\n\n".join(f"{BULLETS[0]} {i}" for i in items), md)] if md else []
        if tag == "blockquote":
            inner = self.blocks(element)
            quoted = "\n>\n".join(_quote(md) for _, md in inner)
            return [("\n\n".join(p for p, _ in inner), quoted)] if inner else []
        if tag == "pre":
            code = "".join(element.itertext()).strip("\n")
            md = "\n".join("    " + line for line in code.splitlines())
            return [(_one_line(code), md)] if code.strip() else []
        if tag == "table" and (table := self.table(element)):
            return [table]
        if tag == "hr":
            return []
        return self.blocks(element)

    def list(self, element: etree._Element, ordered: bool) -> tuple[list[str], str]:
        """The items' plain texts (nested ones too) and the list as Markdown."""
        lines: list[str] = []
        items: list[str] = []
        start = (element.get("start") or "").strip()
        number = int(start) if ordered and start.isdigit() and len(start) < 6 else 1
        for item in element:
            if _tag(item) != "li" or _dropped(item):
                continue
            nested: list[str] = []
            nested_items: list[str] = []
            parts = [_text(item.text)]
            for child in item:
                tag = _tag(child)
                if tag in ("ul", "ol") and not _dropped(child):
                    sub_items, sub = self.list(child, tag == "ol")
                    nested_items.extend(sub_items)
                    nested.append(sub)
                elif _dropped(child):
                    pass
                elif tag in _BLOCKS:
                    parts.append(" " + self.inline_children(child) + " ")
                else:
                    parts.append(self.inline(child))
                parts.append(_text(child.tail))
            text = _clean_inline("".join(parts))
            plain = _one_line(_plain(item, skip_lists=True))
            if (not text or is_junk(plain)) and not nested:
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            lines.append(marker + escape_start(text) if text else marker.rstrip())
            items.extend([plain, *nested_items] if plain else nested_items)
            for sub in nested:
                lines.extend("    " + line for line in sub.splitlines() if sub)
        return items, "\n".join(lines)

    def table(self, element: etree._Element) -> Block | None:
        """A table of text cells as a Markdown table (first row the header); None for a
        layout table, whose cells hold paragraphs: its blocks are read instead."""
        rows: list[list[tuple[str, str]]] = []
        for row in element.iter("tr"):
            cells = [c for c in row if _tag(c) in ("td", "th")]
            if any(_tag(d) in _BLOCKS for c in cells for d in c.iterdescendants()):
                return None
            rows.append(
                [(_one_line(_plain(c)), _clean_inline(self.inline_children(c))) for c in cells]
            )
        rows = [r for r in rows if any(md for _, md in r)]
        if not rows:
            return None
        width = max(len(r) for r in rows)
        lines = []
        for n, row in enumerate(rows):
            cells = [md.replace(_BREAK, " ").replace("|", "\\|") for _, md in row]
            lines.append("| " + " | ".join(cells + [""] * (width - len(cells))) + " |")
            if n == 0:
                lines.append("|" + " --- |" * width)
        plain = "\n\n".join(" | ".join(p for p, _ in row if p) for row in rows)
        return plain, "\n".join(lines)

    def inline_children(self, element: etree._Element) -> str:
        parts = [_text(element.text)]
        for child in element:
            if not _dropped(child):
                parts.append(self.inline(child))
            parts.append(_text(child.tail))
        return "".join(parts)

    def inline(self, element: etree._Element) -> str:
        tag = _tag(element)
        if tag == "br":
            return _BREAK
        inner = self.inline_children(element)
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i", "cite"):
            return _wrap(inner, "*")
        if tag == "code":
            code = "".join(element.itertext()).replace("`", "")
            return f"`{code}`" if code.strip() else ""
        if tag == "a":
            href = self._href(element.get("href"))
            label = _clean_inline(inner)
            if href and label:
                lead = " " if inner[:1].isspace() else ""
                trail = " " if inner[-1:].isspace() else ""
                return f"{lead}[{label}]({href}){trail}"
        return inner

    def _href(self, href: str | None) -> str | None:
        if not href or not href.strip():
            return None
        href = href.strip()
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:  # '[' in a host: not a URL
                return None
        # A relative link with no page to resolve it against would point into this site.
        if urlsplit(href).scheme.lower() not in ("http", "https", "mailto"):
            return None
        return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""  # comments, processing instructions


def _plain(element: etree._Element, skip_lists: bool = False) -> str:
    """The text a reader sees in `element` (none of its dropped parts)."""
    parts = [element.text or ""]
    for child in element:
        tag = _tag(child)
        if not _dropped(child) and not (skip_lists and tag in ("ul", "ol")):
            parts.append(" " if tag == "br" else _plain(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(clean_characters(text).split())


def _text(value: str | None) -> str:
    """A text node, escaped so that Markdown shows it as written."""
    if not value:
        return ""
    return escape_inline(_SPACE.sub(" ", clean_characters(value)))


def _wrap(inner: str, marker: str) -> str:
    text = _clean_inline(inner)
    if not text:
        return inner if inner.isspace() else ""
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{marker}{text}{marker}{trail}"


def _clean_inline(text: str) -> str:
    """Collapse spaces (keeping hard line breaks) and trim."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.split(_BREAK)]
    return _BREAK.join(line for line in lines if line)


def _quote(block: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in block.splitlines())
