"""A non-editable install into a fresh venv builds a site from an unrelated folder."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

from tests.support.sites import REPO, article


@pytest.mark.slow
def test_wheel_install_builds_site_elsewhere(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(REPO)],
        check=True, timeout=600,
    )  # fmt: skip
    work = tmp_path / "elsewhere"
    (work / "content").mkdir(parents=True)
    (work / "content" / "a.md").write_text(article("Installed", "2025-01-01"), encoding="utf-8")
    result = subprocess.run(
        [env_dir / "bin" / "digest", "build", "--clock", "2026-01-01T00:00:00Z"],
        cwd=work, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (work / "site/static/style.css").is_file()
    assert "Installed" in (work / "site/2025/01/01/installed/index.html").read_text()
    installed = subprocess.run(
        [py, "-c", "import generator, pathlib; print(pathlib.Path(generator.__file__).parent)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    shipped = {p.name for p in Path(installed).rglob("*.py")}
    assert "pipeline.py" in shipped
    assert not {name for name in shipped if "bench" in name}  # benchmarks stay in the repo
