"""Re-imports at stat speed: an import over sources and content/ unchanged since an import
that had nothing to do replays that run's report without opening a source file; any change
(an edited, touched, added or deleted source; a content file edited or deleted; other
options) is imported exactly as before."""

from __future__ import annotations

import datetime as dt
import json
import marshal
import os
import re
import shutil
from pathlib import Path

import pytest

from generator.content.files import find_content
from generator.core.config import load_config
from generator.importing.content_cache import CACHE_NAME as INDEX_NAME
from generator.importing.content_cache import IndexMemo
from generator.importing.importer import ImportOptions, import_sources
from generator.importing.report import ImportReport
from generator.importing.source_cache import SETTLED_NAME
from generator.importing.story_cache import CACHE_NAME as STORIES_NAME
from tests.support.messy_archive import write_archive, write_html_records
from tests.support.sites import run_digest

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TOML = 'timezone = "UTC"\n[import]\npaths = ["src"]\ntimezones = { Dawn = "Asia/Karachi" }\n'


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A messy archive (broken records, banners, copies, versions) and HTML records."""
    root = tmp_path_factory.mktemp("settled") / "src"
    write_archive(root / "archive", 320)
    write_html_records(root / "html", 40)
    return root


@pytest.fixture
def site(archive: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "digest.toml").write_text(TOML, encoding="utf-8")
    shutil.copytree(archive, root / "src")
    return root


def run(site: Path, **options) -> ImportReport:
    config = load_config(site / "digest.toml")
    return import_sources(config, [site / "src"], ImportOptions(now=NOW, **options))


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every content file's mtime and bytes: 'not rewritten' means both are the same."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in find_content(folder)
    }


def garble(folder: Path) -> list[Path]:
    """Overwrite every source file with bytes no reader accepts, keeping its size and mtime:
    a run that opened any of them would report it failed."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        st = path.stat()
        path.write_bytes(b"{" * st.st_size)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return files


def settle(site: Path) -> ImportReport:
    """First import (writes), then one that has nothing to do (settles the batch)."""
    first = run(site)
    assert first.counts()["new"] > 300 and first.counts()["failed"] > 0
    assert not first.settled
    assert not (site / ".digest-cache" / SETTLED_NAME).exists()
    second = run(site)
    assert second.counts()["new"] == second.counts()["updated"] == 0
    assert (site / ".digest-cache" / SETTLED_NAME).exists()
    return second


def test_settled_rerun_opens_no_source_file_and_replays_failures_and_warnings(site):
    second = settle(site)
    files = tree(site / "content")
    garble(site / "src")
    third = run(site)
    assert (third.items, third.warnings) == (second.items, second.warnings)
    assert third.counts()["failed"] == second.counts()["failed"] > 0  # replayed, every run
    assert any("is not a headline" in w for w in third.warnings)
    assert tree(site / "content") == files  # byte-identical, not even rewritten
    # What its decisions depended on is replayed too (the preview trusts it): the records
    # that meet others are placed on every run, reading the files they would update.
    assert third.settled and second.settled
    assert third.placed == second.placed > 0
    assert third.consulted == second.consulted


def said(report: ImportReport, root: Path) -> list[str]:
    """A report's items and warnings, in order of their text, named apart from the site root."""
    return sorted(str(x).replace(str(root), "") for x in report.items + report.warnings)


