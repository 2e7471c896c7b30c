"""The web's own checkers, run by the quality tests: the Nu Html Checker and axe-core.

They come from npm (package.json at the repo root; `npm ci` installs them into node_modules/).
Without them the tests skip, unless DIGEST_REQUIRE_CHECKERS=1 (set by .ci/run), where a
missing checker fails the run instead of hiding it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.sites import REPO

NODE_MODULES = REPO / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


def need(path: str | Path, what: str) -> None:
    if shutil.which(path) if isinstance(path, str) else path.exists():
        return
    message = f"{what} is missing ({path}); run `npm ci` at the repo root"
    if os.environ.get("DIGEST_REQUIRE_CHECKERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def nu_errors(pages: list[Path], root: Path) -> list[str]:
    """The Nu Html Checker's errors on `pages`, each as `page:line: message` (page relative
    to `root`)."""
    need(VNU, "the Nu Html Checker (npm vnu-jar)")
    need("java", "java")
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    found = [
        f"{m.get('url', '').split(f'{root}/')[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    if not found and done.returncode != 0:
        found.append(f"the Nu checker failed: {done.stderr[-500:]}")
    return found


def axe_violations(page, url: str, name: str) -> list[str]:
    """axe-core's violations on `url`, opened in the Playwright `page`, one line each."""
    need(AXE, "axe-core (npm axe-core)")
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    assert result["passes"], f"axe ran no rules on {name}"
    return [
        f"{name} ({url}): {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
