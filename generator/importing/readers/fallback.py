"""Values scrapers write for "nothing", a story's date when the publication date is
missing, and the hash of what a source said before any of digest's clean-up rules.

Real scrapes write "None", "null" or "N/A" for a missing field and often leave the
publication date out while the day is in another field or in the file's path; a story
dated from those is better than a story refused, as long as the user is told.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.core.dates import is_day_only, parse_date_text

PLACEHOLDERS = frozenset({"none", "null", "nil", "n/a", "na", "undefined", "nan"})
# Where a record may carry its day when the publication date is missing, in order of trust.
FALLBACK_FIELDS: tuple[tuple[str, ...], ...] = (
    ("datemodified", "updated", "updatedat", "modified", "modifiedat", "lastmodified",
     "dateupdated"),
    ("datelist", "dates"),
    ("created", "createdat", "datecreated"),
    ("retrievedat", "retrieved", "scrapedat", "crawledat", "fetchedat", "downloadedat"),
)  # fmt: skip
RETRIEVED = FALLBACK_FIELDS[-1]
_PATH_DAY = re.compile(r"(?<!\d)(\d{4})[/_-](\d{2})[/_-](\d{2})(?!\d)")


def missing(value: Any) -> bool:
    """Empty, or a scraper's word for nothing ('None', 'null', 'N/A', 'undefined')."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    return isinstance(value, str) and value.strip().casefold() in PLACEHOLDERS | {""}


def parse_day_or_time(value: Any, tz: dt.tzinfo) -> tuple[dt.datetime, bool]:
    """A date and whether it named only a day; ValueError when it is no date."""
    if isinstance(value, list):
        value = next((v for v in value if not missing(v)), None)
        if value is None:
            raise ValueError("is an empty list")
    if isinstance(value, dict) and len(value) == 1:  # {"$date": ...} from database exports
        value = next(iter(value.values()))
    return parse_date_text(value, tz), is_day_only(value)


def path_day(path: Path | str, tz: dt.tzinfo) -> dt.datetime | None:
    """The last YYYY/MM/DD or YYYY-MM-DD in a file's path, as that day's midnight."""
    for match in reversed(list(_PATH_DAY.finditer(Path(path).as_posix()))):
        try:
            year, month, day = map(int, match.groups())
            return dt.datetime(year, month, day, tzinfo=tz)
        except ValueError:
            continue
    return None


def fallback_date(
    get: Callable[[tuple[str, ...]], tuple[str, Any] | None], path: Path, tz: dt.tzinfo
) -> tuple[dt.datetime, bool, str] | None:
    """(date, day only, where it came from) from the other date fields, else the path.

    A retrieval time says when the scraper saw the story, not when it was published: only
    its day is kept. Unreadable values in these fields are passed over, not fatal."""
    for keys in FALLBACK_FIELDS:
        found = get(keys)
        if found is None:
            continue
        name, value = found
        try:
            date, day_only = parse_day_or_time(value, tz)
        except ValueError:
            continue
        if keys is RETRIEVED and not day_only:
            local = date.astimezone(tz)
            date, day_only = dt.datetime(local.year, local.month, local.day, tzinfo=tz), True
        return date, day_only, f"field '{name}'"
    day = path_day(path, tz)
    return (day, True, "the file's path") if day else None


def fallback_note(date: dt.datetime, day_only: bool, came_from: str) -> str:
    shown = date.date().isoformat() if day_only else date.isoformat(timespec="minutes")
    return f"no publication date; dated {shown} from {came_from}"


def raw_hash(*parts: str) -> str:
    """What the source said, one newline style: the same words read by a newer digest (or
    checked out with CRLF line ends) hash the same."""
    text = "\x00".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
