"""Crash safety of `digest import`: killed mid-batch (SIGKILL, random moments), it leaves no
half-written article, and running it again finishes the batch exactly as one clean run would."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.content.files import find_content, read_limited
from generator.content.front_matter import parse_article
from generator.content.markup import MarkdownRenderer
from generator.core.config import load_config
from tests.support.corpus import make_batch
from tests.support.sites import REPO, Site, wait_for_group

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
KILLS = int(os.environ.get("DIGEST_CRASH_KILLS", "10"))
RECORDS = 1500


def digest_import(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "import", "in", "-q", "--wait", "60"],
        cwd=root, env=ENV, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def articles(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }


def every_article_loads(root: Path) -> int:
    config = load_config(root / "digest.toml")
    renderer = MarkdownRenderer()
    paths = find_content(config.path("content"))
    for path in paths:
        limit = config.build.max_article_bytes
        parse_article(path, read_limited(path, limit), config.tz, renderer.render, limit)
    return len(paths)


def make_site(root: Path, batch: Path) -> Site:
    site = Site(root)
    site.config('timezone = "Asia/Karachi"\n')
    os.symlink(batch, root / "in")
    return site


@pytest.mark.slow
def test_imports_killed_at_random_moments_finish_on_rerun(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    make_batch(batch, RECORDS)
    clean = make_site(tmp_path / "clean", batch)
    started = time.monotonic()
    proc = digest_import(clean.root)
    assert proc.wait(300) == 0, proc.stderr.read()
    full = time.monotonic() - started
    expected = articles(clean.root)

    rng = random.Random(4)
    counts = []
    for round_ in range(KILLS):
        site = make_site(tmp_path / f"killed-{round_}", batch)
        proc = digest_import(site.root)
        time.sleep(rng.uniform(0.45, 1.0) * full)  # reading first, then writing: bias late
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        wait_for_group(proc.pid, "import")
        counts.append(every_article_loads(site.root))  # no half-written article
        found = articles(site.root)
        assert all(expected.get(rel) == data for rel, data in found.items() if "/." not in rel)
        proc = digest_import(site.root)
        assert proc.wait(300) == 0, proc.stderr.read()
        final = articles(site.root)
        strays = sorted(rel for rel in final if "/." in rel)
        assert strays == [], "temporary files left in content/"
        assert final == expected
    print(f"\n{KILLS} import kills survived (import {full:.2f} s); articles at each kill: {counts}")
