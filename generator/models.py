"""The plain data that flows through the pipeline: Article → Catalog → Page → OutputFile."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str, int, int], None]  # (stage, done, total): a progress bar's update


class LazyText:
    """Text read on first use: article bodies stay in the build cache until a page shows them."""

    __slots__ = ("_key", "_load")

    def __init__(self, load: Callable[[str], str], key: str):
        self._load = load
        self._key = key

    def __str__(self) -> str:
        return self._load(self._key)

    __html__ = __str__  # Jinja/markupsafe treat it as already-safe HTML, like the str it replaces

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Article:
    """One article: typed front matter plus its rendered, sanitised body."""

    title: str
    date: dt.datetime
    id: str
    slug: str
    topic: str
    topic_slug: str
    body_html: str | LazyText  # sanitised HTML; use str(article.body_html)
    summary: str
    source_path: str  # as shown in messages: relative to the site root when inside it
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    source_slug: str | None = None
    author: str | None = None
    dateline: str | None = None
    url: str | None = None
    image: str | None = None
    image_caption: str | None = None
    draft: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def modified(self) -> dt.datetime:
        return self.updated or self.date


@dataclass(frozen=True, slots=True)
class Page:
    """A page to render: its kind, where it lives, which template, and what that template sees."""

    kind: str
    url: str  # site-relative, starts with base_path
    output: str  # path relative to the output folder, '/'-separated
    template: str
    context: dict[str, Any]


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # relative to the output folder, '/'-separated
    data: bytes


@dataclass
class BuildReport:
    """What a build did; printed by the CLI and asserted by tests."""

    articles: int = 0
    pages: int = 0
    feeds: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2) + "\n"

    def summary(self) -> str:
        line = (
            f"Built {self.articles} articles into {self.pages} pages and {self.feeds} feeds "
            f"in {self.seconds:.2f} s ({self.written} written, {self.unchanged} unchanged, "
            f"{self.removed} removed)"
        )
        if self.skipped:
            line += f"; skipped {len(self.skipped)} invalid"
        return line


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One story as a reader found it in a source file, cleaned but not yet Markdown.

    `body` is plain text: paragraphs separated by blank lines, bullet lines kept as
    lines starting with '• '. `origin` says where it came from ('file.jsonl:12').
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
