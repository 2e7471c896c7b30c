"""Turn every date the user or a scraper writes into a timezone-aware datetime.

YAML hands us `date`, `datetime` or `str`; a value with no offset is read in the
timezone the caller names (the site's, or a source's), never the machine's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA zone, or ValueError with a hint."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown timezone {name!r}; use an IANA name such as 'UTC' or 'Asia/Karachi'"
        ) from exc


def to_aware(value: object, tz: dt.tzinfo) -> dt.datetime:
    """Normalise a date-like value; raises ValueError naming the bad value."""
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            result = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            reason = "" if "isoformat" in str(exc) else f" ({exc})"  # e.g. day out of range
            raise ValueError(
                f"{value!r} is not an ISO 8601 date{reason}; write it like "
                "'2021-08-11' or '2021-08-11T07:46:00+05:00'"
            ) from None
    else:
        raise ValueError(f"expected an ISO 8601 date, got {type(value).__name__} {value!r}")
    if result.tzinfo is None or result.tzinfo.utcoffset(result) is None:
        result = result.replace(tzinfo=tz)
    # Dates near year 1 or 9999 can leave the calendar once moved to UTC or to `tz`.
    try:
        result.astimezone(dt.UTC)
        result.astimezone(tz)
    except (OverflowError, ValueError):
        raise ValueError(
            f"{str(value)!r} is out of range once moved to UTC or the site's timezone"
        ) from None
    return result


def iso(value: dt.datetime) -> str:
    """ISO 8601 with offset, seconds precision: what we write into front matter."""
    return value.isoformat(timespec="seconds")
