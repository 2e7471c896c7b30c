"""content/**/*.md → Article: front matter read, every field checked, body rendered.

Every problem names the file and the field, and all of a file's problems are
reported at once so an editor fixes them in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import frontmatter
import yaml

from generator.content.article import Article
from generator.content.language import TAG, detect_language
from generator.content.markup import summary_from_html
from generator.core.dates import to_aware
from generator.core.errors import DigestError, Problem
from generator.core.identity import article_id, slugify
from generator.core.sanitise import clean_text, one_line, plain_text, visible

DEFAULT_TOPIC = "General"
KNOWN_FIELDS = (
    "title", "date", "updated", "topic", "tags", "source", "author", "dateline", "url", "id",
    "slug", "summary", "image", "image_caption", "draft", "language",
)  # fmt: skip
# Front matter may hold at most this many values, counting each alias use as a full copy:
# CSafeLoader shares aliased nodes, but anything that walks them (JSON, the cache, templates)
# would expand a "billion laughs" document into gigabytes.
MAX_VALUES = 10_000


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML, except that a scalar Python cannot build (2021-02-30, a 5000-digit number)
    stays text, so the field check reports it by name instead of the load failing."""


def _or_text(construct: Callable) -> Callable:
    def build(loader: yaml.Loader, node: yaml.ScalarNode) -> object:
        try:
            value = construct(loader, node)
        except (ValueError, AttributeError):  # PyYAML: '!!timestamp x' fails on a None match
            return loader.construct_scalar(node)
        # Python will not print an int past 4300 digits; a hex one that long loads fine.
        too_long = isinstance(value, int) and value.bit_length() > 10_000
        return loader.construct_scalar(node) if too_long else value

    return build


class DuplicateKey(yaml.MarkedYAMLError):
    """One key twice in a mapping: YAML keeps the last silently; an editor would not."""

    def __init__(self, key: object, first: yaml.Mark, again: yaml.Mark):
        super().__init__(problem=f"duplicate key {key!r}", problem_mark=again)
        self.key, self.first = key, first


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[object, yaml.Mark] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # '<<: *defaults' may repeat keys on purpose
        key = loader.construct_object(key_node, deep=deep)
        try:
            if key in seen:
                raise DuplicateKey(key, seen[key], key_node.start_mark)
            seen[key] = key_node.start_mark
        except TypeError:
            continue  # unhashable: the base constructor reports it
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.construct_mapping = _construct_mapping

for _tag, _construct in (
    ("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_timestamp),
    ("tag:yaml.org,2002:int", yaml.SafeLoader.construct_yaml_int),
):
    _Loader.add_constructor(_tag, _or_text(_construct))


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """YAML front matter and body; a YAML error reports its line in the file."""
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        raise DigestError(
            Problem(
                path,
                "has no YAML front matter; start the file with '---', a 'title:' "
                "and a 'date:' line, then '---'",
                line=1,
            )
        )
    try:
        fm, body = handler.split(text)
    except ValueError:
        raise DigestError(
            Problem(path, "front matter is not closed; add a '---' line after it", line=1)
        ) from None
    try:
        meta = yaml.load(fm, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise DigestError(_yaml_problem(exc, text, fm, path)) from None
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        # PyYAML's constructors raise plain Python errors on some input ('!!float x')
        raise DigestError(Problem(path, f"front matter is not valid YAML: {exc}")) from None
    if _too_many_values(meta):
        raise DigestError(
            Problem(path, f"front matter expands to more than {MAX_VALUES:,} values through "
                    "YAML aliases (&name/*name); write the values out instead")
        )  # fmt: skip
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise DigestError(
            Problem(path, "front matter must be a mapping of 'key: value' lines", line=2)
        )
    return meta, body


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, fm: str, path: Path) -> Problem:
    """The YAML error at its line in the file (not in the front matter block)."""
    offset = text[: max(text.find(fm), 0)].count("\n") + 1

    def line(mark: yaml.Mark | None) -> int | None:
        return offset + mark.line if mark is not None else None

    if isinstance(exc, DuplicateKey):
        return Problem(
            path,
            f"the front matter has the key {exc.key!r} twice (first on line "
            f"{line(exc.first)}); keep one of them",
            line=line(exc.problem_mark),
        )
    message = f"front matter is not valid YAML: {exc.problem}"
    mark = exc.problem_mark or exc.context_mark
    opened = str(exc.context).startswith(
        ("while scanning a quoted", "while parsing a flow sequence", "while parsing a flow mapping")
    )
    if exc.context and exc.context_mark is not None and opened:
        # An unclosed quote or bracket: where it opened helps, where the file ended does not.
        message += f" {exc.context} that starts here; close it"
        mark = exc.context_mark
    return Problem(path, message, line=line(mark))


def _too_many_values(value: object) -> bool:
    """True when `value`, with every alias expanded, holds over MAX_VALUES values; stops
    counting there, so a recursive or exponential document costs nothing to reject."""
    budget = MAX_VALUES
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return True
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return False


class _Fields:
    """Reads typed fields from raw front matter, collecting a Problem per bad field."""

    def __init__(self, meta: dict[str, Any], path: Path | str):
        self.meta = meta
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.path, message, field=name))

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.meta.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, "is required; add it to the front matter")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(name, f"must be text, not {_kind(value)}")
            return None
        value = one_line(str(value))
        if not visible(value):
            if required:
                self.fail(name, "must not be blank (it shows no visible character)")
            return None
        return value

    def names(self, name: str) -> str | None:
        """Text, or a list of texts joined with commas (authors)."""
        value = self.meta.get(name)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ", ".join(n for n in map(one_line, value) if visible(n)) or None
        return self.text(name)

    def date(self, name: str, tz: dt.tzinfo, required: bool = False) -> dt.datetime | None:
        value = self.meta.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, "is required; write it like '2021-08-11T07:46:00+05:00'")
            return None
        try:
            return to_aware(value, tz)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None

    def tags(self, name: str) -> tuple[str, ...]:
        value = self.meta.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            self.fail(name, "must be a list of texts, like [Economy, Trade]")
            return ()
        seen: dict[str, str] = {}
        for raw in value:
            tag = one_line(str(raw))
            if tag and slugify(tag, "") and slugify(tag) not in seen:
                seen[slugify(tag)] = tag
        return tuple(seen.values())

    def link(self, name: str, relative_ok: bool = False) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            return value
        if relative_ok and not parts.scheme and not parts.netloc and not value.startswith("//"):
            return value
        allowed = "an http(s) URL" + (" or a site-relative path" if relative_ok else "")
        self.fail(name, f"must be {allowed}, not {value[:60]!r}")
        return None

    def flag(self, name: str) -> bool:
        value = self.meta.get(name, False)
        if not isinstance(value, bool):
            self.fail(name, "must be true or false")
            return False
        return value


