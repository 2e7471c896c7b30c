"""`digest build` with `[import] paths`: the import, then a build from what it left, with
content/ walked once between them."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from generator.build.import_and_build import import_and_build
from generator.build.pipeline import BuildOptions
from generator.content import files
from generator.core.config import load_config
from tests.support.messy_archive import START, newsroom_day
from tests.support.sites import Site

TOML = """\
title = "Newsroom"
base_url = "https://news.example.org/"
timezone = "UTC"
[import]
paths = ["sources"]
"""


def clean_build(site: Site, tmp_path: Path, clock: dt.datetime) -> dict[str, bytes]:
    """content/ as it is, built from scratch (no cache, no import) in another folder."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site.root, fresh, ignore=shutil.ignore_patterns("site", ".digest-cache"))
    other = Site(fresh)
    other.config(TOML.replace('[import]\npaths = ["sources"]\n', ""))
    other.build(clock, use_cache=False, search=False)
    return other.snapshot()


def test_a_build_after_an_import_sees_what_it_wrote_and_walks_content_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(tmp_path / "site")
    site.config(TOML)
    site.add("hand", "A story written by hand", "2025-10-02T08:00:00+00:00", topic="Local")
    walks = []
    walk = files.content_files
    monkeypatch.setattr(files, "content_files", lambda f: walks.append(f) or walk(f))

    def day(number: int) -> None:
        clock = dt.datetime.combine(START + dt.timedelta(days=number), dt.time(23), dt.UTC)
        os.chdir(site.root)
        walks.clear()
        outcome = import_and_build(
            load_config(site.root / "digest.toml"), BuildOptions(clock, search=False)
        )
        assert len(walks) == 1  # the import's walk, kept up to date for the build
        assert outcome.imported is not None and outcome.built.articles > 0
        assert site.snapshot() == clean_build(site, tmp_path, clock)

    cwd = os.getcwd()
    try:
        for number in range(6):  # new, re-scraped, copies, broken records; day 5 a correction
            newsroom_day(site.root / "sources", number, 4)
            if number == 3:  # the editor corrects a file the import wrote, and their own
                imported = next(
                    p for p in (site.root / "content").rglob("*.md") if p.name != "hand.md"
                )
                imported.write_text(imported.read_text("utf-8") + "\nAn editor's note.\n", "utf-8")
                site.add(
                    "hand",
                    "A story written by hand",
                    "2025-10-02T08:00:00+00:00",
                    "Edited.",
                    topic="Local",
                )
            day(number)
    finally:
        os.chdir(cwd)
