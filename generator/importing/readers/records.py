"""JSON and JSON Lines records, as scrapers and news APIs write them → SourceRecords.

Field names differ between tools (title or headline, content or body, pubDate or
date_published...), values may be null, lists or nested objects, and titles often keep
the page's '<title>' suffixes ('Headline - Business - DAWN.COM'). Each record stands
alone: one bad record is reported and the others are read.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.core.errors import DigestError, Problem
from generator.core.sanitise import one_line, visible
from generator.importing.readers.body import clean_body, looks_like_html
from generator.importing.readers.context import ReadContext
from generator.importing.readers.fallback import (
    RETRIEVED,
    fallback_date,
    fallback_note,
    missing,
    parse_day_or_time,
    raw_hash,
)
from generator.importing.readers.html_markdown import html_body
from generator.importing.record import SourceRecord

# Keys are matched lower-cased with '_' and '-' dropped: date_published == datePublished.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading"),
    "body": ("content", "body", "text", "articlebody", "fulltext", "contenthtml", "bodyhtml"),
    "date": ("datepublished", "published", "publishedat", "pubdate", "date", "publishdate",
             "publicationdate", "publishedon"),
    "updated": ("datemodified", "updated", "updatedat", "modified", "modifiedat",
                "lastmodified", "dateupdated"),
    "author": ("author", "byline", "authors", "creator", "writer"),
    "url": ("link", "url", "canonicalurl", "canonical", "permalink", "href"),
    "source": ("source", "site", "publisher", "sitename", "sourcename", "outlet"),
    "tags": ("tags", "keywords"),
    "topic": ("categories", "section", "category", "topic", "sectionname"),
    "image": ("image", "imageurl", "topimage", "leadimage", "thumbnail", "thumbnailurl"),
    "caption": ("imagecaption", "caption"),
}  # fmt: skip
_WRAPPERS = ("articles", "items", "data", "results", "entries", "posts", "records", "stories")
_SEPARATOR = re.compile(r"\s+(\||-|–|—|·|»|::)\s+")
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")
_URL_SECTION = re.compile(r"^[a-z]{3,}(?:-[a-z]+){0,2}$")
_GENERIC_SEGMENTS = frozenset(
    {"news", "article", "articles", "story", "stories", "post", "posts", "amp", "www", "index",
     "content", "item", "items", "en", "ur", "latest", "detail", "details", "print", "blog"}
)  # fmt: skip


def _loads(text: str) -> Any:
    """json.loads; JSON that Python cannot hold (nested too deeply, a 5000-digit number) is
    reported like any other bad JSON instead of escaping as a traceback."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except ValueError:
        raise json.JSONDecodeError("holds a number too long to read", text, 0) from None


def iter_json(text: str, jsonl: bool, shown: str) -> Iterator[tuple[int | None, Any]]:
    """(line, record) pairs; invalid JSON raises DigestError naming line and column."""
    if not jsonl:
        try:
            data = _loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise _bad_json(shown, exc) from None
            jsonl = True  # one object a line, saved as .json
        else:
            yield from ((None, item) for item in _unwrap(data))
            return
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                item = _loads(line)
            except json.JSONDecodeError as exc:
                yield number, _bad_json(shown, exc, number)
                continue
            yield from ((number, one) for one in _unwrap(item))


def _bad_json(shown: str, exc: json.JSONDecodeError, line: int | None = None) -> DigestError:
    where = f"line {line or exc.lineno}, column {exc.colno}"
    return DigestError(
        Problem(shown, f"is not valid JSON at {where}: {exc.msg}", line=line or exc.lineno)
    )


