"""`SourceRecord`: one story as a reader found it, before it becomes Markdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One story as a reader found it in a source file, cleaned but not yet Markdown.

    `body` is plain text: paragraphs separated by blank lines, bullet lines kept as
    lines starting with '• '. `markdown`, when set, is the body as Markdown (from HTML,
    with its links and emphasis); else the body's text is escaped into Markdown. `origin` says where it came from ('file.jsonl:12').
    `raw` hashes what the source said, so a new clean-up rule in digest is no new version.
    """

    title: str
    body: str
    date: dt.datetime
    origin: str
    updated: dt.datetime | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    author: str | None = None
    dateline: str | None = None
    url: str | None = None
    image: str | None = None
    image_caption: str | None = None
    print_edition: str | None = None
    markdown: str | None = None
    day_only: bool = False  # the source named a calendar day, no time: written 'YYYY-MM-DD'
    retrieved: dt.datetime | None = None  # when the scraper fetched it, if it says
    raw: str = ""  # hash of the source's own title and text, before any clean-up rule
    also_at: tuple[str, ...] = ()  # other URLs that carried the same story
