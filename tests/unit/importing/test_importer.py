"""`digest import` on the real samples and on the bad input scrapers produce."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.files import find_content
from generator.content.front_matter import parse_article, split_front_matter
from generator.content.markup import MarkdownRenderer
from generator.core.config import load_config
from generator.importing import placement
from generator.importing.importer import ImportOptions, import_sources
from tests.support.sites import SAMPLES

DUMP = "dawn-2021-08-11-austin-bajwa.txt"
NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
KARACHI = dt.timezone(dt.timedelta(hours=5))


class ImportSite:
    """A site folder with digest.toml; imports with the real importer, reads content/ back."""

    def __init__(self, root: Path, toml: str = ""):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "digest.toml").write_text(
            'timezone = "UTC"\n[import]\ntimezones = { Dawn = "Asia/Karachi" }\n' + toml,
            encoding="utf-8",
        )
        self.src = root / "src"
        self.src.mkdir()

    @property
    def content(self) -> Path:
        return self.root / "content"

    def source(self, name: str, data: str | bytes) -> Path:
        path = self.src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    def sample(self, name: str) -> Path:
        return Path(shutil.copy(SAMPLES / name, self.src / name))

    def run(self, *paths: Path, **options):
        config = load_config(self.root / "digest.toml")
        opts = ImportOptions(now=options.pop("now", NOW), **options)
        return import_sources(config, list(paths) or [self.src], opts)

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.content).as_posix(): p.read_bytes()
            for p in find_content(self.content)
        }

    def meta(self, rel: str) -> dict:
        meta, _ = split_front_matter((self.content / rel).read_text("utf-8"), Path(rel))
        return meta

    def body(self, rel: str) -> str:
        return split_front_matter((self.content / rel).read_text("utf-8"), Path(rel))[1]


@pytest.fixture
def isite(tmp_path: Path) -> ImportSite:
    return ImportSite(tmp_path / "site")


def outcomes(report) -> dict[str, int]:
    return {k: v for k, v in report.counts().items() if v}


def one_path(report, outcome: str = "new") -> str:
    paths = [i.path for i in report.items if i.outcome == outcome]
    assert len(paths) == 1, report.items
    return paths[0]


# --- the three sample shapes -------------------------------------------------------------


def test_text_dump_front_matter_field_by_field(isite):
    isite.sample(DUMP)
    report = isite.run()
    assert outcomes(report) == {"new": 1}
    rel = one_path(report)
    # 'Published August 11, 2021' names a day, no time: it stays 11 August on a UTC site.
    assert rel == "2021/08/11/us-wants-to-continue-improving-ties-austin-tells-bajwa.md"
    meta = isite.meta(rel)
    assert meta["title"] == "US wants to continue improving ties, Austin tells Bajwa"
    assert meta["author"] == "Anwar Iqbal"
    # Times without a zone are read in the source's zone (Dawn → Asia/Karachi), not the site's UTC.
    assert meta["date"] == "2021-08-11"
    assert meta["updated"] == "2021-08-11T07:46:00+05:00"
    assert meta["source"] == "Dawn"
    assert meta["dateline"] == "WASHINGTON"
    assert meta["topic"] == "Pak US Ties"
    assert meta["image_caption"] == (
        "This combo photo shows US Defence Secretary Lloyd Austin (left) and Army Chief "
        "Gen Qamar Bajwa. — Photo courtesy: PBS News Hour/AFP"
    )
    assert meta["print_edition"] == "Dawn, August 11th, 2021"
    assert list(meta)[:4] == ["title", "date", "updated", "topic"]
    body = isite.body(rel)
    assert body.lstrip().startswith("In a phone call to Army Chief")
    assert "Photo courtesy" not in body
    assert "Published in Dawn" not in body
    assert "Pak US Ties" not in body
    assert body.rstrip().endswith("political settlement to this war.”")
    assert body.count("\n\n") >= 8  # paragraphs kept


def test_the_dump_lands_on_the_sites_local_day(tmp_path):
    site = ImportSite(tmp_path / "s", "")
    (site.root / "digest.toml").write_text('timezone = "Asia/Karachi"\n', encoding="utf-8")
    site.sample(DUMP)
    assert one_path(site.run()).startswith("2021/08/11/")


def test_json_record_loses_title_suffixes_and_gives_its_topic(isite):
    isite.sample("dawn-record.json")
    rel = one_path(isite.run())
    meta = isite.meta(rel)
    assert meta["title"] == "Heavy imports causing trade imbalances"
    assert meta["topic"] == "Business"
    assert meta["source"] == "Dawn"
    assert meta["date"] == "2025-06-10T01:12:59+00:00"
    assert meta["url"] == "https://www.dawn.com/news/1916216/heavy-imports-causing-trade-imbalances"
    assert meta["image"] == "https://i.dawn.com/primary/2025/06/6847849af147f.gif"
    assert meta["dateline"] == "KARACHI"
    assert "author" not in meta  # null in the record
    body = isite.body(rel)
    assert body.lstrip().startswith(
        "- Govt struggles to exploit export potential\n- Markup payment goes up by 17pc"
    )
    assert "Published in Dawn" not in body
    html = MarkdownRenderer().render(body)
    assert html.count("<li>") == 2


def test_jsonl_batch_titles_topics_and_app_paragraphs(isite):
    isite.sample("scrape-batch.jsonl")
    report = isite.run()
    assert outcomes(report) == {"new": 4}
    metas = {isite.meta(i.path)["title"]: isite.meta(i.path) for i in report.items}
    assert set(metas) == {
        "Invisible lives",
        "‘Flawed’ World Test Championship reveals cricket’s underlying problems",
        "NA budget session to continue till June 27",
        "Pakistan’s oil and gas sector sees significant progress: Minister",
    }
    assert metas["Invisible lives"]["topic"] == "Newspaper"
    assert (
        metas["‘Flawed’ World Test Championship reveals cricket’s underlying problems"]["topic"]
        == "Sport"
    )
    app = metas["NA budget session to continue till June 27"]
    assert app["source"] == "APP"
    assert app["dateline"] == "ISLAMABAD"
    assert app["topic"] == "National"  # from the URL's section: the record names none
    rel = next(i.path for i in report.items if "na-budget" in i.path)
    body = isite.body(rel)
    assert body.lstrip().startswith("The House Business Advisory Committee")
    assert "adsbygoogle" not in body
    assert body.count("\n\n") >= 5  # single-newline paragraphs became paragraphs
    lives = isite.body(next(i.path for i in report.items if "invisible" in i.path))
    assert "\u00ad" not in lives
    assert "Funding for mechanisation is limited; municipal capacities" in lives


def test_every_imported_file_loads_and_the_site_builds(isite, monkeypatch):
    for name in (DUMP, "dawn-record.json", "scrape-batch.jsonl"):
        isite.sample(name)
    assert outcomes(isite.run()) == {"new": 6}
    renderer = MarkdownRenderer()
    for path in find_content(isite.content):
        article = parse_article(path, path.read_bytes(), dt.UTC, renderer.render, 5_000_000)
        assert article.id == isite.meta(path.relative_to(isite.content).as_posix())["id"]
        assert article.body_html.startswith("<")
        assert article.updated is None or article.updated >= article.date
    from generator.build.pipeline import BuildOptions, build

    monkeypatch.chdir(isite.root)  # the build reads content paths relative to the site root
    report = build(load_config(isite.root / "digest.toml"), BuildOptions(now=NOW))
    assert report.articles == 6


# --- one story, one article ----------------------------------------------------------------


def record(**fields) -> str:
    base = {
        "title": "Rupee gains against dollar - Business - DAWN.COM",
        "content": "KARACHI: The rupee gained 10 paisa.\n\nTraders said demand was thin.",
        "date_published": "2025-06-10T01:00:00Z",
        "source": "Dawn",
        "link": "https://www.dawn.com/news/100/rupee-gains",
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def test_reimport_writes_nothing(isite):
    for name in (DUMP, "dawn-record.json", "scrape-batch.jsonl"):
        isite.sample(name)
    isite.run()
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in isite.content.rglob("*.md")}
    again = isite.run()
    assert outcomes(again) == {"unchanged": 6}
    shutil.rmtree(isite.root / ".digest-cache")  # without the cache, the files themselves tell
    assert outcomes(isite.run()) == {"unchanged": 6}
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in isite.content.rglob("*.md")}
    assert after == before


def test_reimport_skips_files_by_size_and_mtime_without_reading_them(isite):
    source = isite.source("a.jsonl", record())
    assert outcomes(isite.run()) == {"new": 1}
    stat = source.stat()
    # Same size, same mtime, other bytes: proof that the file is not even opened.
    source.write_text(record().replace("Rupee", "Rupiy"), encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size
    assert outcomes(isite.run()) == {"unchanged": 1}
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert outcomes(isite.run()) == {"updated": 1}


def test_import_caches_hold_no_absolute_paths_and_survive_a_move(isite, tmp_path):
    for name in (DUMP, "dawn-record.json", "scrape-batch.jsonl"):
        isite.sample(name)
    isite.run(shown_from=isite.root)  # as `digest build` imports [import] paths
    cached = [p.read_bytes() for p in (isite.root / ".digest-cache").glob("import-*")]
    assert len(cached) == 2 and not any(str(isite.root).encode() in data for data in cached)
    moved = ImportSite.__new__(ImportSite)
    moved.root, moved.src = tmp_path / "elsewhere", tmp_path / "elsewhere" / "src"
    shutil.copytree(isite.root, moved.root)
    for path in moved.root.rglob("*"):  # a fresh checkout: every mtime is new
        os.utime(path, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    again = moved.run(shown_from=moved.root)
    assert outcomes(again) == {"unchanged": 6}
    assert {item.origin.split(":")[0].split(" (")[0] for item in again.items} == {
        f"src/{name}" for name in (DUMP, "dawn-record.json", "scrape-batch.jsonl")
    }
    assert moved.files() == isite.files()


def test_changed_record_updates_one_file_and_keeps_id_date_and_slug(isite):
    other_story = record(link="https://www.dawn.com/news/101/x", content="Gold rose.\n\nBy Rs500.")
    isite.source("a.jsonl", record() + "\n" + other_story)
    first = isite.run()
    assert outcomes(first) == {"new": 2}
    rel = next(i.path for i in first.items if i.origin.endswith(":1"))
    old_meta = isite.meta(rel)
    other = {p: b for p, b in isite.files().items() if p != rel}
    changed = record(
        title="Rupee gains sharply against dollar - Business - DAWN.COM",
        date_published="2025-06-11T09:00:00Z",
    )
    isite.source("a.jsonl", changed + "\n" + other_story)
    second = isite.run()
    assert outcomes(second) == {"updated": 1, "unchanged": 1}
    assert one_path(second, "updated") == rel
    meta = isite.meta(rel)
    assert meta["title"] == "Rupee gains sharply against dollar"
    assert meta["id"] == old_meta["id"]
    assert meta["date"] == old_meta["date"]
    assert meta["slug"] == old_meta["slug"]
    assert meta["updated"] == "2026-01-01T12:00:00+00:00"  # the clock: the record names no time
    assert {p: b for p, b in isite.files().items() if p != rel} == other
    assert len(isite.files()) == 2


def test_an_update_whose_write_failed_is_written_by_the_next_run(isite, monkeypatch):
    """A disk that refuses one write (full, say): the story is reported failed, and the
    next import, on a disk that accepts it, still writes the new version."""
    isite.source("a.jsonl", record())
    rel = one_path(isite.run())
    isite.source("a.jsonl", record(content="KARACHI: The rupee gained 20 paisa."))
    real = placement.write_atomic

    def full(target: Path, data: bytes, inside: Path | None = None) -> None:
        if target.name == Path(rel).name:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(target, data, inside)

    monkeypatch.setattr(placement, "write_atomic", full)
    failed = isite.run(jobs=1)  # in this process, so the patch holds
    assert outcomes(failed) == {"failed": 1}
    assert "No space left on device" in failed.items[0].reason
    assert "20 paisa" not in isite.body(rel)
    monkeypatch.setattr(placement, "write_atomic", real)
    again = isite.run()
    assert outcomes(again) == {"updated": 1}
    assert "20 paisa" in isite.body(rel)


def test_hand_edited_file_survives_reimport_unless_forced(isite):
    isite.source("a.json", record())
    rel = one_path(isite.run())
    path = isite.content / rel
    edited = path.read_text("utf-8").replace("Traders said", "Dealers said")
    path.write_text(edited, encoding="utf-8")
    isite.source("a.json", record(content="KARACHI: The rupee gained 20 paisa."))
    report = isite.run()
    assert outcomes(report) == {"kept": 1}
    assert "edited by hand" in report.items[0].reason and "--force" in report.items[0].reason
    assert path.read_text("utf-8") == edited
    forced = isite.run(force=True)
    assert outcomes(forced) == {"updated": 1}
    assert "20 paisa" in path.read_text("utf-8")


def test_hand_written_file_with_the_same_id_is_never_overwritten(isite):
    isite.content.mkdir()
    mine = isite.content / "mine.md"
    mine.write_text(
        "---\ntitle: My own\ndate: 2025-06-10\nurl: https://www.dawn.com/news/100/rupee-gains/\n"
        "---\n\nWritten by me.\n",
        encoding="utf-8",
    )
    isite.source("a.json", record())
    report = isite.run()
    assert outcomes(report) == {"kept": 1}
    assert "written by hand" in report.items[0].reason
    assert mine.read_text("utf-8").endswith("Written by me.\n")


def test_duplicates_across_files_merge(isite):
    isite.source("monday.jsonl", record())
    # The same story in another listing: tracking parameters, an upper-case host, tags added.
    isite.source(
        "tuesday/listing.json",
        record(link="https://WWW.dawn.com/news/100/rupee-gains/?utm_source=tw#top", tags=["Rupee"]),
    )
    report = isite.run()
    assert outcomes(report) == {"new": 1, "duplicate": 1}
    dup = next(i for i in report.items if i.outcome == "duplicate")
    assert "same story as" in dup.reason
    rel = one_path(report)
    assert isite.meta(rel)["tags"] == ["Rupee"]
    assert len(isite.files()) == 1
    assert outcomes(isite.run()) == {"unchanged": 1, "duplicate": 1}


def test_same_headline_same_day_different_stories_get_different_slugs(isite):
    isite.source(
        "a.jsonl",
        record(link="https://www.dawn.com/news/1/a")
        + "\n"
        + record(link="https://www.dawn.com/news/2/b", content="Another story entirely."),
    )
    report = isite.run()
    assert sorted(i.path for i in report.items) == [
        "2025/06/10/rupee-gains-against-dollar-2.md",
        "2025/06/10/rupee-gains-against-dollar.md",
    ]
    assert outcomes(isite.run()) == {"unchanged": 2}


def test_stories_without_url_get_an_id_from_source_date_and_title(isite):
    isite.source("a.json", record(link=None))
    rel = one_path(isite.run())
    from generator.core.identity import article_id

    when = dt.datetime(2025, 6, 10, 1, tzinfo=dt.UTC)
    assert isite.meta(rel)["id"] == article_id(None, "Dawn", when, "Rupee gains against dollar")


def test_dry_run_writes_nothing(isite):
    isite.sample("scrape-batch.jsonl")
    report = isite.run(dry_run=True)
    assert outcomes(report) == {"new": 4}
    assert report.summary().startswith("Would import")
    assert not isite.content.exists()
    assert not (isite.root / ".digest-cache").exists()


# --- plain text ------------------------------------------------------------------------------


def test_plain_text_topic_from_folder_and_date_from_text(isite):
    isite.source(
        "economy/budget.txt",
        "Budget passed after long debate\nBy Staff Reporter\nJune 26, 2025\n\n"
        "ISLAMABAD: The National Assembly passed the budget.\n\n1. It was late.\n",
    )
    rel = one_path(isite.run())
    meta = isite.meta(rel)
    assert meta["title"] == "Budget passed after long debate"
    assert meta["topic"] == "Economy"
    assert meta["author"] == "Staff Reporter"
    assert meta["date"] == "2025-06-26"
    assert meta["dateline"] == "ISLAMABAD"
    assert "1\\. It was late." in isite.body(rel)


def test_plain_text_without_a_date_needs_date_flag(isite):
    isite.source("notes/undated.txt", "A headline\n\nA paragraph of text.\n")
    report = isite.run()
    assert outcomes(report) == {"failed": 1}
    assert "--date" in report.items[0].reason
    assert not isite.content.exists() or not isite.files()
    report = isite.run(date=dt.date(2025, 3, 1), topic="Notes from the field")
    rel = one_path(report)
    assert isite.meta(rel)["date"] == "2025-03-01"
    assert isite.meta(rel)["topic"] == "Notes from the field"


# --- bad input never stops the batch -----------------------------------------------------------


def test_every_bad_input_is_reported_and_the_good_files_import(isite):
    isite.sample(DUMP)
    isite.source("empty.txt", "")
    isite.source("broken.json", '{"title": "x",\n  "content": oops}')
    isite.source(
        "records.jsonl",
        "\n".join(
            [
                record(link="https://x.test/1", title=None),
                record(link="https://x.test/2", content="   "),
                record(link="https://x.test/3", date_published="the day before yesterday"),
                record(link="https://x.test/4", title="Good record"),
                "{not json",
            ]
        ),
    )
    isite.source(
        "cp1252.txt",
        "Caf\xe9 owners protest\nJune 1, 2025\n\nThey said “enough”.\n".encode("cp1252"),
    )
    isite.source("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4)
    report = isite.run()
    reasons = {i.origin.rsplit("/", 1)[-1]: i.reason for i in report.items if i.outcome == "failed"}
    assert "is empty" in reasons["empty.txt"]
    assert "not valid JSON at line 2, column 14" in reasons["broken.json:2"]
    assert "no title" in reasons["records.jsonl:1"]
    assert "no body" in reasons["records.jsonl:2"]
    assert "the day before yesterday" in reasons["records.jsonl:3"]
    assert "not valid JSON at line 5" in reasons["records.jsonl:5"]
    assert "photo.jpg" not in reasons  # a folder's images are skipped with one note
    assert (
        "skipped 1 file that is not scraped text or JSON (1 .jpg); name a file to import it anyway"
        in report.warnings
    )
    assert len(reasons) == 6
    assert outcomes(report) == {"new": 3, "failed": 6}
    assert any("cp1252.txt" in w and "not UTF-8" in w for w in report.warnings)
    titles = {isite.meta(p)["title"] for p in isite.files()}
    assert titles == {
        "US wants to continue improving ties, Austin tells Bajwa",
        "Good record",
        "Café owners protest",
    }
    cafe = next(p for p in isite.files() if "cafe" in p)
    assert "They said “enough”." in isite.body(cafe)
    leftovers = [p for p in isite.content.rglob("*") if p.is_file() and p.suffix != ".md"]
    assert leftovers == []  # no temporary file left behind


def test_report_json_lists_every_item(isite, tmp_path):
    isite.sample("scrape-batch.jsonl")
    isite.source("empty.json", "")
    report = isite.run()
    data = json.loads(report.to_json())
    assert data["summary"] == {
        "new": 4, "updated": 0, "unchanged": 0, "duplicate": 0, "merged": 0, "kept": 0,
        "failed": 1,
    }  # fmt: skip
    assert [i["outcome"] for i in data["items"]].count("new") == 4
    failed = next(i for i in data["items"] if i["outcome"] == "failed")
    assert failed["reason"] and failed["origin"].endswith("empty.json")


def test_front_matter_is_yaml_with_quoted_dates_in_fixed_order(isite):
    isite.sample(DUMP)
    rel = one_path(isite.run())
    text = (isite.content / rel).read_text("utf-8")
    head = text.split("---\n")[1]
    assert "date: '2021-08-11'" in head
    keys = list(yaml.safe_load(head))
    assert keys == [
        "title", "date", "updated", "topic", "source", "author", "dateline", "image_caption",
        "print_edition", "id", "slug", "source_hash", "digest_hash",
    ]  # fmt: skip
