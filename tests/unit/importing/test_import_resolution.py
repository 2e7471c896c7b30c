"""Issue 15's import rules, each with the exact message a user sees: dates from wherever a
record has them, placeholders, boilerplate titles, versions and copies resolved the same way
on every run, a digest upgrade or a CRLF checkout that changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.importing.content_file import stamp
from tests.unit.importing.test_importer import ImportSite, one_path, outcomes, record

BANNER = "Opt out of the sale or sharing of personal information"


@pytest.fixture
def isite(tmp_path: Path) -> ImportSite:
    return ImportSite(tmp_path / "site")


def snapshot(site: ImportSite) -> dict[str, tuple[int, bytes]]:
    return {
        p.as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in site.content.rglob("*.md")
    }


def body(n: int, words: int = 40) -> str:
    """A distinct story text: paragraphs of numbered words."""
    return "\n\n".join(
        " ".join(f"w{n}x{p}x{i}" for i in range(words)) + "." for p in range(4)
    )  # fmt: skip


# --- dates from wherever the record has them -----------------------------------------------


def test_placeholders_are_missing_in_every_field(isite):
    isite.source("a.json", record(author="None", categories="null", image="N/A", tags="undefined"))
    rel = one_path(isite.run())
    meta = isite.meta(rel)
    assert "author" not in meta and "image" not in meta and "tags" not in meta
    assert meta["topic"] == "Business"  # from the title's section, not 'null'


@pytest.mark.parametrize(
    ("fields", "written", "note"),
    [
        ({"dateList": "2025-10-20"}, "2025-10-20", "dated 2025-10-20 from field 'dateList'"),
        ({"dateList": ["2025-10-20", "2025-10-21"]}, "2025-10-20",
         "dated 2025-10-20 from field 'dateList'"),
        ({"retrievedAt": "2025-10-20T10:00:00Z"}, "2025-10-20",
         "dated 2025-10-20 from field 'retrievedAt'"),
        ({"dateModified": "2025-10-20T09:00:00+05:00"}, "2025-10-20T09:00:00+05:00",
         "dated 2025-10-20T09:00+05:00 from field 'dateModified'"),
        ({"created_at": "None"}, "2025-10-19", "dated 2025-10-19 from the file's path"),
    ],
)  # fmt: skip
def test_missing_publication_date_falls_back_and_says_where(isite, fields, written, note):
    isite.source("2025/10/19/2025-10-19_ab12.json", record(date_published="None", **fields))
    report = isite.run()
    rel = one_path(report)
    assert isite.meta(rel)["date"] == written
    where = f"{isite.src}/2025/10/19/2025-10-19_ab12.json (record 1)"
    assert report.warnings == [f"{where}: no publication date; {note}"]


def test_date_fallback_false_refuses_instead(tmp_path):
    site = ImportSite(tmp_path / "s", "date_fallback = false\n")
    site.source("2025-10-19.jsonl", record(date_published="null", dateList="2025-10-20"))
    report = site.run()
    assert outcomes(report) == {"failed": 1}
    assert report.items[0].reason == (
        "has no date (looked for date_published, published, published_at, pubDate, date); "
        "pass --date YYYY-MM-DD to give one"
    )


@pytest.mark.parametrize("key", ["date_published", "pubDate"])
def test_relative_dates_are_refused_naming_the_field(isite, key):
    isite.source(
        "a.jsonl", json.dumps({**json.loads(record(date_published=...)), key: "2 hours ago"})
    )
    report = isite.run()
    assert outcomes(report) == {"failed": 1}
    assert report.items[0].reason == (
        f"field '{key}': '2 hours ago' is not a date digest can read; write it like "
        "'2021-08-11', '2021-08-11T07:46:00+05:00' or 'August 11, 2021 07:46am'"
    )


def test_a_day_without_a_time_is_written_as_that_calendar_day(tmp_path):
    site = ImportSite(tmp_path / "s")
    (site.root / "digest.toml").write_text('timezone = "America/Los_Angeles"\n', encoding="utf-8")
    site.source("a.jsonl", record(date_published="August 11, 2021", source="Dawn"))
    rel = one_path(site.run())
    assert rel.startswith("2021/08/11/")
    text = (site.content / rel).read_text("utf-8")
    assert "\ndate: '2021-08-11'\n" in text


# --- boilerplate titles --------------------------------------------------------------------


def test_consent_banner_title_is_replaced_by_the_url_words(isite):
    lines = [
        record(title=BANNER, link=f"https://www.dawn.com/news/19538{n}/{slug}", content=body(n))
        for n, slug in enumerate(["cop30-promise-to-performance", "rain-lashes-city", "x"])
    ]
    isite.source("a.jsonl", "\n".join(lines))
    report = isite.run()
    titles = sorted(isite.meta(p)["title"] for p in isite.files())
    # No words in the third URL: its first sentence (here, its first twelve words).
    twelve = " ".join(f"w2x0x{i}" for i in range(12)) + "…"
    assert titles == ["Cop30 promise to performance", "Rain lashes city", twelve]
    assert report.warnings[0] == (
        f"{isite.src}/a.jsonl:1: the title {BANNER!r} is not a headline (it matches the junk "
        f"title {BANNER!r}); titled it 'Cop30 promise to performance' from the URL"
    )
    assert report.warnings[2].endswith("from the first sentence")


def test_a_title_given_to_three_stories_is_not_a_headline(isite):
    lines = [
        record(title="Newspaper headlines", link=f"https://www.dawn.com/news/{n}/story-{w}-here",
               content=body(n))
        for n, w in enumerate(["one", "two", "three"])
    ]  # fmt: skip
    isite.source("a.jsonl", "\n".join(lines))
    report = isite.run()
    assert sorted(isite.meta(p)["title"] for p in isite.files()) == [
        "Story one here", "Story three here", "Story two here"
    ]  # fmt: skip
    assert report.warnings[0] == (
        f"{isite.src}/a.jsonl:1: the title 'Newspaper headlines' is not a headline (Dawn gives "
        "it to 3 or more different stories); titled it 'Story one here' from the URL"
    )
    assert outcomes(isite.run()) == {"unchanged": 3}


def test_two_stories_with_one_title_keep_it(isite):
    lines = [
        record(title="Weather", link=f"https://www.dawn.com/news/{n}/w", content=body(n))
        for n in range(2)
    ]
    isite.source("a.jsonl", "\n".join(lines))
    isite.run()
    assert {isite.meta(p)["title"] for p in isite.files()} == {"Weather"}


def test_junk_titles_setting_adds_patterns(tmp_path):
    site = ImportSite(tmp_path / "s", 'junk_titles = ["Live updates*"]\n')
    site.source(
        "a.jsonl", record(title="LIVE UPDATES: day 3", link="https://x.pk/news/7/budget-day-three")
    )
    report = site.run()
    assert site.meta(one_path(report))["title"] == "Budget day three"
    assert "(it matches the junk title 'Live updates*')" in report.warnings[0]


# --- versions of one story: the same winner on every run -----------------------------------


def test_two_versions_of_one_url_resolve_the_same_way_every_run(isite):
    """The flip-flop of issue 15: each run used to pick the version of whichever file was read."""
    short = record(content="KARACHI: The rupee gained 10 paisa.")
    longer = record(content="KARACHI: The rupee gained 10 paisa.\n\nA line the site added later.")
    isite.source("a.json", short)
    assert outcomes(isite.run()) == {"new": 1}
    isite.source("b.json", longer)
    second = isite.run()
    assert outcomes(second) == {"updated": 1, "duplicate": 1}
    rel = one_path(second, "updated")
    assert "added later" in isite.body(rel)
    before = snapshot(isite)
    for _ in range(3):
        assert outcomes(isite.run()) == {"unchanged": 1, "duplicate": 1}
        assert snapshot(isite) == before


def test_the_newest_stated_time_wins_over_the_longer_body(isite):
    isite.source("a.json", record(content="Fixed text.", retrievedAt="2025-06-12T00:00:00Z"))
    isite.source("b.json", record(content="Old text.\n\nWith one more line."))
    report = isite.run()
    assert isite.body(one_path(report)).strip() == "Fixed text."
    dup = next(i for i in report.items if i.outcome == "duplicate")
    assert dup.reason == f"same story as {isite.src}/a.json (record 1)"


def test_updated_changes_only_when_the_text_does(isite):
    isite.source("a.json", record())
    isite.run()
    isite.source("a.json", record(content="New text.", retrievedAt="2025-06-12T08:00:00Z"))
    rel = one_path(isite.run(), "updated")
    assert isite.meta(rel)["updated"] == "2025-06-12T08:00:00+00:00"  # what the record states
    isite.source("a.json", record(content="New text.", retrievedAt="2025-06-13T08:00:00Z"))
    assert outcomes(isite.run()) == {"unchanged": 1}  # fetched again, same words
    assert isite.meta(rel)["updated"] == "2025-06-12T08:00:00+00:00"


def test_new_clean_up_rules_are_no_new_version(isite, monkeypatch):
    isite.source("a.json", record())
    rel = one_path(isite.run())
    before = snapshot(isite)
    import generator.importing.readers.records as records

    cleaned = records.clean_body
    monkeypatch.setattr(records, "clean_body", lambda raw, as_html=None: cleaned(raw.upper()))
    monkeypatch.setattr("generator.importing.importer.__version__", "9.9.9")  # cache key
    assert outcomes(isite.run(jobs=1)) == {"unchanged": 1}
    assert snapshot(isite) == before and rel


def test_files_written_by_digest_0_1_are_recognised(isite):
    """digest 0.1 hashed the cleaned text: such a file is unchanged, not rewritten."""
    isite.source("a.json", record())
    rel = one_path(isite.run())
    path = isite.content / rel
    text = path.read_text("utf-8")
    meta = isite.meta(rel)
    import hashlib

    legacy = hashlib.sha256(
        f"{meta['title']}\x00KARACHI: The rupee gained 10 paisa.\n\nTraders said demand was "
        "thin.".replace("KARACHI: ", "").encode()
    ).hexdigest()[:20]
    old = re.sub(r"source_hash: \w+", f"source_hash: {legacy}", text)
    path.write_text(stamp(re.sub(r"digest_hash: \w+\n", "", old)), encoding="utf-8")
    for cache in (isite.root / ".digest-cache").iterdir():
        cache.unlink()
    before = snapshot(isite)
    assert outcomes(isite.run()) == {"unchanged": 1}
    assert outcomes(isite.run()) == {"unchanged": 1}
    assert snapshot(isite) == before


def test_crlf_checkout_is_no_hand_edit(isite):
    isite.source("a.json", record())
    rel = one_path(isite.run())
    path = isite.content / rel
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert outcomes(isite.run()) == {"unchanged": 1}
    isite.source("a.json", record(content="Changed text."))
    assert outcomes(isite.run()) == {"updated": 1}  # not 'kept' as edited by hand


# --- one story under several URLs ----------------------------------------------------------


def test_one_story_under_two_urls_is_one_article(isite):
    text = body(1)
    isite.source("a.jsonl", "\n".join([
        record(link="https://www.app.com.pk/national/senate-session-commences-1/", content=text,
               title="Senate session commences"),
        record(link="https://www.app.com.pk/national/senate-session-commences-2/", content=text,
               title="Senate session commences"),
    ]))  # fmt: skip
    report = isite.run()
    assert outcomes(report) == {"new": 1, "merged": 1}
    rel = one_path(report)
    merged = next(i for i in report.items if i.outcome == "merged")
    assert merged.reason == f"same story as {isite.src}/a.jsonl:1"
    assert isite.meta(rel)["also_at"] == [
        "https://www.app.com.pk/national/senate-session-commences-2/"
    ]
    assert "1 copy from other URLs merged" in report.summary()
    before = snapshot(isite)
    assert outcomes(isite.run()) == {"unchanged": 1, "merged": 1}
    assert snapshot(isite) == before


def test_a_copy_arriving_later_joins_the_published_article(isite):
    text = body(2)
    isite.source("a.json", record(link="https://www.app.com.pk/national/a-1/", content=text))
    rel = one_path(isite.run())
    changed_line = text.replace("w2x3x5", "changed")
    isite.source(
        "b.json", record(link="https://www.app.com.pk/national/a-2/", content=changed_line)
    )
    second = isite.run()
    assert outcomes(second) == {"unchanged": 1, "merged": 1}
    assert isite.meta(rel)["also_at"] == ["https://www.app.com.pk/national/a-2/"]
    assert len(isite.files()) == 1
    before = snapshot(isite)
    (isite.src / "a.json").unlink()  # the original's file is gone: the copy still finds it
    assert outcomes(isite.run()) == {"merged": 1}
    merged = next(i for i in isite.run().items if i.outcome == "merged")
    assert merged.reason == f"same story as content/{rel}"
    assert snapshot(isite) == before


def test_same_title_same_day_but_another_text_is_another_story(isite):
    isite.source("a.jsonl", "\n".join([
        record(link="https://x.pk/1", content=body(1), title="Senate session commences"),
        record(link="https://x.pk/2", content=body(2), title="Senate session commences"),
    ]))  # fmt: skip
    assert outcomes(isite.run()) == {"new": 2}


# --- small things ---------------------------------------------------------------------------


def test_globs_folders_skipped_files_and_plurals(isite):
    isite.source("one.jsonl", record())
    isite.source("notes.csv", "title,date\nx,2025-01-01\n")
    isite.source("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200))
    isite.source("plain", "Headline here\n2025-06-01\n\nSome text.\n")  # no extension: text
    report = isite.run(isite.src / "*.jsonl")
    assert report.summary().startswith("Imported 1 item in ")
    assert report.summary().endswith(
        ": 1 new, 0 updated, 0 unchanged, 0 duplicates merged, 0 failed"
    )
    folder = isite.run()
    assert folder.warnings == [
        "skipped 2 files that are not scraped text or JSON (1 .csv, 1 .png); "
        "name a file to import it anyway"
    ]
    assert outcomes(folder) == {"new": 1, "unchanged": 1}
    none = isite.run(isite.src / "*.xml")
    assert [(i.outcome, i.reason) for i in none.items] == [
        ("failed", "matches no file; check the pattern")
    ]


def test_file_order_does_not_change_names(isite, tmp_path):
    for n in range(3):
        isite.source(f"{n}.json", record(link=f"https://x.pk/{n}", content=body(n), title="Same"))
    files = sorted(isite.src.glob("*.json"))
    isite.run(*files)
    other = ImportSite(tmp_path / "other")
    for path in files:
        other.source(path.name, path.read_bytes())
    other.run(*reversed(sorted(other.src.glob("*.json"))))
    assert isite.files() == other.files()


def test_plain_text_dated_only_by_its_name(isite):
    isite.source("2025-06-01-water-cuts.txt", "Water cuts announced\n\nThe city will cut water.\n")
    report = isite.run()
    assert isite.meta(one_path(report))["date"] == "2025-06-01"
    assert report.warnings == [
        f"{isite.src}/2025-06-01-water-cuts.txt: no publication date; dated 2025-06-01 from "
        "the file's path"
    ]
