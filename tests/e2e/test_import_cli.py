"""`digest import` and `digest build` with [import] paths, run as a user runs them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.support.sites import SAMPLES, run_digest

digest = run_digest


def make_site(root: Path, toml: str = "") -> Path:
    root.mkdir()
    (root / "digest.toml").write_text('timezone = "Asia/Karachi"\n' + toml, encoding="utf-8")
    shutil.copytree(SAMPLES, root / "sources")
    return root


def test_import_reports_failed_records_and_exits_1_only_when_strict(tmp_path):
    site = make_site(tmp_path / "s")
    (site / "sources" / "empty.txt").write_text("", encoding="utf-8")
    strict = digest(site, "import", "sources", "--strict", "--dry-run")
    assert strict.returncode == 1, strict.stderr
    assert "failed: sources/empty.txt: is empty" in strict.stderr
    result = digest(site, "import", "sources", "--report", "out/report.json")
    assert result.returncode == 0, result.stderr  # a scraper's bad record: reported, not fatal
    assert "failed: sources/empty.txt: is empty" in result.stderr
    assert result.stdout.startswith("Imported 7 items")
    assert "6 new, 0 updated, 0 unchanged, 0 duplicates merged, 1 failed" in result.stdout
    assert "Traceback" not in result.stderr
    assert "━" not in result.stderr  # no progress bar when stderr is not a terminal
    report = json.loads((site / "out" / "report.json").read_text("utf-8"))
    assert report["summary"]["new"] == 6 and report["summary"]["failed"] == 1
    assert len(list((site / "content").rglob("*.md"))) == 6
    (site / "sources" / "empty.txt").unlink()
    again = digest(site, "import", "sources")
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 updated, 6 unchanged" in again.stdout


def test_import_exits_1_when_a_path_named_finds_no_file(tmp_path):
    site = make_site(tmp_path / "s")
    (site / "sources" / "empty.txt").write_text("", encoding="utf-8")  # a scraper's: a warning
    for named in ("sorces", "sources/*.jsonn"):  # the user's typo: an error, the rest imported
        result = digest(site, "import", "sources", named)
        assert result.returncode == 1, result.stderr
        assert f"failed: {named}: " in result.stderr
        assert "Traceback" not in result.stderr
    assert len(list((site / "content").rglob("*.md"))) == 6
    assert digest(site, "import", "sources").returncode == 0


def test_import_without_paths_uses_config_and_checks_flags(tmp_path):
    site = make_site(tmp_path / "s")
    none = digest(site, "import")
    assert none.returncode == 2
    assert "[import] paths" in none.stderr
    bad = digest(site, "import", "sources", "--date", "11/08/2021")
    assert bad.returncode == 2 and "--date" in bad.stderr
    (site / "digest.toml").write_text('[import]\npaths = ["sources"]\n', encoding="utf-8")
    dry = digest(site, "import", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Would import 6 items")
    assert not (site / "content").exists()


def test_build_imports_first_when_config_names_sources(tmp_path):
    site = make_site(tmp_path / "s", '[import]\npaths = ["sources"]\n')
    result = digest(site, "build", "--clock", "2026-01-01T00:00:00+00:00")
    assert result.returncode == 0, result.stderr
    assert "6 new" in result.stdout and "Built 6 articles" in result.stdout
    page = (
        site
        / "site"
        / "2021"
        / "08"
        / "11"
        / "us-wants-to-continue-improving-ties-austin-tells-bajwa"
    )
    html = (page / "index.html").read_text("utf-8")
    assert "Anwar Iqbal" in html and "WASHINGTON" in html
    assert "Published in Dawn" not in html
    second = digest(site, "build", "--clock", "2026-01-01T00:00:00+00:00")
    assert "0 new, 0 updated, 6 unchanged" in second.stdout


def test_bad_source_records_are_skipped_with_a_warning_unless_strict(tmp_path):
    site = make_site(tmp_path / "s", '[import]\npaths = ["sources"]\n')
    (site / "sources" / "broken.json").write_text("{", encoding="utf-8")
    (site / "sources" / "empty.txt").write_text("", encoding="utf-8")
    clock = ("--clock", "2026-01-01T00:00:00+00:00")
    result = digest(site, "build", *clock, "--report", "report.json")
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert "sources/broken.json:1: is not valid JSON" in skipped[0]
    assert "sources/empty.txt: is empty" in skipped[1]
    assert len(skipped) == 2  # listed once
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("Built 6 articles into ")
    assert summary.endswith("; 2 source records skipped, see --report")
    report = json.loads((site / "report.json").read_text("utf-8"))
    assert report["sources_skipped"] == [line[len("skipped: ") :] for line in skipped]
    assert (
        "note: the skipped source records are left out of the site; fix them where they come "
        "from, or import them once by hand with `digest import PATH` (its --date gives a day to "
        "records that state none); --strict makes this an error\n"
    ) in result.stderr
    assert result.stderr.count("note:") == 1
    strict = digest(site, "build", "--strict", *clock)
    assert strict.returncode == 1
    assert "sources/empty.txt: is empty" in strict.stderr
    assert "skipped:" not in strict.stderr
    assert strict.stderr.endswith(
        "--strict makes these 2 warnings errors; the site was not changed.\n"
    )
    (site / "sources" / "broken.json").unlink()
    one = digest(site, "build", *clock)
    assert one.stdout.splitlines()[-1].endswith("; 1 source record skipped, see --report")


@pytest.mark.slow
def test_a_big_scrape_with_broken_records_builds_and_counts_them(tmp_path):
    """2,000 good records and 263 broken in the usual ways: the build exits 0, lists each
    broken record once, counts them, and --strict refuses; a second build changes nothing."""
    from tests.support.corpus import make_batch

    site = tmp_path / "s"
    batch = site / "sources" / "batch"
    batch.mkdir(parents=True)
    (site / "digest.toml").write_text('[import]\npaths = ["sources"]\n', encoding="utf-8")
    make_batch(batch, 2000)
    broken = []
    for n in range(263):
        record = {
            "title": f"Broken record {n}",
            "content": "A paragraph of text.",
            "date_published": "2025-03-01T10:00:00+00:00",
            "link": f"https://broken.example/{n}",
            "source": "Broken",
        }
        if n < 100:
            record["content"] = ""  # no body
        elif n < 200:
            del record["date_published"]  # no date anywhere
        elif n < 250:
            broken.append("{not json")
            continue
        else:
            del record["title"]
        broken.append(json.dumps(record))
    (site / "sources" / "broken.jsonl").write_text("\n".join(broken) + "\n", encoding="utf-8")
    sports = [
        json.dumps({"title": f"Match report {n}", "content": "A goal.", "section": "Sports",
                    "date_published": "2025-03-02T10:00:00+00:00", "source": "Other",
                    "link": f"https://other.example/{n}"})
        for n in range(20)
    ]  # fmt: skip
    (site / "sources" / "sports.jsonl").write_text("\n".join(sports) + "\n", encoding="utf-8")
    clock = ("--clock", "2026-01-01T00:00:00+00:00")

    first = digest(site, "build", *clock, "--report", "report.json", timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    skipped = [line for line in first.stderr.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == len(set(skipped)) == 263
    summary = first.stdout.splitlines()[-1]
    assert summary.startswith("Built 2020 articles into ")
    assert summary.endswith("; 263 source records skipped, see --report")
    assert len(json.loads((site / "report.json").read_text("utf-8"))["sources_skipped"]) == 263
    assert re.search(
        r'warning: topics "Sport" \(\d+ articles\) and "Sports" \(20 articles\) differ only by '
        r"case, plural or punctuation; to show them as one, add to digest.toml: \[topics\] "
        r'aliases = \{ "Sports" = "Sport" \}',
        first.stderr,
    ), first.stderr[-1000:]

    second = digest(site, "build", *clock, timeout=600)
    assert second.returncode == 0
    assert "2020 unchanged" in second.stdout and "0 new, 0 updated" in second.stdout
    assert "(0 written," in second.stdout.splitlines()[-1]

    strict = digest(site, "build", "--strict", *clock, timeout=600)
    assert strict.returncode == 1
    assert strict.stderr.count("\nerror: ") + strict.stderr.startswith("error: ") >= 263


def test_import_globs_in_config_skip_odd_files_and_say_where_dates_came_from(tmp_path):
    site = make_site(tmp_path / "s", '[import]\npaths = ["sources/*.jsonl", "extra"]\n')
    extra = site / "extra" / "2025" / "10" / "20"
    extra.mkdir(parents=True)
    (extra / "2025-10-20_ab12.json").write_text(
        json.dumps({"title": "Senate session commences", "content": "The Senate met.",
                    "date_published": "None", "author": "None", "source": "APP"}),
        encoding="utf-8",
    )  # fmt: skip
    (site / "extra" / "sheet.csv").write_text("title,date\nx,2025-01-01\n", encoding="utf-8")
    result = digest(site, "import")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 5 items in ")  # the batch's 4 and the one record
    assert (
        "warning: skipped 1 file that is not scraped text or JSON (1 .csv); "
        "name a file to import it anyway\n"
    ) in result.stderr
    assert (
        "warning: extra/2025/10/20/2025-10-20_ab12.json (record 1): no publication "
        "date; dated 2025-10-20 from the file's path\n"
    ) in result.stderr
    text = next((site / "content" / "2025" / "10" / "20").glob("*.md")).read_text("utf-8")
    assert "\ndate: '2025-10-20'\n" in text and "author" not in text
    again = digest(site, "import")
    assert ": 0 new, 0 updated, 5 unchanged, 0 duplicates merged, 0 failed" in again.stdout
