"""A scraper's text dump of one news page → SourceRecord.

The shape: a header line ('date 2021-08-11 Dawn Logo': the date, then the logo's alt
text, which names the site); the headline; the byline glued to the publication stamp
('Anwar IqbalPublished August 11, 2021 - Updated August 11, 2021 07:46am'); maybe a
photo caption; the body; the print-edition line; and last the site's tag line (topic).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.core.dates import is_day_only, parse_date_text
from generator.core.errors import DigestError, Problem
from generator.core.sanitise import one_line, visible
from generator.importing.readers.body import clean_body
from generator.importing.readers.context import ReadContext
from generator.importing.readers.fallback import missing, raw_hash
from generator.importing.record import SourceRecord

HEADER = re.compile(r"^date\s+(?P<date>\d{4}-\d{2}-\d{2})\b\s*(?P<site>.*?)\s*(?:logo)?$", re.I)
_STAMP = re.compile(
    r"^(?P<byline>.*?)\s*(?:Published|Posted)(?: on)?:?\s+(?P<published>.+?)"
    r"(?:\s*[-–—|]\s*(?:Updated|Last updated)(?: on)?:?\s+(?P<updated>.+))?$",
    re.IGNORECASE,
)
# A caption ends with its credit: '... — Photo courtesy: PBS/AFP', '... — Reuters/File'.
_CAPTION = re.compile(
    r"[—–-]\s*(?:[\w .'/&-]{0,30}\b)?(?:photo|file|courtesy|reuters|afp|ap|app|ppi|inp|"
    r"getty|epa|xinhua|anadolu|screengrab|screenshot|image|picture|video|twitter|x|via)\b"
    r"[^—–]{0,80}$",
    re.IGNORECASE,
)
_TAG_LINE = re.compile(r"^[^\W\d][\w&'’ ,/-]{0,58}$")


def is_dump(lines: list[str]) -> bool:
    return bool(lines) and HEADER.match(lines[0]) is not None


def read_dump(text: str, path: Path, shown: str, ctx: ReadContext) -> SourceRecord:
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    header = HEADER.match(lines[0])
    assert header is not None
    source = header["site"].strip() or ctx.source
    tz = ctx.tz_for(source)
    rest = lines[1:]
    while rest and not rest[0]:
        rest.pop(0)
    if not rest:
        raise DigestError(Problem(shown, "has a header line but no headline after it", line=1))
    title = one_line(rest.pop(0))
    if not visible(title):
        raise DigestError(Problem(shown, "has no visible headline after its header line", line=1))
    date = updated = author = caption = None
    day_only = True
    while rest and not rest[0]:
        rest.pop(0)
    stamp = _STAMP.match(rest[0]) if rest else None
    if stamp:
        rest.pop(0)
        author = re.sub(r"^By\s+", "", stamp["byline"].strip(" |-–—,"), flags=re.I) or None
        author = None if missing(author) else author
        date = _date_or_none(stamp["published"], tz)
        day_only = is_day_only(stamp["published"].strip())
        updated = _date_or_none(stamp["updated"], tz) if stamp["updated"] else None
    if rest and rest[0] and _CAPTION.search(rest[0]) and len(rest[0]) < 400:
        caption = rest.pop(0)
    if date is None:
        try:
            date, day_only = parse_date_text(header["date"], tz), True
        except ValueError as exc:
            raise DigestError(Problem(shown, f"header date: {exc}", line=1)) from None
    # The tag line: last, short, no sentence punctuation, set apart by a blank line.
    while rest and not rest[-1]:
        rest.pop()
    topic = None
    if len(rest) >= 3 and not rest[-2] and _TAG_LINE.match(rest[-1]):
        topic = rest.pop()
    body = clean_body("\n".join(rest))
    if not body.text:
        raise DigestError(Problem(shown, "has a headline but no body text"))
    if updated is not None and updated <= date:
        updated = None
    return SourceRecord(
        title=title,
        body=body.text,
        date=date,
        updated=updated,
        origin=shown,
        topic=topic or ctx.topic,
        source=source,
        author=author,
        dateline=body.dateline,
        image_caption=caption,
        print_edition=body.print_edition,
        day_only=day_only,
        raw=raw_hash("\n".join(lines[1:])),
    )


def _date_or_none(text: str, tz: dt.tzinfo) -> dt.datetime | None:
    try:
        return parse_date_text(text.strip(), tz)
    except ValueError:
        return None
