"""The writer stages, commits only changes under a journal, and rolls back killed commits."""

from __future__ import annotations

import json
import os

import pytest

from generator.build import writer
from generator.build.writer import MARKER, Staging, existing_files, flat_name, make_flat, recover
from generator.core.errors import DigestError
from tests.support.sites import wait_for_trash


def write(out, **named: bytes) -> list[str]:
    """Stage the given files (plus the marker) as a complete build and commit it."""
    files = {MARKER: b"", **{k.replace("__", "/"): v for k, v in named.items()}}
    before = set(existing_files(out))
    staging = Staging(out)
    changed = sorted(p for p, data in files.items() if staging.put(p, data))
    staging.commit(changed, sorted(before - set(files)))
    return changed


def test_write_skip_and_prune(tmp_path):
    out = tmp_path / "site"
    assert write(out, a=b"1", b__c=b"2") == [MARKER, "a", "b/c"]
    inode = (out / "a").stat().st_ino
    assert write(out, a=b"1", d=b"new") == ["d"]
    assert (out / "a").stat().st_ino == inode  # unchanged file never touched
    assert not (out / "b").exists() and (out / "d").read_bytes() == b"new"
    assert sorted(existing_files(out)) == [MARKER, "a", "d"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_replaced_files_are_deleted_by_a_detached_process(tmp_path, monkeypatch):
    """Many replaced files: the build moves them aside and a process of their own deletes them."""
    monkeypatch.setattr(writer, "DETACHED_DELETE", 2)
    out = tmp_path / "site"
    write(out, a=b"1", b=b"2", c=b"3")
    write(out, a=b"one", b=b"two", c=b"three")
    assert {p: (out / p).read_bytes() for p in "abc"} == {"a": b"one", "b": b"two", "c": b"three"}
    wait_for_trash(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_trash_left_by_a_killed_deleter_is_deleted_next_time(tmp_path):
    out = tmp_path / "site"
    write(out, a=b"1")
    trash = tmp_path / ".site.trash-1-2"
    trash.mkdir()
    (trash / ("0" * 32)).write_bytes(b"old page")
    recover(out)
    wait_for_trash(tmp_path)
    assert not trash.exists()
    assert (out / "a").read_bytes() == b"1"


def test_abort_leaves_site_untouched(tmp_path):
    out = tmp_path / "site"
    write(out, a=b"1")
    staging = Staging(out)
    staging.put("a", b"changed")
    staging.abort()
    assert (out / "a").read_bytes() == b"1"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b", ""])
def test_paths_cannot_escape(tmp_path, bad):
    staging = Staging(tmp_path / "site")
    with pytest.raises(DigestError, match="escapes"):
        staging.put(bad, b"x")
    staging.abort()


def test_refuses_foreign_folder(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    with pytest.raises(DigestError, match="not made by digest"):
        Staging(tmp_path / "site")


def test_half_done_commit_is_rolled_back(tmp_path):
    """Simulate a kill in the middle of commit(): some files moved, journal still there."""
    out = tmp_path / "site"
    write(out, a=b"old a", gone=b"old gone", keep=b"k")
    before = {p: (out / p).read_bytes() for p in existing_files(out)}
    staging, backup = tmp_path / ".site.staging-9", tmp_path / ".site.backup-9"
    make_flat(staging)
    for rel, data in {"a": b"new a", "new/file": b"n"}.items():
        (staging / flat_name(rel)).write_bytes(data)
    make_flat(backup)
    (tmp_path / ".site.journal").write_text(
        json.dumps(
            {
                "staging": str(staging),
                "backup": str(backup),
                "changed": ["a", "new/file"],
                "removed": ["gone"],
            }
        )
    )
    # What commit() had done before the kill: 'a' backed up and replaced, 'new/file' moved in,
    # 'gone' moved to the backup.
    os.link(out / "a", backup / flat_name("a"))
    os.replace(staging / flat_name("a"), out / "a")
    (out / "new").mkdir()
    os.replace(staging / flat_name("new/file"), out / "new/file")
    os.replace(out / "gone", backup / flat_name("gone"))
    recover(out)
    assert {p: (out / p).read_bytes() for p in existing_files(out)} == before
    assert not (out / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_journal_killed_while_being_written_is_ignored(tmp_path):
    out = tmp_path / "site"
    write(out, a=b"1")
    (tmp_path / ".site.journal").write_text('{"staging": ')
    (tmp_path / ".site.journal.tmp").write_text("partial")
    recover(out)
    assert (out / "a").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
