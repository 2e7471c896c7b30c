"""sitemap.xml, written directly: it lists every article, and a template loop over 40,000
entries cost more than the rest of a one-edit rebuild together.

Each article's `<url>` line is made once (`entry_lines`) and serves both the sitemap and
its basis; a process that keeps its plan keeps the lines and makes again only those of
the articles an edit changed, so a save with a new `updated` does not remake 40,000."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from html import escape

from generator.site.catalog import Catalog, Entry
from generator.site.outputs import OutputFile
from generator.site.urls import Urls

PATH = "sitemap.xml"


def _line(loc: str, urls: Urls, lastmod: str | None = None) -> str:
    mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    # & < > only, as XML text needs (xml.sax.saxutils would import urllib.request)
    return f"<url><loc>{escape(urls.absolute(loc), quote=False)}</loc>{mod}</url>"


def entry_lines(entries: Iterable[Entry], urls: Urls) -> list[str]:
    """Each entry's line of the sitemap: its address and when it last changed."""
    return [_line(e.url, urls, e.article.modified.isoformat()) for e in entries]


def basis(catalog: Catalog, lines: list[str]) -> str:
    """A digest of everything the sitemap shows (`lines`: the catalog's entry_lines): the
    same after an edit that keeps an article's dates, so such a build does not make it
    again. A digest, not the text (megabytes on a large site): a process that keeps its
    plan keeps it, and fingerprinting it costs nothing."""
    parts = [
        " ".join(d.date.isoformat() for d in catalog.days),
        " ".join(g.slug for g in catalog.topics),
        " ".join(g.slug for g in catalog.sources),
        *lines,
    ]
    text = "\n".join(parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def sitemap(catalog: Catalog, urls: Urls, lines: list[str]) -> OutputFile:
    """The sitemap of the catalog, whose entry_lines are `lines`."""
    home = catalog.entries[0].modified.isoformat() if catalog.entries else None
    text = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            _line(urls.home(), urls, home),
            *(_line(urls.day(day.date), urls) for day in catalog.days),
            *(_line(urls.topic(group.slug), urls) for group in catalog.topics),
            *(_line(urls.source(group.slug), urls) for group in catalog.sources),
            *lines,
            "</urlset>\n",
        ]
    )
    return OutputFile(PATH, text.encode("utf-8"))
