"""Source files → SourceRecords: decode the bytes, pick the reader for the file's shape.

One module per shape: text_dump (a scraper's dump of a news page), plain_text
(headline then paragraphs), records (JSON and JSON Lines). A file never raises:
every failure comes back as a Problem naming the file (and line) and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import DigestError, Problem
from generator.importing.readers.context import ReadContext
from generator.importing.readers.plain_text import read_plain
from generator.importing.readers.records import read_records
from generator.importing.readers.text_dump import is_dump, read_dump
from generator.importing.record import SourceRecord

JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".jsonlines"})

__all__ = ["FileRead", "ReadContext", "decode", "read_data"]


@dataclass
class FileRead:
    """What one source file gave: its records, what failed, and what was odd but read."""

    records: list[SourceRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """Text of a file, and a warning when it was not UTF-8; DigestError for binary files."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise DigestError(Problem(shown, "is a binary file, not text; leave it out of the import"))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        controls = sum(ch < " " and ch not in "\t\n\r\f" for ch in text[:8192])
        if controls > len(text[:8192]) // 20:
            raise DigestError(
                Problem(shown, "is a binary file, not text; leave it out of the import")
            ) from None
        return text, Problem(
            shown,
            f"is not UTF-8 (bad byte at offset {exc.start}); read it as Windows-1252 — "
            "check its accents and quotes, and re-save it as UTF-8",
        )


def read_data(data: bytes, path: Path, shown: str, ctx: ReadContext) -> FileRead:
    """The records in one file's bytes; `path` is where it lives (its folder may name a topic)."""
    result = FileRead()
    try:
        text, warning = decode(data, shown)
    except DigestError as exc:
        result.problems.extend(exc.problems)
        return result
    if warning:
        result.warnings.append(warning)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        result.problems.append(Problem(shown, "is empty; there is nothing to import"))
        return result
    suffix = path.suffix.lower()
    as_json = suffix in JSON_SUFFIXES | JSONL_SUFFIXES or (
        text.lstrip()[:1] in ("{", "[") and _parses(text)
    )
    try:
        if as_json:
            for item in read_records(text, path, shown, ctx, suffix in JSONL_SUFFIXES):
                if isinstance(item, DigestError):
                    result.problems.extend(item.problems)
                elif isinstance(item, Problem):
                    result.warnings.append(item)
                else:
                    result.records.append(item)
            if not result.records and not result.problems:
                result.problems.append(Problem(shown, "holds no records (an empty list)"))
        else:
            lines = text.lstrip("\n").split("\n", 1)[:1]
            reader = read_dump if is_dump([lines[0].strip()]) else read_plain
            notes: list[str] = []
            if reader is read_plain:
                result.records.append(read_plain(text, path, shown, ctx, notes))
            else:
                result.records.append(read_dump(text, path, shown, ctx))
            result.warnings.extend(Problem(shown, note) for note in notes)
    except DigestError as exc:
        result.problems.extend(exc.problems)
    return result


def _parses(text: str) -> bool:
    """Text that starts like JSON but is prose ('[Update] Headline') is read as text."""
    import json

    first = text.strip().split("\n", 1)[0]
    for candidate in (text, first):
        try:
            json.loads(candidate)
            return True
        except (ValueError, RecursionError):
            continue
    return False
