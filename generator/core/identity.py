"""Stable identities: article ids, normalised URLs and slugs.

The importer and the content loader must agree on these, or a re-import would
turn old feed items into new ones; so both call this one module.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from slugify import slugify as _slugify

SLUG_MAX = 80
# Names Windows reserves for devices: a folder called 'con' cannot be checked out there.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(10)]
)


@functools.lru_cache(maxsize=8192)  # topics, sources and tags repeat on every article
def slugify(text: str, fallback: str = "untitled") -> str:
    """A lowercase ASCII slug safe as one path segment on any system; never empty, never
    '.' or '..', never a Windows device name."""
    # Invisible format characters (zero-width space/joiner, bidi marks) must not split words.
    visible = "".join(c for c in text or "" if unicodedata.category(c) != "Cf")
    slug = _slugify(visible, max_length=SLUG_MAX, word_boundary=True, save_order=True)
    if slug in WINDOWS_RESERVED:
        return f"{slug}-{fallback}"
    return slug or fallback


def free_slug(slug: str, taken: Callable[[str], bool]) -> str:
    """`slug`, else `slug-2`, `slug-3`…: the first one not taken. The one rule for two
    stories with one slug on one day, shared by the importer's file names and the site's
    article URLs (the older story, placed first, keeps the plain slug)."""
    candidate, n = slug, 1
    while taken(candidate):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def normalise_url(url: str) -> str:
    """The form of a URL that identifies a story: lower-case scheme and host, no fragment,
    no utm_* tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    path = parts.path.rstrip("/")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        scheme = "https"  # http→https must not make an old story new
    return urlunsplit((scheme, parts.netloc.lower(), path, urlencode(query), ""))


def article_id(
    url: str | None, source: str | None, date: dt.datetime | None, title: str | None
) -> str:
    """The id an article gets when its front matter has none."""
    if url and url.strip():
        key = "url:" + normalise_url(url)
    else:
        day = date.date().isoformat() if date else ""
        key = f"story:{(source or '').strip().lower()}|{day}|{(title or '').strip().lower()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
