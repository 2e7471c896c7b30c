"""A generated archive as messy as the real one of issue 15, imported at scale: every record
accounted for, and the same content/ whatever the file order or the number of workers, with
nothing rewritten by a second import."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest

from generator.content.files import find_content
from generator.content.front_matter import split_front_matter
from generator.core.config import load_config
from generator.importing.importer import ImportOptions, import_sources
from tests.support.messy_archive import BANNER, Archive, write_archive

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RECORDS = 20_000 if os.environ.get("DIGEST_LONG") else 3000
TOML = 'timezone = "UTC"\n[import]\ntimezones = { Dawn = "Asia/Karachi", APP = "Asia/Karachi" }\n'


def new_site(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "digest.toml").write_text(TOML, encoding="utf-8")
    return root


def run(root: Path, paths: list[Path], jobs: int | None = None):
    config = load_config(root / "digest.toml")
    return import_sources(config, paths, ImportOptions(now=NOW, jobs=jobs))


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in find_content(folder)
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Archive]:
    root = tmp_path_factory.mktemp("messy")
    return root, write_archive(root / "src", RECORDS)


def test_messy_archive_imports_every_record_once_and_then_changes_nothing(archive, tmp_path):
    src, facts = archive
    site = new_site(tmp_path / "a")
    first = run(site, [src / "src"])
    counts = first.counts()
    assert counts["new"] == facts.stories
    assert counts["duplicate"] == facts.versions
    assert counts["merged"] == facts.copies
    assert counts["failed"] == facts.broken
    notes = [w for w in first.warnings if "no publication date; dated " in w]
    assert len(notes) == facts.fallbacks
    assert sum("is not a headline" in w for w in first.warnings) == facts.banners
    files = tree(site / "content")
    assert len(files) == facts.stories
    for _, data in files.values():
        meta, _ = split_front_matter(data.decode(), Path("x"))
        assert meta["title"] != BANNER
        assert meta.get("author") != "None"
    caches = {p: p.stat().st_mtime_ns for p in (site / ".digest-cache").iterdir()}
    second = run(site, [src / "src"])
    assert second.summary().split(": ", 1)[1].startswith("0 new, 0 updated, ")
    assert tree(site / "content") == files  # not one file rewritten: same bytes, same mtime
    # Nor the import caches; this run, which had nothing to do, settles the batch (adds its
    # report), and the next one replays it, reading nothing and writing nothing.
    settled = {p: p.stat().st_mtime_ns for p in (site / ".digest-cache").iterdir()}
    assert {p: t for p, t in settled.items() if p in caches} == caches
    assert [p.name for p in set(settled) - set(caches)] == ["import-settled.json"]
    third = run(site, [src / "src"])
    assert (third.items, third.warnings) == (second.items, second.warnings)
    assert {p: p.stat().st_mtime_ns for p in (site / ".digest-cache").iterdir()} == settled
    assert tree(site / "content") == files


def test_file_order_and_workers_do_not_change_content(archive, tmp_path):
    src, _ = archive
    one = new_site(tmp_path / "one")
    run(one, [src / "src"], jobs=1)
    two = new_site(tmp_path / "two")
    shuffled = sorted((src / "src").rglob("*.json"))
    random.Random(7).shuffle(shuffled)
    run(two, shuffled, jobs=2)
    bytes_of = lambda site: {k: v[1] for k, v in tree(site / "content").items()}  # noqa: E731
    assert bytes_of(one) == bytes_of(two)
    # The cache of an earlier run replays unchanged files: it must pick the same winners.
    shutil.rmtree(two / "content")
    run(two, shuffled[::-1], jobs=2)
    again = run(two, shuffled, jobs=1)
    assert again.counts()["updated"] == 0 and again.counts()["new"] == 0
    assert bytes_of(one) == bytes_of(two)
