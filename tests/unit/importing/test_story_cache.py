"""The story cache gives back exactly the stories the readers made: every field, every date
in its own zone (named zones by name), every problem and warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.importing.readers import FileRead, ReadContext
from generator.importing.record import SourceRecord
from generator.importing.stories import read_file, story_of
from generator.importing.story_cache import StoryCache
from tests.support.messy_archive import write_archive, write_html_records

KARACHI, LONDON = ZoneInfo("Asia/Karachi"), ZoneInfo("Europe/London")


def _same(a: SourceRecord, b: SourceRecord) -> None:
    assert a == b
    for name in ("date", "updated", "retrieved"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None)
        if x is not None:  # equal instants are not enough: the zone shows in what is written
            assert (x.isoformat(), x.tzname(), x.fold, repr(x.tzinfo)) == (
                y.isoformat(), y.tzname(), y.fold, repr(y.tzinfo))  # fmt: skip


def _round_trip(tmp_path: Path, files: list[tuple[FileRead, list, str]]) -> StoryCache:
    cache = StoryCache(tmp_path)
    cache.keep(files)
    cache.save()
    return StoryCache(tmp_path).load()


def test_read_files_come_back_exactly(tmp_path: Path) -> None:
    root = tmp_path / "src"
    write_archive(root / "archive", 300)
    write_html_records(root / "html", 30)
    ctx = ReadContext(timezone="Europe/London", zones={"Dawn": "Asia/Karachi"})
    read = [
        read_file(None, (path, path.name, ctx, "rules", None))
        for path in sorted(p for p in root.rglob("*") if p.is_file())
    ]
    files = [r for r in read if r is not None]
    assert sum(len(stories) for _, stories, _ in files) > 300
    assert any(read.problems for read, _, _ in files) and any(r.warnings for r, _, _ in files)
    zones = {s.record.date.tzinfo for _, stories, _ in files for s in stories}
    assert KARACHI in zones  # Dawn's records, read in their source's zone
    back = _round_trip(tmp_path, files)
    for read_before, stories, digest in files:
        found = back.get(digest)
        assert found is not None
        read_after, again, same_digest = found
        assert same_digest == digest and len(again) == len(stories)
        assert [str(p) for p in read_after.problems] == [str(p) for p in read_before.problems]
        assert [str(p) for p in read_after.warnings] == [str(p) for p in read_before.warnings]
        for before, after in zip(stories, again, strict=True):
            _same(before.record, after.record)
            assert after == before and after.summary == before.summary


def test_every_field_and_zone_comes_back(tmp_path: Path) -> None:
    ambiguous = dt.datetime(2025, 10, 26, 1, 30, tzinfo=LONDON, fold=1)  # the second 01:30
    records = [
        SourceRecord(
            "Clocks go back", "One.\n\n• a bullet", ambiguous, "a.json:1",
            updated=dt.datetime(2025, 10, 27, 9, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
            topic="World", tags=("Time", "Europe"), source="Dawn", author="A. Writer",
            dateline="LONDON", url="https://news.example/clocks", image="https://i.example/1.jpg",
            image_caption="A clock", print_edition="A1", markdown="One *emphasised*.",
            day_only=False, retrieved=dt.datetime(2025, 10, 27, 10, tzinfo=dt.UTC),
            raw="abc123", also_at=("https://other.example/clocks",),
        ),
        SourceRecord("A day", "Two.", dt.datetime(2025, 3, 1, tzinfo=KARACHI), "b.txt", day_only=True),
    ]  # fmt: skip
    files = [(FileRead(), [story_of(r)], f"digest{n}") for n, r in enumerate(records)]
    back = _round_trip(tmp_path, files)
    for (_, [story], digest), record in zip(files, records, strict=True):
        found = back.get(digest)
        assert found is not None
        _same(found[1][0].record, record)
        assert found[1][0] == story


def test_unknown_or_foreign_entries_are_read_again(tmp_path: Path) -> None:
    (tmp_path / "import-stories.json").write_text('{"version": 1, "files": {"d": {"x": 1}}}')
    cache = StoryCache(tmp_path).load()
    assert cache.get("d") is None and cache.get("other") is None and cache.get(None) is None
    (tmp_path / "import-stories.json").write_text("not json")
    assert StoryCache(tmp_path).load().get("d") is None
