"""The template filters that remember their results must not mix up equal-looking values."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generator.build.render import datefmt


def test_one_instant_in_two_zones_prints_each_zones_time():
    # Equal datetimes (one instant) hash alike: the memo must still tell the zones apart.
    utc = dt.datetime(2021, 8, 10, 19, 0, tzinfo=dt.UTC)
    karachi = utc.astimezone(ZoneInfo("Asia/Karachi"))
    offset = utc.astimezone(dt.timezone(dt.timedelta(hours=5), "PKT"))
    assert utc == karachi == offset
    assert datefmt(utc, "datetime") == "10 August 2021, 19:00 UTC"
    assert datefmt(karachi, "datetime") == "11 August 2021, 00:00 PKT"
    assert datefmt(offset, "time") == "00:00"
    assert datefmt(utc, "time") == "19:00"
    assert datefmt(karachi.date(), "day") == "11 August 2021"
    assert datefmt(utc.date(), "day") == "10 August 2021"
