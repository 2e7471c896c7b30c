"""Turn every date the user or a scraper writes into a timezone-aware datetime.

YAML hands us `date`, `datetime` or `str`; a value with no offset is read in the
timezone the caller names (the site's, or a source's), never the machine's.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
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


_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_TIME = (
    r"(?:,?\s*(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?)?"
)
_ZONE = r"(?:\s*(?P<z>UTC|GMT|Z|[+-]\d{2}:?\d{2}))?"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_WRITTEN_DATES = [
    re.compile(rf"^(?:\w+day,?\s+)?(?P<mo>[a-z]+)\.?\s+{_DAY},?\s+(?P<y>\d{{4}}){_TIME}{_ZONE}$", re.I),
    re.compile(rf"^(?:\w+day,?\s+)?{_DAY}\s+(?P<mo>[a-z]+)\.?,?\s+(?P<y>\d{{4}}){_TIME}{_ZONE}$", re.I),
]  # fmt: skip


def parse_date_text(value: object, tz: dt.tzinfo) -> dt.datetime:
    """Read a date as scrapers and sites write it; ValueError when it is not one.

    Accepts ISO 8601, RFC 2822 ('Tue, 10 Jun 2025 13:37:00 +0000'), written dates
    ('August 11, 2021 07:46am', '11th Aug 2021') and Unix timestamps. Nothing is guessed:
    text that is not wholly a date is rejected rather than half-read.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a date, got {value!r}")
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        if not 0 < seconds < 4_102_444_800:  # before 2100
            raise ValueError(f"{value!r} is not a plausible Unix timestamp")
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    if not isinstance(value, str):
        return to_aware(value, tz)
    text = " ".join(value.split())
    try:
        return to_aware(text.replace(" ", "T", 1) if _ISO_SPACE.match(text) else text, tz)
    except ValueError:
        pass
    for pattern in _WRITTEN_DATES:
        match = pattern.match(text)
        if match and match["mo"].lower() in _MONTHS:
            return _written(match, tz, value)
    if _RFC_2822.match(text):  # email's parser reads 'Aug 11, 2021 7:46 PM' as 7:46 am
        try:
            return to_aware(email.utils.parsedate_to_datetime(text), tz)
        except (TypeError, ValueError, IndexError):
            pass
    raise ValueError(
        f"{value!r} is not a date digest can read; write it like '2021-08-11', "
        "'2021-08-11T07:46:00+05:00' or 'August 11, 2021 07:46am'"
    )


_RFC_2822 = re.compile(r"^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}")
_ISO_SPACE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _written(match: re.Match, tz: dt.tzinfo, value: str) -> dt.datetime:
    hour = int(match["h"] or 0)
    if match["ap"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"{value!r} has an hour that does not fit am/pm")
        hour = hour % 12 + (12 if match["ap"].lower().startswith("p") else 0)
    zone = match["z"]
    if zone is None:
        tzinfo = tz
    elif zone.upper() in ("UTC", "GMT", "Z"):
        tzinfo = dt.UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tzinfo = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        naive = dt.datetime(
            int(match["y"]), _MONTHS[match["mo"].lower()], int(match["d"]),
            hour, int(match["mi"] or 0), int(match["s"] or 0),
        )  # fmt: skip
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc}") from None
    return to_aware(naive, tzinfo)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_day_only(value: object) -> bool:
    """A date that names a calendar day but no time ('2021-08-11', 'August 11, 2021'): it must
    stay on that day whatever the site's zone, and be shown without an invented time."""
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):
        return True
    if not isinstance(value, str):
        return False
    text = " ".join(value.split())
    if _ISO_DAY.match(text):
        return True
    return any(
        (m := p.match(text)) is not None and m["h"] is None and m["z"] is None
        for p in _WRITTEN_DATES
    )
