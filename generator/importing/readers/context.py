"""What a reader needs to know besides the file: zones, and the user's defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.core.dates import parse_timezone


@dataclass(frozen=True)
class ReadContext:
    """Picklable, so worker processes can read files in parallel."""

    timezone: str = "UTC"  # the site's, for sources with no zone of their own
    zones: Mapping[str, str] = field(default_factory=dict)  # source name → IANA zone
    source: str | None = None  # --source
    topic: str | None = None  # --topic
    date: dt.date | None = None  # --date
    date_fallback: bool = True  # [import] date_fallback

    def tz_for(self, source: str | None) -> dt.tzinfo:
        """A source's timezone (names match case-insensitively), else the site's."""
        if source:
            wanted = source.strip().casefold()
            for name, zone in self.zones.items():
                if name.strip().casefold() == wanted:
                    return parse_timezone(zone)
        return parse_timezone(self.timezone)

    def fallback_date(self, source: str | None) -> dt.datetime | None:
        """--date as midnight in the source's zone."""
        if self.date is None:
            return None
        day = self.date
        return dt.datetime(day.year, day.month, day.day, tzinfo=self.tz_for(source))
