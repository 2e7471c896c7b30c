"""Issue 15's acceptance test: thirty days of a real newsroom, imported and built day by day.

Each day a scraper adds a batch: new stories, re-scraped old ones, a copy of one story under
a second URL, broken records, one record dated only by its path, and on day 5 a corrected
story. After each day the build exits 0, every feed keeps every earlier item's GUID, dates
and content unless that story's text changed, no file in content/ or site/ is rewritten when
its input did not change, and a second import of the day reports 0 new and 0 updated.

Small batches by default; DIGEST_LONG=1 runs forty new stories a day.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import feedparser
import pytest

from generator.core.config import load_config
from generator.importing.importer import import_configured
from tests.support.messy_archive import START, newsroom_day
from tests.support.sites import run_digest

DAYS = 30
PER_DAY = 40 if os.environ.get("DIGEST_LONG") else 5
TOML = """\
title = "Newsroom"
base_url = "https://news.example.org/"
timezone = "UTC"
[feeds]
limit = 100000
[import]
paths = ["sources"]
timezones = { Dawn = "Asia/Karachi", APP = "Asia/Karachi" }
"""


def files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def feed_items(out: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each feed's items by GUID: (published, updated, content), as a reader sees them."""
    feeds: dict[str, dict[str, tuple[str, ...]]] = {}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        feeds[name] = {
            e.id: (
                e.get("published", ""),
                e.get("updated", ""),
                (e.get("content") or [{}])[0].get("value", e.get("summary", "")),
                e.get("title", ""),
            )
            for e in parsed.entries
        }
    data = json.loads((out / "feed.json").read_text("utf-8"))
    feeds["feed.json"] = {
        i["id"]: (
            i.get("date_published", ""),
            i.get("date_modified", ""),
            i.get("content_html", ""),
            i.get("title", ""),
        )
        for i in data["items"]
    }
    return feeds


def changed(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> set[str]:
    """Files present before whose bytes changed; files rewritten with the same bytes fail."""
    touched = set()
    for rel, (mtime, data) in before.items():
        if rel not in after:
            continue
        if after[rel][1] != data:
            touched.add(rel)
        else:
            assert after[rel][0] == mtime, f"{rel} was rewritten with the same bytes"
    return touched


def without_nav(page: bytes) -> bytes:
    return re.sub(rb"<nav\b.*?</nav>", b"", page, flags=re.S)


def headline(record: dict) -> str:
    return re.sub(r" - (Dawn|APP)$", "", str(record["title"]))


# feedparser maps a missing `updated` to `published` and warns about it on every entry.
@pytest.mark.filterwarnings("ignore:To avoid breaking existing software:DeprecationWarning")
def test_thirty_days_of_a_newsroom(tmp_path):
    site = tmp_path / "newsroom"
    site.mkdir()
    (site / "digest.toml").write_text(TOML, encoding="utf-8")
    content, out = site / "content", site / "site"
    history: dict[str, dict[str, tuple[str, ...]]] = {}
    corrected_title = None
    for day in range(DAYS):
        kinds = newsroom_day(site / "sources", day, PER_DAY)
        if kinds["corrected"]:
            corrected_title = headline(kinds["corrected"][0])
        before_content, before_site = files(content), files(out)
        clock = dt.datetime.combine(START + dt.timedelta(days=day), dt.time(23), dt.UTC)
        # Broken source records are warnings: the build goes on and counts them.
        built = run_digest(site, "build", "--clock", clock.isoformat())
        assert built.returncode == 0, built.stderr
        assert "source records skipped, see --report" in built.stdout
        assert "Traceback" not in built.stderr
        # Content: only the corrected story's file changes, on its day; nothing is rewritten.
        touched = changed(before_content, files(content))
        if kinds["corrected"]:
            assert len(touched) == 1, touched
            assert corrected_title in (content / touched.pop()).read_text("utf-8")
        else:
            assert touched == set(), touched
        # Site: whatever did not change was not rewritten (checked inside `changed`); article
        # pages of earlier stories keep their text unless it changed (their previous/next
        # links may point at today's stories).
        after_site = files(out)
        site_touched = changed(before_site, after_site)
        pages = {p for p in site_touched if re.match(r"\d{4}/\d\d/\d\d/[^/]+/index\.html$", p)}
        for page in pages if not kinds["corrected"] else ():
            assert without_nav(before_site[page][1]) == without_nav(after_site[page][1]), page
        # Feeds keep every earlier item as it was, unless its story was corrected today.
        now = feed_items(out)
        for name, items in history.items():
            for guid, seen in items.items():
                assert guid in now[name], f"{name} lost {guid} on day {day}"
                if now[name][guid] != seen:
                    assert kinds["corrected"], f"{name}: {guid} changed on day {day}"
                    assert corrected_title in now[name][guid][3], f"{name}: {guid} changed"
                    if name != "feed.xml":  # RSS 2.0 has no 'updated'; Atom and JSON say it
                        assert now[name][guid][1] != seen[1]
        history = now
        # The same day imported again: nothing new, nothing updated, nothing written (in this
        # process to keep the test fast; the last day runs `digest import` as a user does).
        settled = files(content)
        again = import_configured(load_config(site / "digest.toml"), clock)[0].summary()
        assert ": 0 new, 0 updated, " in again, again
        assert files(content) == settled
    cli = run_digest(site, "import")
    assert ": 0 new, 0 updated, " in cli.stdout, cli.stdout + cli.stderr
    assert cli.returncode == 0  # the broken records are reported as failed, not fatal
    assert "failed: " in cli.stderr and "Traceback" not in cli.stderr
    assert files(content) == settled
    # The record dated only by its path is on its day, as a day.
    last = START + dt.timedelta(days=DAYS - 1)
    dated = list((content / last.strftime("%Y/%m/%d")).glob("*.md"))
    assert any(f"\ndate: '{last.isoformat()}'\n" in p.read_text("utf-8") for p in dated)
    assert corrected_title is not None
    assert all(len(items) >= DAYS * PER_DAY for items in history.values())
