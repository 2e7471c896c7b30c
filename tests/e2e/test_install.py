"""A non-editable install into a fresh venv builds a site from an unrelated folder."""

from __future__ import annotations

import subprocess
import sys
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


@pytest.mark.slow
def test_the_workflow_install_line_installs_from_a_git_url(tmp_path):
    """`digest init --install "news-digest @ git+…"` writes a pip line that really installs
    this project from a git repository (a local copy of this one, reached by a file URL)."""
    import shlex
    import shutil

    import yaml

    repo = tmp_path / "repo"
    files = (
        subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, files):
        if (REPO / rel).is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, repo / rel)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "copy"], check=True)
    subprocess.run([*git, "tag", "v-test"], check=True)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    site = tmp_path / "news"
    # file://localhost/…: the pip a fresh venv brings refuses a git+file URL with no host
    spec = f"news-digest @ git+file://localhost{repo}@v-test"
    init = subprocess.run(
        [sys.executable, "-m", "generator", "init", str(site), "--install", spec],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    flow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())
    line = next(
        s["run"] for s in flow["jobs"]["build"]["steps"] if "pip install" in s.get("run", "")
    )
    assert line == f'pip install "{spec}"'
    argv = shlex.split(line)
    subprocess.run(
        [env_dir / "bin" / "python", "-m", *argv, "-q", "--disable-pip-version-check"],
        check=True, timeout=600,
    )  # fmt: skip
    version = subprocess.run(
        [env_dir / "bin" / "python", "-c",
         "import importlib.metadata as m, generator; "
         "print(m.version('news-digest'), generator.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert version[0] == version[1]
    built = subprocess.run(
        [env_dir / "bin" / "digest", "build", "-q"], cwd=site, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
