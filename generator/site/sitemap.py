"""sitemap.xml, written directly: it lists every article, and a template loop over 40,000
entries cost more than the rest of a one-edit rebuild together."""

from __future__ import annotations

import hashlib
from html import escape

from generator.site.catalog import Catalog
from generator.site.outputs import OutputFile
from generator.site.urls import Urls

PATH = "sitemap.xml"


def basis(catalog: Catalog) -> str:
    """A digest of everything the sitemap shows but the site's address (which every
    fingerprint's salt holds): a fifth of the cost of making it, and the same after an edit
    that keeps an article's dates, so such a build does not make it again. A digest, not
    the text (megabytes on a large site): a process that keeps its plan keeps it, and
    fingerprinting it costs nothing."""
    parts = [
        " ".join(d.date.isoformat() for d in catalog.days),
        " ".join(g.slug for g in catalog.topics),
        " ".join(g.slug for g in catalog.sources),
        *[e.url + " " + e.article.modified.isoformat() for e in catalog.entries],
    ]
    text = "\n".join(parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def sitemap(catalog: Catalog, urls: Urls) -> OutputFile:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]

    def url(loc: str, lastmod: str | None = None) -> None:
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        # & < > only, as XML text needs (xml.sax.saxutils would import urllib.request)
        lines.append(f"<url><loc>{escape(urls.absolute(loc), quote=False)}</loc>{mod}</url>")

    url(urls.home(), catalog.entries[0].modified.isoformat() if catalog.entries else None)
    for day in catalog.days:
        url(urls.day(day.date))
    for group in catalog.topics:
        url(urls.topic(group.slug))
    for group in catalog.sources:
        url(urls.source(group.slug))
    for entry in catalog.entries:
        url(entry.url, entry.article.modified.isoformat())
    lines.append("</urlset>\n")
    return OutputFile(PATH, "\n".join(lines).encode("utf-8"))
