"""`Article`: one content file's typed front matter and rendered body, as every later stage sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.content.language import direction


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
    # `date`/`updated` written as a day without a time ("2021-08-11"): a calendar day, kept at
    # 00:00 in the site's zone (feeds need an instant) and shown without an invented time.
    date_only: bool = False
    updated_date_only: bool = False
    language: str | None = None  # front matter, else detected from the script; None: the site's
    words: int = 0  # words in the body, for the reading time
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direction(self) -> str | None:
        """'rtl' or 'ltr' when the article's language is known, else None (the site's)."""
        return direction(self.language) if self.language else None

    @property
    def modified(self) -> dt.datetime:
        return self.updated or self.date
