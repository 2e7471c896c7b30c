"""The file watcher behind `digest serve`: one report per burst of changes."""

from __future__ import annotations

import threading


def test_watcher_reports_a_burst_once_and_ignores_editor_scratch(tmp_path) -> None:
    from generator.preview.watcher import Watcher

    (tmp_path / "content").mkdir()
    watcher = Watcher(lambda: [tmp_path / "content", tmp_path / "digest.toml"])
    for i in range(50):
        (tmp_path / f"content/a{i}.md").write_text("x")
    (tmp_path / "content/.a1.md.swp").write_text("x")
    (tmp_path / "content/a1.md~").write_text("x")
    stop = threading.Event()
    files = watcher.wait(stop)
    assert files is not None and len(files) == 50
    assert all(f.endswith(".md") for f in files)

    (tmp_path / "digest.toml").write_text("title = 'x'\n")  # a single file is watched too
    assert watcher.wait(stop) == [str(tmp_path / "digest.toml")]

    threading.Timer(0.6, stop.set).start()
    assert watcher.wait(stop) is None  # nothing more was reported before stopping
