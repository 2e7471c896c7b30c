"""The hostile-input corpus (tests/hostile/cases.toml): every case builds to a correct page
or fails with a clear error; never a traceback, a file outside site/, or a runnable script.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.core.errors import DigestError
from tests.support.safety import ALL_CASES, files_under, output_problems
from tests.support.sites import CLOCK, HOSTILE, REPO, Site

CASES = [c for c in ALL_CASES if c.get("kind", "content") in ("content", "import")]
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


def _cli(site: Site, *args: str) -> tuple[bool, str]:
    """The real command in a real process, memory-capped; returns (succeeded, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=site.root, capture_output=True,
        text=True, timeout=300, env=env, preexec_fn=_limit_memory,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode == 0, proc.stderr


def build(site: Site, case: dict) -> tuple[bool, str]:
    """(succeeded, messages) of building the site, as a subprocess for `cli` cases."""
    if case.get("cli"):
        future = ["--future"] if case.get("future") else []
        return _cli(site, "build", "-q", "-j", "1", "--clock", CLOCK.isoformat(), *future)
    try:
        site.build(future=case.get("future", False), jobs=1)
    except DigestError as exc:  # anything else fails the test with its traceback
        return False, str(exc)
    return True, ""


def import_sources(site: Site, case: dict) -> tuple[bool, str]:
    """(succeeded, messages) of `digest import in/` for an importer case (--strict: a record
    that failed shows in the exit code)."""
    args = ("import", "in", "--date", "2021-08-11", "--wait", "0", "--strict")
    if case.get("cli"):
        return _cli(site, *args)
    cwd = os.getcwd()
    os.chdir(site.root)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=True)
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code == 0, result.output


def _article_pages(out: Path) -> list[Path]:
    return sorted(out.glob("[0-9]*/[0-9]*/[0-9]*/*/index.html"))


def _text(path: Path) -> str:
    return " ".join(lxml.html.parse(str(path)).getroot().text_content().split())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hostile_case(case: dict, site: Site, tmp_path: Path) -> None:
    importing = case.get("kind") == "import"
    content = site.root / ("in" if importing else "content")
    content.mkdir(exist_ok=True)
    names = case.get("files", [] if "make" in case else [f"{case['id']}.md"])
    for name in names:
        shutil.copyfile(HOSTILE / name, content / Path(name).name)
    names = [Path(name).name for name in names]
    if "make" in case:
        names = MAKERS[case["make"]](content)
    if "config" in case:
        site.config(case["config"])
    before = files_under(tmp_path)

    if importing:
        imported, message = import_sources(site, case)
        new = files_under(tmp_path) - before
        assert all(p.startswith(("site-root/content/", "site-root/.digest-cache/")) for p in new)
        written = sorted(files_under(site.root / "content"))
        if case["expect"] == "failed":
            assert not imported and written == [], (message, written)
            assert any(name in message for name in names) and case["says"] in message, message
            return
        assert imported and written, message
        assert "writes" not in case or case["writes"] in written, written
        before = files_under(tmp_path)

    built, message = build(site, case)

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
        page = lxml.html.parse(str(pages[0])).getroot()
        assert page.find(".//h1").text_content() == case["h1"]
        for block in page.xpath('//script[@type="application/ld+json"]'):
            assert json.loads(block.text)["headline"] == case["h1"]
    text = " ".join(_text(p) for p in sorted(site.out.rglob("*.html")))
    for shown in case.get("shows", []):
        assert " ".join(shown.split()) in text
    for rel in (case.get("path"), case.get("output")):
        assert rel is None or (site.out / rel).is_file(), sorted(files_under(site.out))
    assert not list(site.root.glob(".site.*")), "staging folders left behind"


def test_corpus_covers_the_issue() -> None:
    """At least 60 cases, each section of the issue's list represented."""
    assert len(ALL_CASES) >= 60
    sections = {c["section"] for c in ALL_CASES}
    assert {"markup", "front matter", "names", "import", "serve"} <= sections
    ids = [c["id"] for c in ALL_CASES]
    assert len(ids) == len(set(ids))
    print(
        f"\n{len(ALL_CASES)} cases: "
        + ", ".join(f"{s} {sum(c['section'] == s for c in ALL_CASES)}" for s in sorted(sections))
    )
