"""A date without a time is a calendar day: filed on that day in any site timezone, shown
without an invented time, and given a stable instant (00:00 in the site's zone) in feeds."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import feedparser
import pytest

from tests.support.sites import Site, run_digest


@pytest.mark.parametrize(
    "zone", ["UTC", "Asia/Karachi", "America/Los_Angeles", "Pacific/Kiritimati"]
)
def test_day_only_dates_stay_on_their_day_and_show_no_time(site: Site, zone: str):
    site.config(f'timezone = "{zone}"\n')
    site.add("quoted", "Quoted day", "2021-08-11", url="https://a.example/1")
    site.write(
        "content/bare.md",
        "---\ntitle: Bare day\ndate: 2021-08-11\nupdated: 2021-08-12\n---\nText.\n",
    )
    site.add("timed", "Timed story", "2021-08-11T07:46:00+00:00")
    site.build()
    checked = run_digest(site.root, "check", "--strict")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    day = site.read("2021/08/11/index.html")
    assert "Quoted day" in day and "Bare day" in day
    page = site.read("2021/08/11/quoted-day/index.html")
    assert '<time datetime="2021-08-11">11 August 2021</time>' in page
    # Metadata wants an instant: 00:00 on that day in the site's zone, as in the feeds.
    midnight = dt.datetime(2021, 8, 11, tzinfo=ZoneInfo(zone)).isoformat()
    assert f'"datePublished": "{midnight}"' in page
    assert f'<meta property="article:published_time" content="{midnight}">' in page
    bare = site.read("2021/08/11/bare-day/index.html")
    assert 'Updated <time datetime="2021-08-12">12 August 2021</time>' in bare
    # In listings a day-only story shows no time; a timed one keeps its time.
    items = re.findall(r'<li class="entry">.*?</li>', day, flags=re.S)
    quoted = next(i for i in items if "Quoted day" in i)
    assert "<time" not in quoted and "00:00" not in quoted
    assert "<time" in next(i for i in items if "Timed story" in i)
    topic = site.read("topics/general/index.html")
    listed = next(i for i in re.findall(r'<li class="entry">.*?</li>', topic, flags=re.S)
                  if "Quoted day" in i)  # fmt: skip
    assert '<time datetime="2021-08-11">11 Aug 2021</time>' in listed


def test_feeds_date_a_day_at_midnight_in_the_site_zone_and_never_move(site: Site):
    site.config('timezone = "Asia/Karachi"\n')
    site.add("quoted", "Quoted day", "2021-08-11", url="https://a.example/1")
    site.build()
    first = {name: site.read(name) for name in ("feed.xml", "atom.xml", "feed.json")}
    rss = feedparser.parse(first["feed.xml"])
    assert rss.entries[0].published == "Wed, 11 Aug 2021 00:00:00 +0500"
    atom = feedparser.parse(first["atom.xml"])
    assert atom.entries[0].published == "2021-08-11T00:00:00+05:00"
    site.add("other", "Another", "2021-08-12T09:00:00+05:00")
    site.build()
    again = feedparser.parse(site.read("feed.xml"))
    same = next(e for e in again.entries if e.title == "Quoted day")
    assert same.published == rss.entries[0].published and same.id == rss.entries[0].id


def test_a_day_only_update_on_the_day_of_a_timed_date_is_not_earlier(site: Site):
    site.add("x", "Same day", "2021-08-11T10:00:00+00:00", updated="2021-08-11")
    assert site.build().articles == 1