def test_content_edits_the_import_does_not_depend_on_replay_it(site, tmp_path):
    second = settle(site)
    unread = [i.path for i in second.items if i.path and i.path not in second.consulted]
    for rel in unread[3], unread[7]:  # the editor's work of a day: bodies corrected
        body = site / "content" / rel
        body.write_text(body.read_text("utf-8") + "\nA line the editor added.\n", "utf-8")
    # What a full import says of this content/: on a copy, with nothing settled.
    shutil.copytree(site, tmp_path / "full")
    (tmp_path / "full" / ".digest-cache" / SETTLED_NAME).unlink()
    full = run(tmp_path / "full")
    files = tree(site / "content")
    garble(site / "src")
    edited = run(site)  # replayed: a source file opened now would fail
    assert said(edited, site) == said(full, tmp_path / "full")
    assert edited.settled and tree(site / "content") == files
    assert run(site).items == edited.items  # saved under the new digest: replayed again
    # An edit the import depends on (a title: the key that finds copies) is imported again.
    # The records it resolves again come parsed from the story cache: no file is opened,
    # and it says what a full import of the real sources says.
    for folder in site, tmp_path / "full":
        body = folder / "content" / rel
        body.write_text(body.read_text("utf-8").replace("title: ", "title: Edited ", 1), "utf-8")
    (tmp_path / "full" / ".digest-cache" / STORIES_NAME).unlink()
    replayed = (site / ".digest-cache" / SETTLED_NAME).stat().st_mtime_ns
    again, full = run(site), run(tmp_path / "full")
    assert (site / ".digest-cache" / SETTLED_NAME).stat().st_mtime_ns != replayed  # it ran
    assert said(again, site) == said(full, tmp_path / "full")
    assert tree(site / "content").keys() == tree(tmp_path / "full" / "content").keys()
    (site / ".digest-cache" / STORIES_NAME).unlink()
    body.write_text(body.read_text("utf-8").replace("title: Edited ", "title: ", 1), "utf-8")
    body = site / "content" / rel
    body.write_text(body.read_text("utf-8").replace("title: Edited ", "title: ", 1), "utf-8")
    lost = run(site)  # without it, the files it must read are garbage: each one fails
    assert lost.counts()["failed"] > again.counts()["failed"]


def test_other_options_are_not_served_the_settled_report(site):
    settle(site)
    garble(site / "src")
    # Another --topic reads every file again: each is now garbage, so each fails.
    other = run(site, topic="Elsewhere")
    assert other.counts()["failed"] == len(list((site / "src").rglob("*.json*")))


def test_touched_but_identical_file_changes_nothing_and_settles_again(site):
    second = settle(site)
    files = tree(site / "content")
    source = sorted((site / "src" / "archive").rglob("*.json"))[5]
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    touched = run(site)  # not settled: the stat differs; read, found identical
    assert (touched.items, touched.warnings) == (second.items, second.warnings)
    garble(site / "src")
    assert run(site).items == second.items  # settled again with the new mtime
    assert tree(site / "content") == files


