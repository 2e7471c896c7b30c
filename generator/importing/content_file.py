"""The format of a file the importer writes: front matter in a fixed order, the Markdown
body, and `digest_hash`, the hash of the file as written, so a file edited by hand since is
recognised (the check lives in the file itself, not in a cache that could be deleted)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from generator.core.dates import iso
from generator.importing.record import SourceRecord

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_HASH_LINE = re.compile(r"^digest_hash: *['\"]?([0-9a-f]+)['\"]? *\n", re.MULTILINE)


def front_matter(record: SourceRecord, ident: str, slug: str, source_hash: str) -> dict[str, Any]:
    """Keys in a fixed order; empty ones left out; dates quoted ISO 8601 with offset, or
    just the day ('2021-08-11') when the source named no time: a calendar day, not a
    midnight that another zone would move to the day before."""
    meta = {
        "title": record.title,
        "date": record.date.date().isoformat() if record.day_only else iso(record.date),
        "updated": iso(record.updated) if record.updated else None,
        "topic": record.topic,
        "tags": list(record.tags) or None,
        "source": record.source,
        "author": record.author,
        "dateline": record.dateline,
        "url": record.url,
        "also_at": list(record.also_at) or None,
        "image": record.image,
        "image_caption": record.image_caption,
        "print_edition": record.print_edition,
        "id": ident,
        "slug": slug,
        "source_hash": source_hash,
    }
    return {k: v for k, v in meta.items() if v not in (None, "", [])}


def file_text(meta: dict[str, Any], markdown: str) -> str:
    """The whole file, stamped with its `digest_hash`."""
    head = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)
    return stamp(f"---\n{head}---\n\n{markdown}")


def stamp(text: str) -> str:
    """Add `digest_hash`, the hash of the file without that line, as the last front-matter key."""
    head, sep, rest = text.partition("\n---\n")
    return f"{head}\ndigest_hash: {_hash(text)}{sep}{rest}"


def untouched(text: str) -> bool:
    """True when a file is exactly as the importer wrote it (line ends aside: a checkout
    with git's autocrlf is no edit)."""
    text = text.replace("\r\n", "\n")
    match = _HASH_LINE.search(text)
    if not match:
        return False
    return _hash(text[: match.start()] + text[match.end() :]) == match.group(1)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
