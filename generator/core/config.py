"""One validated, frozen Config read from digest.toml.

Unknown keys and wrong types are errors naming the key and the file, because a
misspelt setting that is silently ignored is worse than a failed build.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from generator.core.dates import parse_timezone
from generator.core.errors import ConfigError, Problem

CONFIG_NAME = "digest.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Paths(_Section):
    """Folders, relative to the folder holding digest.toml."""

    content: str = "content"
    output: str = "site"
    templates: str = "templates"
    static: str = "static"
    cache: str = ".digest-cache"


class Pages(_Section):
    topic_page_size: int = Field(20, ge=1, le=1000)
    source_page_size: int = Field(20, ge=1, le=1000)
    home_days: int = Field(14, ge=0, le=365)
    home_hours: int = Field(24, ge=0, le=24 * 365)  # the front page's window before the newest
    home_min_articles: int = Field(30, ge=1, le=1000)  # ...and at least this many stories
    words_per_minute: int = Field(200, ge=50, le=2000)  # for the reading time


class Feeds(_Section):
    limit: int = Field(50, ge=1, le=100_000)
    days: int | None = Field(None, ge=1)
    content: Literal["full", "summary"] = "full"


class Import(_Section):
    paths: tuple[str, ...] = Field((), strict=False)
    timezones: dict[str, str] = Field(default_factory=dict)
    # Publication date missing: take it from other date fields or the file's path (warned).
    date_fallback: bool = True
    # More titles that are page furniture, not headlines ('*' matches any text).
    junk_titles: tuple[str, ...] = Field((), strict=False)

    @field_validator("timezones")
    @classmethod
    def _zones(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value.values():
            parse_timezone(name)
        return value


class Topics(_Section):
    # Topic as written in content/ → the topic it is shown under, e.g. "Sports" = "Sport".
    aliases: dict[str, str] = Field(default_factory=dict)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: dict[str, str]) -> dict[str, str]:
        for name, target in value.items():
            if not name.strip() or not target.strip():
                raise ValueError(f"{name!r} = {target!r}: both names must be non-empty")
            if name == target:
                raise ValueError(f"{name!r} = {target!r} renames a topic to itself; remove it")
            if target in value:
                raise ValueError(
                    f"{name!r} = {target!r}, but {target!r} is itself renamed to "
                    f"{value[target]!r}; write {name!r} = {value[target]!r}"
                )
        return value


class Search(_Section):
    # The Pagefind indexes (one per month), the search page and the header's search box. An
    # edit re-indexes its article's month: a big archive built very often may turn it off.
    enabled: bool = True


class Build(_Section):
    max_article_bytes: int = Field(5_000_000, ge=1)
    drafts: bool = False
    future: bool = False


class Fetch(_Section):
    """`digest fetch`: the subscriptions and how politely they are fetched."""

    feeds: tuple[str, ...] = Field((), strict=False)
    opml: str | None = None  # an OPML file, relative to digest.toml
    connections_per_host: int = Field(2, ge=1, le=16)
    delay: float = Field(1.0, ge=0, le=600, strict=False)  # seconds between requests to a host
    timeout: float = Field(30.0, gt=0, le=600, strict=False)
    retries: int = Field(2, ge=0, le=10)
    max_bytes: int = Field(10_000_000, ge=1000)
    full_text: bool = True  # download the article page when an item has only a summary

    @field_validator("feeds")
    @classmethod
    def _feeds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise ValueError(
                    f"{url!r} is not an http(s) URL; write it like https://site/rss.xml"
                )
        return value


class Config(_Section):
    title: str = "News digest"
    description: str = "A daily digest of the news."
    language: str = "en"
    base_url: str = "http://127.0.0.1:8000/"
    timezone: str = "UTC"
    author: str = ""
    paths: Paths = Paths()
    pages: Pages = Pages()
    feeds: Feeds = Feeds()
    import_: Import = Field(Import(), alias="import")
    topics: Topics = Topics()
    search: Search = Search()
    build: Build = Build()
    fetch: Fetch = Fetch()
    # Not from the file: where digest.toml lives (or the working folder without one).
    root: Path = Field(Path("."), exclude=True)

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        populate_by_name=True,
        arbitrary_types_allowed=True,
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "must be an absolute http(s) URL such as 'https://user.github.io/news/'"
            )
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query or fragment")
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return f"{parts.scheme}://{parts.netloc}{path}"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        parse_timezone(value)
        return value

    @property
    def tz(self) -> dt.tzinfo:
        return parse_timezone(self.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: '/' or '/news/'."""
        return urlsplit(self.base_url).path

    def path(self, name: str) -> Path:
        """A configured folder, resolved against the site root."""
        return (self.root / getattr(self.paths, name)).resolve()


def _problems(exc: ValidationError, source: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown setting; check its spelling against the README's config reference"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        problems.append(Problem(source, msg, field=key))
    return problems


def load_config(path: Path | None = None, overrides: dict | None = None) -> Config:
    """Read digest.toml (or use defaults when there is none) and apply CLI overrides.

    `path` names the file explicitly; otherwise ./digest.toml is used if present.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    data: dict = {}
    source = "command line"
    if path is None and Path(CONFIG_NAME).is_file():
        path = Path(CONFIG_NAME)
    if path is not None:
        path = Path(path)
        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                Problem(path, "no such config file; pass -c with an existing digest.toml")
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(Problem(path, "is not UTF-8 text; save it as UTF-8")) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(Problem(path, f"is not valid TOML: {exc}")) from None
        root = path.resolve().parent
    else:
        root = Path.cwd()
    for dotted, value in overrides.items():
        node = data
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    try:
        return Config.model_validate({**data, "root": root})
    except ValidationError as exc:
        raise ConfigError(_problems(exc, source)) from None
