"""The hostile-input corpus (tests/hostile/cases.toml): every case builds to a correct page
or fails with a clear error; never a traceback, a file outside site/, or a runnable script.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import lxml.html
import pytest
from conftest import CLOCK, REPO, Site
from hostile.safety import files_under, output_problems

from generator.errors import DigestError

HOSTILE = Path(__file__).parent / "hostile"
CASES = tomllib.loads((HOSTILE / "cases.toml").read_text(encoding="utf-8"))["case"]
MEMORY_LIMIT = 2 * 1024**3  # an expanded alias bomb or a file read whole hits this


def _fifty_mb(content: Path) -> list[str]:
    name = "fifty-megabytes.md"
    with open(content / name, "wb") as handle:
        handle.write(b"---\ntitle: Huge\ndate: 2021-08-11\n---\n\n")
        line = b"All work and no play makes a very long article. " * 20 + b"\n\n"
        for _ in range(50 * 1024**2 // len(line) + 1):
            handle.write(line)
    return [name]


MAKERS = {"fifty_mb": _fifty_mb}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_cli(site: Site, case: dict) -> tuple[bool, str]:
    """The real command in a real process, memory-capped; returns (succeeded, stderr)."""
    args = [sys.executable, "-m", "generator", "build", "-q", "-j", "1"]
    args += ["--clock", CLOCK.isoformat()] + (["--future"] if case.get("future") else [])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        args, cwd=site.root, capture_output=True, text=True, timeout=300, env=env,
        preexec_fn=_limit_memory,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode == 0, proc.stderr


def _run_in_process(site: Site, case: dict) -> tuple[bool, str]:
    try:
        site.build(future=case.get("future", False), jobs=1)
    except DigestError as exc:  # anything else fails the test with its traceback
        return False, str(exc)
    return True, ""


def _article_pages(out: Path) -> list[Path]:
    return sorted(out.glob("[0-9]*/[0-9]*/[0-9]*/*/index.html"))


def _text(path: Path) -> str:
    return " ".join(lxml.html.parse(str(path)).getroot().text_content().split())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hostile_case(case: dict, site: Site, tmp_path: Path) -> None:
    content = site.root / "content"
    names = case.get("files", [] if "make" in case else [f"{case['id']}.md"])
    for name in names:
        shutil.copyfile(HOSTILE / name, content / name)
    if "make" in case:
        names = MAKERS[case["make"]](content)
    if "config" in case:
        site.config(case["config"])
    before = files_under(tmp_path)

    built, message = (_run_cli if case.get("cli") else _run_in_process)(site, case)

    new = files_under(tmp_path) - before
    assert all(p.startswith(("site-root/site/", "site-root/.digest-cache/")) for p in new), new
    if case["expect"] == "error":
        assert not built, f"expected an error, the build succeeded ({case['id']})"
        assert any(name in message for name in names), message
        if "field" in case:
            assert f"field '{case['field']}'" in message, message
        assert case["says"] in message, message
        assert not site.out.exists(), "a failed build wrote output"
        return
    assert built, message
    assert output_problems(site.out) == []
    pages = _article_pages(site.out)
    assert len(pages) == case.get("articles", 1), [p.relative_to(site.out) for p in pages]
    if "h1" in case:
        h1 = lxml.html.parse(str(pages[0])).getroot().find(".//h1")
        assert h1.text_content() == case["h1"]
    text = " ".join(_text(p) for p in sorted(site.out.rglob("*.html")))
    for shown in case.get("shows", []):
        assert " ".join(shown.split()) in text
    for rel in (case.get("path"), case.get("output")):
        assert rel is None or (site.out / rel).is_file(), sorted(files_under(site.out))
    assert not list(site.root.glob(".site.*")), "staging folders left behind"


def test_corpus_covers_the_issue() -> None:
    """At least 60 cases, each section of the issue's list represented."""
    assert len(CASES) >= 60
    sections = {c["section"] for c in CASES}
    assert {"markup", "front matter", "names"} <= sections
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