def test_edited_source_is_reimported_then_settles(site):
    second = settle(site)
    jsonl = sorted((site / "src" / "html").glob("*.jsonl"))[0]
    lines = jsonl.read_text("utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("<p>", "<p>Corrected: ", 1)
    jsonl.write_text("".join(lines), encoding="utf-8")
    edited = run(site)
    assert edited.counts()["updated"] == 1 and edited.counts()["new"] == 0
    (rel,) = [i.path for i in edited.items if i.outcome == "updated"]
    assert "Corrected: " in (site / "content" / rel).read_text("utf-8")
    assert not (site / ".digest-cache" / SETTLED_NAME).exists()  # it wrote: not settled
    again = run(site)
    assert again.counts() == second.counts()
    files = tree(site / "content")
    garble(site / "src")
    assert run(site).items == again.items and tree(site / "content") == files


def test_deleted_content_file_is_written_again_and_deleted_source_is_forgotten(site):
    second = settle(site)
    files = tree(site / "content")
    rel = next(i.path for i in second.items if i.outcome == "unchanged" and ":" not in i.origin)
    (site / "content" / rel).unlink()
    back = run(site)
    assert [i.path for i in back.items if i.outcome == "new"] == [rel]
    assert (site / "content" / rel).read_bytes() == files[rel][1]
    origin = next(i.origin for i in second.items if i.path == rel)
    (site / origin.split(" (")[0]).unlink()  # its source file: the article stays
    gone = run(site)
    assert origin not in {i.origin for i in gone.items}
    assert (site / "content" / rel).exists()
    assert len(gone.items) == len(second.items) - 1


def test_strict_build_still_fails_on_a_settled_batch(site):
    clock = ("--clock", "2026-01-01T00:00:00+00:00")
    assert run_digest(site, "build", *clock).returncode == 0
    second = run_digest(site, "build", *clock)
    assert "0 new, 0 updated" in second.stdout and (site / ".digest-cache" / SETTLED_NAME).exists()
    garble(site / "src")
    strict = run_digest(site, "build", "--strict", *clock)
    assert strict.returncode == 1
    count = sum(line.startswith("skipped:") for line in second.stderr.splitlines())
    warnings = sum(line.startswith("warning:") for line in second.stderr.splitlines())
    assert strict.stderr.endswith(
        f"--strict makes these {count + warnings} warnings errors; the site was not changed.\n"
    )
    third = run_digest(site, "build", *clock)
    assert third.returncode == 0
    assert third.stderr == second.stderr  # every skipped record and warning, every run


def test_messages_name_files_as_given_this_run_not_as_cached(site):
    settle(site)
    config = load_config(site / "digest.toml")
    options = ImportOptions(now=NOW, shown_from=site)  # as `digest build` names [import] paths
    named = import_sources(config, [site / "src"], options)
    assert named.counts()["new"] == named.counts()["updated"] == 0
    assert all(item.origin.startswith("src/") for item in named.items)
    assert all(w.startswith("src/") for w in named.warnings)


def test_source_cache_records_an_edited_file_so_later_runs_do_not_read_it(tmp_path):
    root = tmp_path / "clean"
    (root / "src").mkdir(parents=True)
    (root / "digest.toml").write_text(TOML, encoding="utf-8")
    line = '{"title": "%s", "content": "%s", "source": "Dawn", "url": "https://x.example/%s", '
    line += '"date_published": "2025-06-10T01:00:00Z"}\n'
    (root / "src" / "a.jsonl").write_text(line % ("Rupee gains", "It gained.", "a"), "utf-8")
    edited = root / "src" / "b.jsonl"
    edited.write_text(line % ("Gold falls", "Gold fell.", "b"), encoding="utf-8")
    assert run(root).counts()["new"] == 2
    edited.write_text(line % ("Gold falls", "Gold fell again.", "b"), encoding="utf-8")
    assert run(root).counts()["updated"] == 1
    (root / ".digest-cache" / SETTLED_NAME).unlink(missing_ok=True)  # the per-file cache alone
    garble(root / "src")
    assert {i.outcome for i in run(root).items} == {"unchanged"}  # b's new stat was recorded


def test_build_and_import_share_the_source_cache(site):
    """`digest build` imports [import] paths; `digest import` with no PATH imports the same
    ones and replays the build's settled import, reading no file (it named files otherwise,
    which is in the caches' keys: a 42,000-record archive was read whole each time the daily
    loop went from one command to the other)."""
    clock = ("--clock", "2026-01-01T00:00:00+00:00")
    assert run_digest(site, "build", *clock).returncode == 0  # imports, writes content/
    built = run_digest(site, "build", *clock, "--report", str(site / "build.json"))
    assert built.returncode == 0 and "0 new, 0 updated" in built.stdout  # settled
    skipped = json.loads((site / "build.json").read_text("utf-8"))["sources_skipped"]
    assert skipped
    garble(site / "src")  # a file opened now would fail to import
    imported = run_digest(site, "import", "-q")
    assert imported.returncode == 0, imported.stderr
    assert "0 new, 0 updated" in imported.stdout
    failed = [line.removeprefix("failed: ") for line in imported.stderr.splitlines()]
    assert sorted(failed) == sorted(skipped)  # the archive's broken records, named alike


def test_an_import_runs_without_the_cycle_collector_and_restores_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each full collection re-scans every live object: beside the preview's held plan that
    was a third of an import. The collector is off while records are read, and on again
    after, whether the import completes or fails."""
    import gc

    from generator.importing import importer

    seen: list[bool] = []
    discover = importer.discover
    monkeypatch.setattr(
        importer, "discover", lambda *a, **k: seen.append(gc.isenabled()) or discover(*a, **k)
    )
    assert gc.isenabled()
    run(site)
    assert seen == [False] and gc.isenabled()

    def broken(*a: object, **k: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(importer, "discover", broken)
    with pytest.raises(OSError):
        run(site)
    assert gc.isenabled()


def _index(site: Path) -> dict[str, list]:
    """The import index's entries, less each file's stat (two copies' mtimes differ)."""
    data = marshal.loads((site / ".digest-cache" / INDEX_NAME).read_bytes())
    return {rel: entry[2:] for rel, entry in data["files"].items()}


def test_a_process_that_keeps_the_index_imports_as_one_that_reads_it(site, tmp_path):
    """The preview keeps content/'s import index between imports (IndexMemo) rather than
    reading it again: every import gives what one reading it gives (new headlines, hand
    edits, adopted, renamed and deleted files), and one that changes no content file does
    not read it."""
    plain = tmp_path / "plain"
    shutil.copytree(site, plain)
    memo = IndexMemo()
    records = sorted((site / "src" / "archive").rglob("*.json*"))

    def both(change, outcome: str | None = None) -> None:
        for root in (site, plain):
            change(root)
        kept, read = run(site, index=memo, shown_from=site), run(plain, shown_from=plain)
        assert outcome is None or kept.counts()[outcome] >= 1  # the change reached the import
        assert [(i.origin, i.outcome, i.reason, i.id, i.path) for i in kept.items] == [
            (i.origin, i.outcome, i.reason, i.id, i.path) for i in read.items
        ]
        assert kept.warnings == read.warnings
        assert {k: v[1] for k, v in tree(site / "content").items()} == {
            k: v[1] for k, v in tree(plain / "content").items()
        }
        assert _index(site) == _index(plain)
        assert set(_index(site)) == set(tree(site / "content"))  # every file, no other

    def retitle(root: Path) -> None:  # a record's new headline: its file is updated
        path = root / records[3].relative_to(site)
        path.write_text(path.read_text("utf-8").replace('"title": "', '"title": "New: ', 1))

    def hand_edit(root: Path) -> None:  # by hand: the import must keep it, not overwrite it
        path = sorted(find_content(root / "content"))[5]
        path.write_text(path.read_text("utf-8") + "\nA line by hand.\n", encoding="utf-8")

    def adopt(root: Path) -> None:  # its source_hash taken out: now the editor's, kept
        path = next(
            p for p in sorted(find_content(root / "content")) if "source_hash" in p.read_text()
        )
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^source_hash:.*\n", "", text, count=1, flags=re.M), "utf-8")

    def rename(root: Path) -> None:  # moved by hand: the story is found at its new name
        path = sorted(find_content(root / "content"))[7]
        path.rename(path.with_name("renamed-" + path.name))

    def delete(root: Path) -> None:  # a deleted content file is written again
        sorted(find_content(root / "content"))[9].unlink()

    left = site / "content" / "2025" / ".killed.md.tmp"  # by a writer killed mid-write
    left.parent.mkdir(parents=True)
    left.write_text("half", encoding="utf-8")
    both(lambda root: None)
    assert not left.exists()  # the first import of a process sweeps content/
    for change, outcome in (
        (retitle, "updated"), (hand_edit, None), (adopt, "kept"), (rename, None),
        (delete, "new"), (retitle, "updated"),
    ):  # fmt: skip
        both(change, outcome)
    # A source touched, content/ as it was: the index is neither read nor written.
    index = site / ".digest-cache" / INDEX_NAME
    index.unlink()
    os.utime(records[0])
    assert not (site / ".digest-cache" / SETTLED_NAME).exists()  # the last import wrote
    quiet = run(site, index=memo)  # so this one reads the touched file: nothing to write
    assert (
        quiet.counts()["unchanged"] > 300
        and quiet.counts()["new"] == quiet.counts()["updated"] == 0
    )
    assert not index.exists()
