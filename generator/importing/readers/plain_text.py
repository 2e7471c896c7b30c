"""Plain text, headline on the first line, paragraphs after → SourceRecord.

Nothing in such a file says its topic or date for sure: the topic comes from --topic
or the folder the file sits in; the date from a date line near the top, else --date,
else the file is refused (an invented date would put the story on the wrong day).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.core.dates import is_day_only, parse_date_text
from generator.core.errors import DigestError, Problem
from generator.core.sanitise import one_line, visible
from generator.importing.readers.body import clean_body
from generator.importing.readers.context import ReadContext
from generator.importing.readers.fallback import fallback_note, missing, path_day, raw_hash
from generator.importing.record import SourceRecord

_DATE_LINE = re.compile(
    r"^(?:(?:date|dated|published|posted|updated)(?: on)?\s*:?\s*)?(?P<date>.{6,60}?)\.?$", re.I
)
_BYLINE = re.compile(r"^By\s+(?P<author>[^\W\d][\w.'’ -]{1,80})$")


def read_plain(
    text: str, path: Path, shown: str, ctx: ReadContext, notes: list[str] | None = None
) -> SourceRecord:
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    title = one_line(lines.pop(0).lstrip("#")) if lines else ""
    if not visible(title):
        raise DigestError(Problem(shown, "is empty; it needs a headline on its first line"))
    source = ctx.source
    tz = ctx.tz_for(source)
    date = author = None
    day_only = True
    # A byline and a date line may sit between the headline and the body, in either order.
    for _ in range(2):
        while lines and not lines[0]:
            lines.pop(0)
        if not lines:
            break
        byline = _BYLINE.match(lines[0])
        if byline and author is None:
            author = None if missing(byline["author"]) else byline["author"].strip()
            lines.pop(0)
            continue
        match = _DATE_LINE.match(lines[0])
        if match and date is None:
            try:
                date = parse_date_text(match["date"], tz)
                day_only = is_day_only(match["date"])
                lines.pop(0)
                continue
            except ValueError:
                pass
        break
    date = date or ctx.fallback_date(source)
    if date is None and ctx.date_fallback:
        date = path_day(path, tz)
        if date is not None and notes is not None:
            notes.append(fallback_note(date, True, "the file's path"))
    if date is None:
        raise DigestError(
            Problem(
                shown,
                "states no date (no date line under the headline); pass --date YYYY-MM-DD "
                "for the day it was published",
            )
        )
    body = clean_body("\n".join(lines))
    if not body.text:
        raise DigestError(Problem(shown, "has a headline but no body text after it"))
    return SourceRecord(
        title=title,
        body=body.text,
        date=date,
        origin=shown,
        topic=ctx.topic or _folder_topic(path),
        source=source,
        author=author,
        dateline=body.dateline,
        print_edition=body.print_edition,
        day_only=day_only,
        raw=raw_hash(text),
    )


def _folder_topic(path: Path) -> str | None:
    name = path.parent.name
    if not name or name in (".", ".."):
        return None
    words = " ".join(re.split(r"[-_\s]+", name)).strip()
    return words.title() if words.islower() else words or None
