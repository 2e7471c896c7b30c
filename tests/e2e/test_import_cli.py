"""`digest import` and `digest build` with [import] paths, run as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.sites import SAMPLES, run_digest

digest = run_digest


def make_site(root: Path, toml: str = "") -> Path:
    root.mkdir()
    (root / "digest.toml").write_text('timezone = "Asia/Karachi"\n' + toml, encoding="utf-8")
    shutil.copytree(SAMPLES, root / "sources")
    return root


def test_import_reports_and_exits_1_when_anything_failed(tmp_path):
    site = make_site(tmp_path / "s")
    (site / "sources" / "empty.txt").write_text("", encoding="utf-8")
    result = digest(site, "import", "sources", "--report", "out/report.json")
    assert result.returncode == 1, result.stderr
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


def test_build_stops_on_a_bad_source_unless_skip_invalid(tmp_path):
    site = make_site(tmp_path / "s", '[import]\npaths = ["sources"]\n')
    (site / "sources" / "broken.json").write_text("{", encoding="utf-8")
    result = digest(site, "build", "--clock", "2026-01-01T00:00:00+00:00")
    assert result.returncode == 1
    assert "broken.json" in result.stderr and "not valid JSON" in result.stderr
    assert not (site / "site").exists()
    skipped = digest(site, "build", "--skip-invalid", "--clock", "2026-01-01T00:00:00+00:00")
    assert skipped.returncode == 0, skipped.stderr
    assert "skipped:" in skipped.stderr and "Built 6 articles" in skipped.stdout


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
        f"warning: {site}/extra/2025/10/20/2025-10-20_ab12.json (record 1): no publication "
        "date; dated 2025-10-20 from the file's path\n"
    ) in result.stderr
    text = next((site / "content" / "2025" / "10" / "20").glob("*.md")).read_text("utf-8")
    assert "\ndate: '2025-10-20'\n" in text and "author" not in text
    again = digest(site, "import")
    assert ": 0 new, 0 updated, 5 unchanged, 0 duplicates merged, 0 failed" in again.stdout
