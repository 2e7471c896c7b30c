"""`digest deploy`: the built site becomes the gh-pages branch of a real repository.

Real git, a real bare repository standing in for GitHub; the user's checkout
(working tree, index, current branch) must come out exactly as it went in.
"""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.support.sites import Site


@pytest.fixture(autouse=True)
def git_identity(monkeypatch, tmp_path):
    """An isolated git: no user or system config leaks in, a fixed identity."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Digest Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.invalid")


def git(repo, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A site in a git checkout on branch main, with one commit and a bare 'origin'."""
    site = Site(tmp_path / "news")
    site.config('title = "Deploy test"\nbase_url = "https://me.github.io/news/"\n')
    site.add("one", "First story", "2025-03-01T10:00:00+00:00", topic="Economy")
    site.write(".gitignore", "site/\n.digest-cache/\n")
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "content")
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    git(site.root, "remote", "add", "origin", str(bare))
    site.build()
    site.write("notes.txt", "unsaved work\n")  # untracked user work
    monkeypatch.chdir(site.root)
    return site, bare


def deploy(*args: str):
    return CliRunner().invoke(main, ["deploy", *args])


def tree(repo, ref: str) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", ref).splitlines())


def test_no_push_commits_the_site_with_nojekyll_and_leaves_the_checkout_alone(project):
    site, bare = project
    before = (git(site.root, "rev-parse", "HEAD"), git(site.root, "status", "--porcelain"))
    result = deploy("--no-push")
    assert result.exit_code == 0, result.output
    files = tree(site.root, "gh-pages")
    assert files == set(site.snapshot(search=True))
    assert ".nojekyll" in files and "index.html" in files and "feed.xml" in files
    assert git(site.root, "show", "gh-pages:index.html") == site.read("index.html").rstrip("\n")
    assert git(site.root, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert (git(site.root, "rev-parse", "HEAD"), git(site.root, "status", "--porcelain")) == before
    assert git(bare, "branch", "--list") == ""  # nothing pushed


def test_deploy_pushes_and_only_commits_when_the_site_changed(project):
    site, bare = project
    assert deploy("-m", "Publish 1").exit_code == 0
    first = git(bare, "rev-parse", "gh-pages")
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "Publish 1"
    assert tree(bare, "gh-pages") == set(site.snapshot(search=True))

    again = deploy()
    assert again.exit_code == 0 and "unchanged" in again.output
    assert git(bare, "rev-parse", "gh-pages") == first

    site.add("two", "Second story", "2025-03-02T10:00:00+00:00", topic="Economy")
    site.build()
    assert deploy().exit_code == 0
    second = git(bare, "rev-parse", "gh-pages")
    assert second != first
    assert git(bare, "rev-parse", "gh-pages^") == first  # history kept, fast-forward
    assert "2025/03/02/second-story/index.html" in tree(bare, "gh-pages")
    assert git(site.root, "rev-parse", "--abbrev-ref", "HEAD") == "main"


def test_removed_pages_leave_the_branch(project):
    site, _ = project
    assert deploy("--no-push").exit_code == 0
    (site.root / "content" / "one.md").unlink()
    site.build()
    assert deploy("--no-push").exit_code == 0
    assert not any("first-story" in f for f in tree(site.root, "gh-pages"))


def test_errors_name_the_problem_and_change_nothing(project, tmp_path):
    _site, _ = project
    missing_remote = deploy("--remote", "upstream")
    assert missing_remote.exit_code == 1
    assert "no remote named 'upstream'" in missing_remote.output
    bad = deploy("--branch", "bad..name", "--no-push")
    assert bad.exit_code == 1 and "not a valid branch name" in bad.output
    unbuilt = deploy("-o", str(tmp_path), "--no-push")
    assert unbuilt.exit_code == 1 and "run `digest build` first" in unbuilt.output
    assert "Traceback" not in missing_remote.output + bad.output + unbuilt.output


def test_outside_a_repository_says_so(tmp_path, monkeypatch):
    site = Site(tmp_path / "plain")
    site.config('base_url = "https://me.github.io/"\n')
    site.add("one", "Story", "2025-03-01T10:00:00+00:00")
    site.build()
    monkeypatch.chdir(site.root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = deploy("--no-push")
    assert result.exit_code == 1
    assert "not inside a git repository" in result.output


def test_an_output_folder_outside_the_repository_deploys_too(project, tmp_path):
    site, _ = project
    elsewhere = tmp_path / "elsewhere"
    site.build(output=elsewhere)
    result = deploy("-o", str(elsewhere), "--no-push")
    assert result.exit_code == 0, result.output
    assert ".nojekyll" in tree(site.root, "gh-pages")
    assert "index.html" in tree(site.root, "gh-pages")


def test_a_half_committed_build_is_rolled_back_before_publishing(project, tmp_path):
    """A build killed mid-commit left one page new and a journal: deploy publishes the old site."""
    import json
    import os

    from generator.build.writer import flat_name, make_flat

    site, _bare = project
    page = site.out / "2025/03/01/first-story/index.html"
    old = page.read_bytes()
    backup = site.root / ".site.backup-1"
    make_flat(backup)
    os.link(page, backup / flat_name("2025/03/01/first-story/index.html"))
    page.unlink()  # commit() replaces files (new inodes); the backup keeps the old one
    page.write_bytes(b"half-built page")
    (site.root / ".site.journal").write_text(
        json.dumps({"staging": str(site.root / ".site.staging-1"), "backup": str(backup),
                    "changed": ["2025/03/01/first-story/index.html"], "added": [], "removed": []})
    )  # fmt: skip
    result = deploy("--no-push")
    assert result.exit_code == 0, result.output
    published = git(site.root, "show", "gh-pages:2025/03/01/first-story/index.html")
    assert published.encode() == old.rstrip(b"\n")
    assert page.read_bytes() == old and not (site.root / ".site.journal").exists()


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8000/", "http://localhost:4000/news/", "http://[::1]:8000/", None],
)
def test_a_site_built_for_this_computer_is_refused(project, base_url):
    site, _bare = project
    site.config(f'base_url = "{base_url}"\n' if base_url else 'title = "Default address"\n')
    site.build()
    shown = base_url or "http://127.0.0.1:8000/"
    result = deploy("--no-push")
    assert result.exit_code == 1
    assert result.output == (
        f"error: {site.out}: was built for {shown}, an address on this computer only, so its "
        "links and feeds would not work for readers; set base_url in digest.toml to the "
        'published address (e.g. base_url = "https://USER.github.io/REPO/") or run '
        "`digest build --base-url https://USER.github.io/REPO/`, then deploy again\n"
    )
    assert not git(site.root, "branch", "--list", "gh-pages")
    site.config('base_url = "https://me.github.io/news/"\n')
    site.build()
    assert deploy("--no-push").exit_code == 0
