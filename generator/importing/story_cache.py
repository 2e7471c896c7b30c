"""The stories of the source files an import must resolve again on every run although they
did not change: files whose stories meet another record of the batch (one story under two
URLs, two versions, a repeated or junk title) or that content/ does not hold as they were
read (a copy merged into another file, an older version). Parsing them again (JSON, HTML
clean-up, Markdown escaping) was a third of an import that was not replayed: a 20,000-record
archive has about 1,600 such files. They are kept here by the hash the source cache
records for the file (its bytes and reading options), so an unchanged file is not even
opened. Deleting it costs time, never correctness.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.core.atomic import write_json
from generator.core.errors import Problem
from generator.importing.readers import FileRead
from generator.importing.record import SourceRecord
from generator.importing.stories import FileStories, Story

CACHE_NAME = "import-stories.json"
_VERSION = 1
_DATES = ("date", "updated", "retrieved")
_TUPLES = ("tags", "also_at")


class StoryCache:
    """Last run's contested files, by hash; `keep` says which this run's are."""

    def __init__(self, cache: Path):
        self.file = cache / CACHE_NAME
        self._stored: dict[str, Any] = {}
        self._kept: dict[str, Any] | None = None

    def load(self) -> StoryCache:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self
        if isinstance(data, dict) and data.get("version") == _VERSION:
            stored = data.get("files")
            self._stored = stored if isinstance(stored, dict) else {}
        return self

    def get(self, digest: str | None) -> FileStories | None:
        """The stories of the file last read with this hash, if they were kept."""
        found = self._stored.get(digest) if digest else None
        if not isinstance(found, dict):
            return None
        try:
            return _decode(found), [_story(s) for s in found["stories"]], digest
        except (KeyError, TypeError, ValueError):  # not what this code writes: read the file
            return None

    def keep(self, contested: Iterable[FileStories]) -> None:
        """This run's contested files: the next run's cache, the others dropped."""
        self._kept = {
            digest: self._stored.get(digest) or _encode(read, stories)
            for read, stories, digest in contested
            if digest
        }

    def save(self) -> None:
        if self._kept is not None and self._kept != self._stored:
            write_json(self.file, {"version": _VERSION, "files": self._kept})


def _encode(read: FileRead, stories: list[Story]) -> dict[str, Any]:
    return {
        "problems": [[str(p.path), p.message, p.field, p.line] for p in read.problems],
        "warnings": [[str(p.path), p.message, p.field, p.line] for p in read.warnings],
        "stories": [
            [s.id, s.source_hash, s.markdown, s.legacy_hash, _record(s.record)] for s in stories
        ],
    }


def _decode(data: dict[str, Any]) -> FileRead:
    return FileRead(
        problems=[Problem(*p) for p in data["problems"]],
        warnings=[Problem(*p) for p in data["warnings"]],
    )


def _story(data: list[Any]) -> Story:
    ident, source_hash, markdown, legacy_hash, record = data
    values = {}
    for name, value in record.items():
        if name in _DATES and value is not None:
            value = _date(value)
        elif name in _TUPLES:
            value = tuple(value)
        values[name] = value
    return Story(SourceRecord(**values), ident, source_hash, markdown, legacy_hash)


def _record(record: SourceRecord) -> dict[str, Any]:
    values = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if f.name in _DATES and value is not None:
            # A named zone is kept by name: its offsets (and a day's arithmetic) stay its own.
            zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
            value = [value.isoformat(), zone]
        values[f.name] = list(value) if f.name in _TUPLES else value  # as JSON gives it back
    return values


def _date(value: list[Any]) -> dt.datetime:
    text, zone = value
    moment = dt.datetime.fromisoformat(text)
    return moment.astimezone(ZoneInfo(zone)) if zone else moment
