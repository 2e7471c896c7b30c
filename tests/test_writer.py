"""The writer swaps whole folders, skips unchanged bytes and recovers from killed builds."""

from __future__ import annotations

import os

import pytest

from generator.errors import DigestError
from generator.models import OutputFile
from generator.writer import MARKER, recover, write_site


def files(**named: bytes):
    yield OutputFile(MARKER, b"")
    for name, data in named.items():
        yield OutputFile(name.replace("__", "/"), data)


def test_write_skip_and_prune(tmp_path):
    out = tmp_path / "site"
    first = write_site(out, files(a=b"1", b__c=b"2"))
    assert (first.written, first.unchanged, first.removed) == (3, 0, 0)
    inode = (out / "a").stat().st_ino
    second = write_site(out, files(a=b"1", b__c=b"2"))
    assert (second.written, second.removed) == (0, 0)
    third = write_site(out, files(a=b"1", d=b"new"))
    assert (third.written, third.unchanged, third.removed) == (1, 2, 1)
    assert (out / "a").stat().st_ino == inode  # unchanged file kept, not rewritten
    assert not (out / "b").exists() and (out / "d").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failure_mid_stream_leaves_site_untouched(tmp_path):
    out = tmp_path / "site"
    write_site(out, files(a=b"1"))

    def broken():
        yield OutputFile("a", b"changed")
        raise DigestError("boom")

    with pytest.raises(DigestError):
        write_site(out, broken())
    assert (out / "a").read_bytes() == b"1"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b", ""])
def test_paths_cannot_escape(tmp_path, bad):
    with pytest.raises(DigestError, match="escapes"):
        write_site(tmp_path / "site", iter([OutputFile(bad, b"x")]))


def test_recover_restores_site_lost_between_renames(tmp_path):
    out = tmp_path / "site"
    write_site(out, files(a=b"1"))
    os.rename(out, tmp_path / ".site.old-123")
    (tmp_path / ".site.staging-456").mkdir()
    recover(out)
    assert (out / "a").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
