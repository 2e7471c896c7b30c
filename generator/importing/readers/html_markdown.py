"""HTML → Markdown that keeps what a story is made of: paragraphs, headings, lists,
quotes, links and emphasis; everything else (scripts, forms, layout) is dropped and its
text kept where it is prose.

Used for the article text extracted from a page and for feed items whose content is HTML;
meant as well for JSON records whose body is HTML. Text is escaped so that it renders as
written: a paragraph starting with '1.' or '#' stays a paragraph. Links keep only http(s),
mailto and site-relative targets (resolved against the page's URL when one is given).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

_DROP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "nav",
        "aside",
        "footer",
        "header",
        "svg",
        "canvas",
        "video",
        "audio",
        "source",
        "picture",
        "img",
        "map",
    ]
)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "hr",
        "address",
        "details",
        "summary",
    ]
)
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_ORDERED = re.compile(r"^(\d+)([.)])")
_SPACE = re.compile(r"\s+")


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Markdown for an HTML fragment or page; '' when it holds no text."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    blocks = _Converter(base_url).blocks(root)
    return "\n\n".join(blocks) + "\n" if blocks else ""


class _Converter:
    def __init__(self, base_url: str | None):
        self.base_url = base_url

    def blocks(self, element: etree._Element) -> list[str]:
        """The Markdown blocks inside `element`: loose inline runs become paragraphs."""
        out: list[str] = []
        run: list[str] = [_text(element.text)]
        for child in element:
            tag = _tag(child)
            if tag in _DROP:
                run.append(_text(child.tail))
                continue
            if tag in _BLOCKS:
                self._flush(run, out)
                out.extend(self.block(child, tag))
                run = [_text(child.tail)]
            else:
                run.append(self.inline(child))
                run.append(_text(child.tail))
        self._flush(run, out)
        return out

    def _flush(self, run: list[str], out: list[str]) -> None:
        para = _paragraph("".join(run))
        if para:
            out.append(para)
        run.clear()

    def block(self, element: etree._Element, tag: str) -> list[str]:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _clean_inline(self.inline_children(element))
            level = max(2, int(tag[1]))  # the page's title is the article's h1
            return [f"{'#' * level} {text}"] if text else []
        if tag in ("ul", "ol"):
            return [block] if (block := self.list(element, tag == "ol")) else []
        if tag == "blockquote":
            inner = self.blocks(element)
            return ["\n>\n".join(_quote(b) for b in inner)] if inner else []
        if tag == "pre":
            code = "".join(element.itertext()).strip("\n")
            return ["\n".join("    " + line for line in code.splitlines())] if code else []
        if tag == "hr":
            return []
        return self.blocks(element)

    def list(self, element: etree._Element, ordered: bool) -> str:
        lines: list[str] = []
        number = 1
        for item in element:
            if _tag(item) != "li":
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            nested: list[str] = []
            text_parts = [_text(item.text)]
            for child in item:
                tag = _tag(child)
                if tag in ("ul", "ol"):
                    nested.append(self.list(child, tag == "ol"))
                elif tag in _DROP:
                    pass
                elif tag in _BLOCKS:
                    text_parts.append(" " + self.inline_children(child) + " ")
                else:
                    text_parts.append(self.inline(child))
                text_parts.append(_text(child.tail))
            text = _clean_inline("".join(text_parts))
            if not text and not nested:
                continue
            lines.append(marker + _escape_start(text) if text else marker.rstrip())
            for sub in nested:
                lines.extend("    " + line for line in sub.splitlines() if sub)
        return "\n".join(lines)

    def inline_children(self, element: etree._Element) -> str:
        parts = [_text(element.text)]
        for child in element:
            if _tag(child) not in _DROP:
                parts.append(self.inline(child))
            parts.append(_text(child.tail))
        return "".join(parts)

    def inline(self, element: etree._Element) -> str:
        tag = _tag(element)
        if tag == "br":
            return "  \n"
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
            href = urljoin(self.base_url, href)
        scheme = urlsplit(href).scheme.lower()
        if scheme not in ("http", "https", "mailto") and (scheme or not href.startswith("/")):
            return None
        return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""  # comments, processing instructions


def _text(value: str | None) -> str:
    """A text node, escaped so that Markdown shows it as written."""
    if not value:
        return ""
    value = _SPACE.sub(" ", value)
    value = _INLINE_SPECIAL.sub(r"\\\1", value)
    return _ENTITY.sub("&amp;", value).replace("<", "&lt;")


def _wrap(inner: str, marker: str) -> str:
    text = _clean_inline(inner)
    if not text:
        return inner if inner.isspace() else ""
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{marker}{text}{marker}{trail}"


def _clean_inline(text: str) -> str:
    """Collapse spaces (keeping hard line breaks) and trim."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("  \n")]
    return "  \n".join(line for line in lines if line)


def _paragraph(text: str) -> str:
    return _escape_start(_clean_inline(text))


def _escape_start(text: str) -> str:
    """A line that Markdown would read as a heading, quote, list or rule stays text."""
    if text[:1] in ("#", ">", "+", "-", "=", "|"):
        return "\\" + text if text[0] in "#>+-" else f"&#{ord(text[0])};{text[1:]}"
    return _ORDERED.sub(r"\1\\\2", text)


def _quote(block: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in block.splitlines())