_DAY_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def is_day_only(value: object) -> bool:
    """A date with no time of day: YAML's unquoted date, or quoted 'YYYY-MM-DD' text."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True
    return isinstance(value, str) and _DAY_ONLY.fullmatch(value) is not None


def _kind(value: object) -> str:
    return {list: "a list", dict: "a mapping", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def article_identity(meta: dict[str, Any], path: Path | str, tz: dt.tzinfo) -> str | None:
    """The id an article has: its front matter's `id`, else one derived from its URL (else
    source, day and title), each field cleaned exactly as parse_article cleans it. The
    importer and the build both call this, so they can never disagree; None when a field
    it needs is invalid."""
    f = _Fields(meta, path)
    given, url, source = f.text("id"), f.link("url"), f.text("source")
    date, title = f.date("date", tz), f.text("title")
    if f.problems:
        return None
    return given or article_id(url, source, date, title)


def parse_article(
    path: Path,
    data: bytes,
    tz: dt.tzinfo,
    render: Callable[[str], str],
    max_bytes: int,
) -> Article:
    """Build an Article from one file's bytes; raises DigestError listing every problem."""
    if len(data) > max_bytes:
        raise DigestError(
            Problem(
                path,
                f"is over the limit of {max_bytes:,} bytes; shorten or split it, "
                "or raise [build] max_article_bytes in digest.toml",
            )
        )
    if b"\x00" in data:
        raise DigestError(
            Problem(path, "is a binary file, not Markdown text; move it out of content/")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DigestError(
            Problem(path, f"is not UTF-8 (bad byte at offset {exc.start}); re-save it as UTF-8")
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_front_matter(text, path)
    f = _Fields(meta, path)
    title = f.text("title", required=True)
    date = f.date("date", tz, required=True)
    updated = f.date("updated", tz)
    topic = f.text("topic") or DEFAULT_TOPIC
    source = f.text("source")
    url = f.link("url")
    f.text("id")  # checked here so a bad id is reported; article_identity derives the id
    given_slug = f.text("slug")
    summary = f.text("summary")
    day_only_update = is_day_only(meta.get("updated"))
    language = f.text("language")
    if language and not TAG.match(language):
        f.fail("language", "must be a language tag such as en, ur or pt-BR")
    article: dict[str, Any] = dict(
        tags=f.tags("tags"),
        author=f.names("author"),
        dateline=f.text("dateline"),
        image=f.link("image", relative_ok=True),
        image_caption=f.text("image_caption"),
        draft=f.flag("draft"),
        date_only=is_day_only(meta.get("date")),
        updated_date_only=day_only_update,
    )
    if (
        updated
        and date
        and (updated.date() < date.astimezone(tz).date() if day_only_update else updated < date)
    ):
        f.fail("updated", "is earlier than 'date'; an update cannot precede publication")
    if f.problems:
        raise DigestError(f.problems)
    ident = article_identity(meta, path, tz)
    assert title is not None and date is not None and ident is not None
    body_html = render(clean_text(body))
    text = plain_text(body_html)
    return Article(
        title=title,
        date=date,
        updated=updated,
        id=ident,
        slug=slugify(given_slug or title),
        topic=topic,
        topic_slug=slugify(topic, "topic"),
        source=source,
        source_slug=slugify(source, "source") if source else None,
        url=url,
        summary=summary or summary_from_html(body_html),
        body_html=body_html,
        source_path=str(path),
        language=language or detect_language(f"{title} {text}"),
        words=len(text.split()),
        extra={k: v for k, v in meta.items() if k not in KNOWN_FIELDS},
        **article,
    )
