"""Concurrency: two digest processes in one site take turns (site lock); neither corrupts output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.corpus import generate
from tests.support.sites import REPO, Site

CLOCK = "2030-01-01T00:00:00Z"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def digest(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args], cwd=root, env=ENV,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    _out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err, err
    return proc.returncode, err


def hold_lock(root: Path, command: str) -> subprocess.Popen:
    """Another process holding the site lock, as a running build or import would."""
    code = (
        "import sys, time; from pathlib import Path; from generator.core.locking import site_lock\n"
        f"with site_lock(Path('.digest-cache'), {command!r}):\n"
        "    print('locked', flush=True); time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, env=ENV, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_build_refuses_naming_the_lock_and_holder(site: Site) -> None:
    site.add("a", "One", "2025-01-01T00:00:00+00:00")
    holder = hold_lock(site.root, "import")
    try:
        code, err = finish(digest(site.root, "build", "--clock", CLOCK, "--wait", "0.3"))
        assert code == 1
        assert ".digest-cache/lock" in err
        assert f"digest import (pid {holder.pid}" in err
        assert "waited 0.3 s" in err
        assert not site.out.exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The kernel freed the lock of the killed holder: no stale lock.
    code, err = finish(digest(site.root, "build", "--clock", CLOCK, "--wait", "0"))
    assert code == 0, err
    assert (site.out / "index.html").is_file()


def test_import_refuses_while_locked(site: Site, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"title": "Imported", "content": "Body.", "date": "2025-01-01T00:00:00Z"}\n')
    holder = hold_lock(site.root, "build")
    try:
        code, err = finish(digest(site.root, "import", str(source), "--wait", "0.2"))
        assert code == 1 and f"digest build (pid {holder.pid}" in err
        assert not list((site.root / "content").rglob("*.md"))
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    code, err = finish(digest(site.root, "import", str(source)))
    assert code == 0, err
    assert len(list((site.root / "content").rglob("*.md"))) == 1


@pytest.mark.slow
def test_builds_and_import_at_once_take_turns(make_site, tmp_path: Path) -> None:
    """Two builds and an import started together all succeed, one after another, and
    leave exactly the site a single clean build of the final content gives."""
    site = make_site("busy")
    generate(site.root, 300)
    source = tmp_path / "more.jsonl"
    source.write_text(
        "".join(
            f'{{"title": "Late story {i}", "content": "Text {i}.", '
            f'"date": "2025-06-0{1 + i % 5}T10:00:00Z", "url": "https://late.example/{i}"}}\n'
            for i in range(20)
        )
    )
    started = time.monotonic()
    procs = [
        digest(site.root, "build", "--clock", CLOCK, "--wait", "120"),
        digest(site.root, "import", str(source), "--wait", "120"),
        digest(site.root, "build", "--clock", CLOCK, "--wait", "120"),
    ]
    results = [finish(p) for p in procs]
    print(f"three runs at once: {time.monotonic() - started:.1f} s")
    assert [code for code, _ in results] == [0, 0, 0], results
    # The last build may have run before the import: build once more, then compare.
    code, err = finish(digest(site.root, "build", "--clock", CLOCK))
    assert code == 0, err
    fresh = make_site("fresh")
    for path in (site.root / "content").rglob("*.md"):
        target = fresh.root / path.relative_to(site.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    code, err = finish(digest(fresh.root, "build", "--clock", CLOCK, "--no-cache"))
    assert code == 0, err
    assert site.snapshot() == fresh.snapshot()
    assert len(list((site.root / "content").rglob("*.md"))) == 320
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".site")) == []


def test_serve_imports_under_the_lock(site: Site, tmp_path: Path) -> None:
    """`digest serve` imports [import] paths before each rebuild: it waits for the lock too."""
    from generator.core.config import load_config
    from generator.preview.server import Preview, ServeOptions
    from tests.support.sites import CLOCK as NOW

    (site.root / "in").mkdir()
    (site.root / "in" / "a.jsonl").write_text(
        '{"title": "Imported", "content": "Body.", "date": "2025-01-01T00:00:00Z"}\n'
    )
    site.config('[import]\npaths = ["in"]\n')
    config = load_config(site.root / "digest.toml")
    preview = Preview(
        site.root / "digest.toml", config, "http://127.0.0.1:1", ServeOptions(),
        clock=lambda: NOW, echo=lambda *a, **k: None,
    )  # fmt: skip
    holder = hold_lock(site.root, "build")
    threading.Timer(1.0, holder.send_signal, (signal.SIGKILL,)).start()
    started = time.monotonic()
    preview.rebuild()  # waits for the holder to end, then imports and builds
    waited = time.monotonic() - started
    holder.wait()
    assert waited >= 0.9, "the import did not wait for the lock"
    assert preview.state.problems == ()
    assert len(list((site.root / "content").rglob("*.md"))) == 1
