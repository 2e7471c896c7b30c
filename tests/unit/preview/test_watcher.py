"""The file watcher behind `digest serve`: one report per burst of changes, by OS notification
or, where the OS refuses it, by comparing snapshots."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.preview.watcher import FALLBACK, Watcher
from tests.support.sites import REPO


def _rel(files: list[str] | None, root: Path) -> list[str]:
    assert files is not None
    return sorted(Path(f).relative_to(root).as_posix() for f in files)


@pytest.mark.parametrize("notify", [True, False], ids=["notified", "polling"])
def test_watcher_reports_a_burst_once_and_ignores_editor_scratch(tmp_path, notify) -> None:
    (tmp_path / "content").mkdir()
    watcher = Watcher(lambda: [tmp_path / "content", tmp_path / "digest.toml"], notify=notify)
    for i in range(50):
        (tmp_path / f"content/a{i}.md").write_text("x")
    (tmp_path / "content/.a1.md.swp").write_text("x")
    (tmp_path / "content/a1.md~").write_text("x")
    (tmp_path / "content/4913").write_text("")
    (tmp_path / "content/.git").mkdir()
    (tmp_path / "content/.git/index").write_text("x")
    stop = threading.Event()
    files = watcher.wait(stop)
    assert files is not None and len(files) == 50
    assert all(f.endswith(".md") for f in files)

    (tmp_path / "digest.toml").write_text("title = 'x'\n")  # a single file is watched too
    assert watcher.wait(stop) == [str(tmp_path / "digest.toml")]

    threading.Timer(0.6, stop.set).start()
    started = time.monotonic()
    assert watcher.wait(stop) is None  # nothing more was reported before stopping
    assert time.monotonic() - started < 5


def test_notified_changes_as_editors_git_and_shells_make_them(tmp_path) -> None:
    content, sources = tmp_path / "content", tmp_path / "sources"
    content.mkdir()
    (content / "a.md").write_text("a")
    watcher = Watcher(lambda: [content, sources, tmp_path / "digest.toml"])
    stop = threading.Event()

    # An editor's save: write beside, then rename over (a new inode each time).
    for text in ("b", "c"):
        (content / ".a.md.tmp").write_text(text)
        os.replace(content / ".a.md.tmp", content / "a.md")
        assert _rel(watcher.wait(stop), tmp_path) == ["content/a.md"]

    # A folder moved in stands for its files; an empty folder made is no change.
    (tmp_path / "elsewhere/2025").mkdir(parents=True)
    (tmp_path / "elsewhere/2025/b.md").write_text("b")
    (tmp_path / "elsewhere/c.md").write_text("c")
    (content / "empty").mkdir()
    os.rename(tmp_path / "elsewhere", content / "moved")
    assert _rel(watcher.wait(stop), tmp_path) == ["content/moved/2025/b.md", "content/moved/c.md"]
    os.rename(content / "moved", tmp_path / "gone")  # moved out: the folder is named
    assert _rel(watcher.wait(stop), tmp_path) == ["content/moved"]

    # A root missing at the start is reported when it appears, then watched; and when it goes.
    sources.mkdir()
    (sources / "r.json").write_text("{}")
    (content / "a.md").write_text("d")  # same burst: not lost while watching anew
    assert _rel(watcher.wait(stop), tmp_path) == ["content/a.md", "sources/r.json"]
    (sources / "s.json").write_text("{}")
    assert _rel(watcher.wait(stop), tmp_path) == ["sources/s.json"]
    shutil.rmtree(sources)
    assert "sources" in _rel(watcher.wait(stop), tmp_path)  # with its files, if told in time
    (tmp_path / "digest.toml").write_text("x")  # a file root, missing at first
    assert _rel(watcher.wait(stop), tmp_path) == ["digest.toml"]
    (tmp_path / "digest.toml").unlink()
    assert _rel(watcher.wait(stop), tmp_path) == ["digest.toml"]
    (tmp_path / "digest.toml").write_text("y")
    assert _rel(watcher.wait(stop), tmp_path) == ["digest.toml"]
    threading.Timer(0.5, stop.set).start()
    assert watcher.wait(stop) is None  # reported once each time, not again


def test_its_own_writes_are_absorbed_and_roots_are_read_again(tmp_path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    roots = [content]
    watcher = Watcher(lambda: list(roots))
    stop = threading.Event()
    (content / "2025").mkdir()
    (content / "2025/own.md").write_text("written by the import")
    watcher.absorb([str(content / "2025/own.md")])
    (content / "user.md").write_text("saved by the user")
    assert _rel(watcher.wait(stop), tmp_path) == ["content/user.md"]
    (content / "2025/own.md").write_text("then edited by the user")
    assert _rel(watcher.wait(stop), tmp_path) == ["content/2025/own.md"]

    # The config moved the sources: the new root's files count once (the rebuild that read
    # it was not watching it), then its edits are noticed.
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports/a.jsonl").write_text("{}\n")
    roots.append(tmp_path / "imports")
    assert _rel(watcher.wait(stop), tmp_path) == ["imports/a.jsonl"]
    (tmp_path / "imports/a.jsonl").write_text("{}\n{}\n")
    assert _rel(watcher.wait(stop), tmp_path) == ["imports/a.jsonl"]


def test_a_save_is_noticed_in_a_fraction_of_a_second_on_a_big_tree(tmp_path) -> None:
    """Nothing is walked between saves: 2,000 files cost no more than 2."""
    content = tmp_path / "content"
    for day in range(40):
        folder = content / f"2025/{day:03}"
        folder.mkdir(parents=True)
        for i in range(50):
            (folder / f"a{i}.md").write_text("x")
    watcher = Watcher(lambda: [content])
    stop = threading.Event()
    seen = []
    for _ in range(3):
        saved = time.monotonic()
        (content / "2025/024/a7.md").write_text(f"{saved}")
        assert _rel(watcher.wait(stop), tmp_path) == ["content/2025/024/a7.md"]
        seen.append(time.monotonic() - saved)
    assert min(seen) < 1.0, seen  # 0.1-0.2 s quiet; a generous cap for a loaded machine


_LIMITED = """
import sys, threading
from pathlib import Path
from generator.preview.watcher import Watcher
root = Path(sys.argv[1])
watcher = Watcher(lambda: [root / "content"], say=print)
(root / "content/2025/01/new.md").write_text("x")
print(sorted(watcher.wait(threading.Event())), flush=True)
"""


def test_when_the_os_refuses_it_says_so_once_and_polls(tmp_path) -> None:
    """The inotify watch limit, for real: in a user namespace whose limit is 3 watches."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare")
    for day in range(1, 6):
        (tmp_path / f"content/2025/01/{day:02}").mkdir(parents=True)
    limit = 'echo 3 > /proc/sys/user/max_inotify_watches && exec "$0" -c "$1" "$2"'
    run = subprocess.run(
        ["unshare", "-U", "-r", "sh", "-c", limit, sys.executable, _LIMITED, str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    if run.returncode and "unshare" in run.stderr:
        pytest.skip(f"no user namespaces here: {run.stderr}")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines == [
        FALLBACK.format(reason="OS file watch limit reached"),
        str([str(tmp_path / "content/2025/01/new.md")]),
    ]
    assert lines[0] == (
        "The OS refused to report file changes (OS file watch limit reached); watching by "
        "re-reading every file instead, which is slower to notice a save on a big site. To "
        "raise the limit: sudo sysctl fs.inotify.max_user_watches=524288"
    )
