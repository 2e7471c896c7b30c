"""The writer swaps whole folders, skips unchanged bytes and recovers from killed builds."""

from __future__ import annotations

import os

import pytest

from generator.errors import DigestError
from generator.writer import MARKER, Staging, existing_files, recover


def write(out, **named: bytes) -> int:
    staging = Staging(out)
    written = staging.put(MARKER, b"")
    for name, data in named.items():
        written += staging.put(name.replace("__", "/"), data)
    staging.commit()
    return written


def test_write_skip_and_prune(tmp_path):
    out = tmp_path / "site"
    assert write(out, a=b"1", b__c=b"2") == 3
    inode = (out / "a").stat().st_ino
    assert write(out, a=b"1", d=b"new") == 1
    assert (out / "a").stat().st_ino == inode  # unchanged file linked, not rewritten
    assert not (out / "b").exists() and (out / "d").read_bytes() == b"new"
    assert sorted(existing_files(out)) == [MARKER, "a", "d"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_keep_carries_the_live_file(tmp_path):
    out = tmp_path / "site"
    write(out, a=b"1")
    staging = Staging(out)
    staging.keep(MARKER)
    staging.keep("a")
    staging.commit()
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


def test_recover_restores_site_lost_between_renames(tmp_path):
    out = tmp_path / "site"
    write(out, a=b"1")
    os.rename(out, tmp_path / ".site.old-123")
    (tmp_path / ".site.staging-456").mkdir()
    recover(out)
    assert (out / "a").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