def _unwrap(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and not _has_fields(data):
        for key in _WRAPPERS:
            if isinstance(data.get(key), list):
                return data[key]
    return [data]


def _has_fields(data: dict) -> bool:
    keys = {_key(k) for k in data}
    return any(keys.intersection(FIELDS[f]) for f in ("title", "body"))


def _key(name: object) -> str:
    return re.sub(r"[_\-\s]", "", str(name)).lower()


def read_records(
    text: str, path: Path, shown: str, ctx: ReadContext, jsonl: bool
) -> Iterator[SourceRecord | DigestError | Problem]:
    """Every record of a file, or the error that stopped each one (a Problem: a warning)."""
    for index, (line, item) in enumerate(iter_json(text, jsonl, shown), start=1):
        if isinstance(item, DigestError):
            yield item
            continue
        where = f"{shown}:{line}" if line else f"{shown} (record {index})"
        notes: list[str] = []
        try:
            yield read_record(item, where, shown, line, ctx, path, notes)
        except DigestError as exc:
            yield exc
        yield from (Problem(where, note) for note in notes)


def read_record(
    item: Any,
    origin: str,
    shown: str,
    line: int | None,
    ctx: ReadContext,
    path: Path | None = None,
    notes: list[str] | None = None,
) -> SourceRecord:
    def fail(message: str) -> DigestError:
        label = "" if line else origin.removeprefix(shown).strip() + ": "
        return DigestError(Problem(shown, label + message, line=line))

    if not isinstance(item, dict):
        raise fail(f"holds {type(item).__name__} {str(item)[:40]!r}, not a record (an object)")
    fields = {_key(k): (str(k), v) for k, v in item.items()}

    def find(keys: tuple[str, ...]) -> tuple[str, Any] | None:
        for key in keys:
            if key in fields and not missing(fields[key][1]):
                return fields[key]
        return None

    def get(name: str) -> Any:
        found = find(FIELDS[name])
        return found[1] if found else None

    url = _link(get("url"))
    source = _text(get("source")) or ctx.source
    raw_title = _text(get("title"))
    if not raw_title:
        raise fail("has no title (looked for title, headline); the record is skipped")
    title, section = clean_title(raw_title, source, url)
    raw_body = get("body")
    if isinstance(raw_body, list):
        raw_body = "\n\n".join(t for t in map(_text, raw_body) if t)
    body = None
    if isinstance(raw_body, str):
        body = html_body(raw_body, url) if looks_like_html(raw_body) else clean_body(raw_body)
    if body is None or not body.text:
        raise fail("has no body text (looked for content, body, text); the record is skipped")
    assert isinstance(raw_body, str)
    tz = ctx.tz_for(source)
    date, day_only = _date(find(FIELDS["date"]), tz, fail)
    if date is None and ctx.date is not None:
        date, day_only = ctx.fallback_date(source), True
    if date is None and ctx.date_fallback:
        found = fallback_date(find, path or Path(shown), tz)
        if found:
            date, day_only, came_from = found
            if notes is not None:
                notes.append(fallback_note(date, day_only, came_from))
    if date is None:
        raise fail(
            "has no date (looked for date_published, published, published_at, pubDate, date); "
            "pass --date YYYY-MM-DD to give one"
        )
    updated, _ = _date(find(FIELDS["updated"]), tz, fail)
    try:
        retrieved = _date(find(RETRIEVED), tz, fail)[0]
    except DigestError:
        retrieved = None  # when it was fetched only breaks ties; a bad value is no reason to refuse
    topic = _first(get("topic")) or section or ctx.topic or _url_section(url)
    return SourceRecord(
        title=title,
        body=body.text,
        date=date,
        updated=updated if updated and updated > date else None,
        origin=origin,
        topic=topic,
        tags=tuple(_texts(get("tags"))),
        source=source,
        author=_names(get("author")),
        dateline=body.dateline,
        url=url,
        image=_link(get("image")),
        image_caption=_text(get("caption")),
        print_edition=body.print_edition,
        markdown=body.markdown,
        day_only=day_only,
        retrieved=retrieved,
        raw=raw_hash(raw_title, raw_body),
    )


def _date(
    found: tuple[str, Any] | None, tz: dt.tzinfo, fail: Any
) -> tuple[dt.datetime | None, bool]:
    if found is None:
        return None, False
    name, value = found
    try:
        return parse_day_or_time(value, tz)
    except ValueError as exc:
        raise fail(f"field '{name}': {exc}") from None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = next(
            (value[k] for k in ("name", "title", "text", "value", "url") if k in value), None
        )
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    if isinstance(value, bool) or missing(value):
        return None
    text = one_line(str(value))
    if "&" in text:
        text = one_line(html.unescape(text))
    return text if visible(text) else None


def _texts(value: Any) -> list[str]:
    items = re.split(r"[,;]", value) if isinstance(value, str) else value
    if not isinstance(items, list):
        items = [items]
    return [t for t in map(_text, items) if t]


def _first(value: Any) -> str | None:
    return next(iter(_texts(value)), None)


def _names(value: Any) -> str | None:
    names = [re.sub(r"^By\s+", "", n, flags=re.I) for n in _texts(value) if n]
    return ", ".join(dict.fromkeys(n for n in names if n)) or None


def _link(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def clean_title(title: str, source: str | None, url: str | None) -> tuple[str, str | None]:
    """The headline without the page's '<title>' suffixes, and the section they named."""
    original = title
    cuts = list(_SEPARATOR.finditer(title))
    if not cuts:
        return title, None
    names = _site_names(source, url)
    last = cuts[-1]
    tail = title[last.end() :]
    if _site_like(tail, names) or (last.group(1) == "|" and len(tail.split()) <= 5):
        title = title[: last.start()]
        cuts.pop()
    else:
        return title, None
    section = None
    if cuts:
        tail = title[cuts[-1].end() :]
        if len(tail.split()) <= 3 and not re.search(r"[.!?:;]", tail):
            section = tail.strip()
            title = title[: cuts[-1].start()]
    return (title.strip(), section) if title.strip() else (original, None)


def _site_names(source: str | None, url: str | None) -> set[str]:
    names = set()
    if source:
        names.add(_key(source).replace(".", ""))
    if url:
        labels = urlsplit(url).netloc.lower().removeprefix("www.").split(".")
        names.update({labels[0], "".join(labels)})
    return names


def _site_like(text: str, names: set[str]) -> bool:
    text = text.strip()
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    return bool(key) and (key in names or _DOMAIN.match(text.lower()) is not None)


def _url_section(url: str | None) -> str | None:
    """'https://site/national/some-story/' names the section 'National'."""
    if not url:
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) < 2 or segments[0] in _GENERIC_SEGMENTS:
        return None
    first = segments[0].lower()
    return first.replace("-", " ").title() if _URL_SECTION.match(first) else None
