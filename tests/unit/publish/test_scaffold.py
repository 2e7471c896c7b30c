"""`digest init`: a folder that builds at once and a Pages workflow GitHub will accept."""

from __future__ import annotations

import os
import re
import tomllib

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.core.config import Config
from tests.support.workflows import build_cache_step


def run(*args: str, cwd=None):
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


def test_init_then_build_and_check_succeed(tmp_path):
    folder = tmp_path / "news"
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    for rel in ("digest.toml", ".gitignore", "templates/README.md", ".github/workflows/pages.yml"):
        assert (folder / rel).is_file(), rel
    assert len(list((folder / "content").rglob("*.md"))) == 1
    built = run("build", "-q", cwd=folder)
    assert built.exit_code == 0, built.output
    assert list((folder / "site").rglob("welcome-to-your-news-digest/index.html"))
    checked = run("check", "--strict", cwd=folder)
    assert checked.exit_code == 0, checked.output
    ignored = (folder / ".gitignore").read_text().split()
    assert {"site/", ".digest-cache/", ".digest-preview/", ".site.*"} <= set(ignored)


def test_workflow_is_valid_yaml_with_the_pages_permissions_and_pinned_actions(tmp_path):
    assert run("init", str(tmp_path), "--install", "digest==9.9").exit_code == 0
    text = (tmp_path / ".github/workflows/pages.yml").read_text()
    flow = yaml.safe_load(text)
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = flow["jobs"]["build"]["steps"] + flow["jobs"]["deploy"]["steps"]
    uses = {s["uses"].split("@")[0]: s["uses"].split("@")[1] for s in steps if "uses" in s}
    assert set(uses) == {
        "actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/cache",
        "actions/upload-pages-artifact", "actions/deploy-pages",
    }  # fmt: skip
    assert all(re.fullmatch(r"v\d+", v) for v in uses.values()), uses
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert re.fullmatch(r"3\.\d+", python["with"]["python-version"])
    runs = " ".join(s.get("run", "") for s in steps)
    assert 'pip install "digest==9.9"' in runs
    configure = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    expression = "${{ steps." + configure["id"] + ".outputs.base_url }}"
    assert f'digest build --base-url "{expression}/"' in runs
    assert f'digest check --base-url "{expression}/"' in runs
    upload = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert flow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_workflow_restores_and_saves_the_build_cache_keyed_by_content(tmp_path):
    assert run("init", str(tmp_path)).exit_code == 0
    flow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    cache = build_cache_step(flow["jobs"]["build"]["steps"])["with"]
    assert cache["path"].split() == [".digest-cache", "site"]  # [paths] cache and output
    assert cache["key"] == (
        "digest-build-${{ hashFiles('content/**', 'templates/**', 'static/**', 'digest.toml') }}"
    )
    assert cache["restore-keys"] == "digest-build-"  # finds the newest earlier one


def test_scaffold_config_lists_every_setting_and_loads(tmp_path):
    assert run("init", str(tmp_path)).exit_code == 0
    text = (tmp_path / "digest.toml").read_text()
    uncommented = re.sub(r"^# (?=[a-z_]+ = )", "", text, flags=re.M)
    data = tomllib.loads(uncommented)
    Config.model_validate(data)  # every commented example is a valid setting
    for name, info in Config.model_fields.items():
        if info.exclude:
            continue
        key = info.alias or name
        assert key in data, f"digest.toml does not mention {key}"
        section = getattr(Config(), name)
        for sub in getattr(type(section), "model_fields", {}):
            assert sub in data[key], f"digest.toml does not mention [{key}] {sub}"


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path):
    (tmp_path / "digest.toml").write_text("title = 'mine'\n")
    (tmp_path / ".gitignore").write_text("mine\n")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert "digest.toml: already exists" in result.output
    assert ".gitignore: already exists" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "digest.toml").read_text() == "title = 'mine'\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "digest.toml"]


def test_default_install_spec_names_this_distribution(tmp_path):
    """The workflow installs the project pyproject.toml describes, not PyPI's unrelated `digest`."""
    from packaging.requirements import Requirement

    from generator import DISTRIBUTION, __version__
    from tests.support.sites import REPO

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "news-digest"
    assert project["version"] == __version__
    assert project["scripts"] == {"digest": "generator.cli:run"}
    assert run("init", str(tmp_path)).exit_code == 0
    flow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    line = next(
        s["run"] for s in flow["jobs"]["build"]["steps"] if "pip install" in s.get("run", "")
    )
    assert line == f'pip install "news-digest=={__version__}"'
    spec = Requirement(line.split('"')[1])
    assert spec.name == project["name"] and str(spec.specifier) == f"=={__version__}"
