"""Crash safety: a build killed at any moment loses nothing; the next build cleans up.

The main test kills real `python -m generator build` processes with SIGKILL after a
random delay. Two deterministic tests pin the writer's roll-back at exact points.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from generator.build import writer
from generator.build.writer import existing_files, flat_name, make_flat, recover
from tests.support.corpus import generate
from tests.support.sites import (
    REPO,
    Site,
    comparable,
    is_index,
    run_digest,
    wait_for_group,
    wait_for_trash,
)

CLOCK = "2030-01-01T00:00:00Z"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
KILLS = int(os.environ.get("DIGEST_CRASH_KILLS", "20"))


def run_build(root: Path, *extra: str) -> None:
    proc = run_digest(root, "build", "-q", "--clock", CLOCK, *extra, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return comparable({rel: (folder / rel).read_bytes() for rel in existing_files(folder)})


def pages(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if not is_index(k)}


def index(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if is_index(k)}


def leftovers(root: Path) -> list[str]:
    """digest's working files beside site/, once the detached deleter of replaced pages is done."""
    wait_for_trash(root)
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site."))


def clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    """What the site must become: its content built from scratch without the cache."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("site", ".*"))
    run_build(scratch, "--no-cache")
    return snapshot(scratch / "site")


def mutate(root: Path, round_: int, rng: random.Random) -> None:
    """Give the next build real work: every page changed, some articles, or deletions."""
    content = sorted((root / "content").rglob("*.md"))
    if round_ % 3 == 0:  # the site title is on every page: the commit moves every file
        (root / "digest.toml").write_text(f'title = "Digest round {round_}"\n')
    elif round_ % 3 == 1:
        for path in rng.sample(content, 15):
            path.write_text(path.read_text().replace("\n---\n", f"\n---\n\nEdit {round_}.\n", 1))
        generate(root, 10, start=1000 + 10 * round_)
    else:
        for path in rng.sample(content, 10):
            path.unlink()


@pytest.mark.slow
def test_builds_killed_at_random_moments_lose_nothing(make_site, tmp_path: Path) -> None:
    site = make_site("crash")
    generate(site.root, 300)
    (site.root / "digest.toml").write_text('title = "Digest"\n')
    started = time.monotonic()
    run_build(site.root)
    full = time.monotonic() - started
    previous = snapshot(site.out)
    rng = random.Random(8)
    landed: Counter[str] = Counter()
    for round_ in range(KILLS):
        mutate(site.root, round_, rng)
        expected = clean_build(site.root, tmp_path / "scratch")
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "-q", "-j", "2", "--clock", CLOCK],
            cwd=site.root, env=ENV, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, full * 1.1))
        proc.send_signal(signal.SIGKILL)  # the build process only, as `kill -9 PID` does
        proc.wait()
        wait_for_group(proc.pid)

        now = snapshot(site.out)
        if now == previous:
            landed["before the commit"] += 1
        elif now == expected:
            landed["after the commit"] += 1
        elif pages(now) == pages(expected):
            # Killed while indexing for search, after the pages' commit: the old index stays
            # whole until the index's own journaled commit, which is rolled back like the pages'.
            if (site.root / ".site.journal").exists():
                recover(site.out)
                now = snapshot(site.out)
                landed["during the search index's commit"] += 1
            else:
                landed["during the search index"] += 1
            assert index(now) == index(previous)
        else:
            # Killed while moving changed files in: the journal is there, and rolling it
            # back (the next build's first step) restores the previous site exactly.
            assert (site.root / ".site.journal").exists(), "a mixed site/ without a journal"
            landed["during the commit"] += 1
            recover(site.out)
            assert snapshot(site.out) == previous

        run_build(site.root)  # with the cache the killed build may have left
        assert snapshot(site.out) == expected, "the cache made the next build wrong"
        assert leftovers(site.root) == []
        previous = expected
    print(f"\n{KILLS} kills survived (build {full:.2f} s): {dict(landed)}")


def _interrupt_after(monkeypatch, calls: int) -> None:
    """Ctrl-C arriving after `calls` file moves (os.replace) of the writer."""
    real = os.replace
    count = 0

    def replace(src, dst):
        nonlocal count
        count += 1
        if count == calls + 1:  # once: the roll-back that follows moves files for real
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(writer.os, "replace", replace)


def test_ctrl_c_during_commit_restores_the_previous_site(site: Site, monkeypatch) -> None:
    """Defect found: Ctrl-C mid-commit deleted staging first, so the roll-back took the
    changed-but-not-yet-moved live files for new ones and deleted them."""
    for i in range(6):
        site.add(f"a{i}", f"Story {i}", f"2025-01-0{i + 1}T10:00:00+00:00")
    site.build()
    before = site.snapshot()
    site.config('title = "Renamed"\n')
    _interrupt_after(monkeypatch, 3)
    with pytest.raises(KeyboardInterrupt):
        site.build()
    monkeypatch.undo()
    assert site.snapshot() == before
    assert leftovers(site.root) == []


def test_recovery_killed_halfway_runs_again(tmp_path: Path, monkeypatch) -> None:
    """Defect found: a roll-back interrupted and run again deleted files it had restored."""
    out = tmp_path / "site"
    for rel, data in {"a": b"old a", "b": b"old b", "gone": b"old gone"}.items():
        out.mkdir(exist_ok=True)
        (out / rel).write_bytes(data)
    before = snapshot(out)
    staging, backup = tmp_path / ".site.staging-9", tmp_path / ".site.backup-9"
    make_flat(staging)
    make_flat(backup)
    plan = {"staging": str(staging), "backup": str(backup), "changed": ["a", "b", "new"],
            "removed": ["gone"], "added": ["new"]}  # fmt: skip
    (tmp_path / ".site.journal").write_text(json.dumps(plan))
    # commit() had backed up and replaced a and b, moved 'new' in and 'gone' out.
    for rel in ("a", "b"):
        os.link(out / rel, backup / flat_name(rel))
        (out / rel).unlink()
        (out / rel).write_bytes(b"new " + rel.encode())
    (out / "new").write_bytes(b"n")
    os.replace(out / "gone", backup / flat_name("gone"))
    _interrupt_after(monkeypatch, 1)  # the first recovery restores 'a', then is stopped
    with pytest.raises(KeyboardInterrupt):
        recover(out)
    monkeypatch.undo()
    recover(out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
