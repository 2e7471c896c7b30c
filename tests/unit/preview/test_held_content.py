"""The preview's map of content/ follows the watcher's reports to exactly what a walk finds:
after each change, the held map must equal content_stats(), order included (the import's
first file of two with one id wins by that order)."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from generator.content.files import content_stats
from generator.preview.held_content import HeldContent


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _follows(held: HeldContent, content: Path, changed: list[str]) -> dict:
    found = held.current(content, changed)
    walked = content_stats(content)
    assert list(found.items()) == list(walked.items())
    return found


def test_the_held_map_equals_a_walk_after_every_kind_of_change(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for k in range(30):
        _write(content / f"2025/06/{k % 5:02d}/story-{k}.md", f"story {k}\n")
    held = HeldContent()
    first = _follows(held, content, [])
    pick = random.Random(7)
    for step in range(200):
        files = sorted(content.rglob("*.md"))
        kind = pick.choice(["edit", "add", "delete", "hidden", "other", "rmdir", "replace"])
        changed: list[str] = []
        if kind == "edit" and files:
            target = pick.choice(files)
            changed.append(_write(target, target.read_text() + "more\n"))
        elif kind == "add":  # a new day's folder or an existing one
            day = f"2025/07/{pick.randrange(3):02d}" if pick.random() < 0.5 else "2025/06/01"
            changed.append(_write(content / day / f"new-{step}.md", f"new {step}\n"))
        elif kind == "delete" and files:
            target = pick.choice(files)
            target.unlink()
            changed.append(str(target))
        elif kind == "hidden":
            changed.append(_write(content / ".drafts" / f"d{step}.md", "hidden\n"))
            changed.append(_write(content / "2025" / f".scratch-{step}.md", "hidden\n"))
        elif kind == "other":  # not an article: an image beside one
            changed.append(_write(content / "2025/06/00" / f"photo-{step}.jpg", "jpeg\n"))
        elif kind == "rmdir":  # the watcher may name only the folder of a deleted tree
            days = sorted({p.parent for p in files})
            if days:
                day = pick.choice(days)
                shutil.rmtree(day)
                changed.append(str(day))
        elif kind == "replace" and files:  # an editor's save: a new file renamed over it
            target = pick.choice(files)
            tmp = _write(target.with_name(target.name + ".tmp"), "saved anew\n")
            os.replace(tmp, target)
            changed += [tmp, str(target)]
        found = _follows(held, content, changed)
        assert found is first, "followed, not walked again"


def test_a_folder_moved_in_is_walked(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _write(content / "a.md", "a\n")
    held = HeldContent()
    first = held.current(content, None)
    _write(tmp_path / "elsewhere/2025/b.md", "b\n")
    (tmp_path / "elsewhere/2025").rename(content / "2025")
    found = _follows(held, content, [str(content / "2025")])
    assert found is not first
    assert "2025/b.md" in found


def test_unknown_changes_another_folder_or_a_drop_walk_again(tmp_path: Path) -> None:
    content, other = tmp_path / "content", tmp_path / "other"
    _write(content / "a.md", "a\n")
    _write(other / "b.md", "b\n")
    held = HeldContent()
    first = held.current(content, None)
    unnamed = _write(content / "c.md", "c\n")  # changed without the watcher naming it
    assert "c.md" not in held.current(content, [])
    assert "c.md" in _follows(held, content, None)  # None: any file may have changed
    assert list(held.current(other, [])) == ["b.md"]
    assert held.current(content, []) is not first
    held.drop()
    os.unlink(unnamed)
    assert "c.md" not in held.current(content, [])
