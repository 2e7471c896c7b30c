"""`digest deploy`: commit the built site to a gh-pages branch and push it.

Plain git plumbing with a temporary index (`add` into it, `write-tree`,
`commit-tree`, `update-ref`), so the user's working tree, index and checked-out
branch are never touched, and a failed deploy leaves the branch where it was.
"""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.build.writer import MARKER
from generator.core.errors import DigestError, Problem
from generator.site.sitemap import PATH as SITEMAP


@dataclass(frozen=True)
class DeployResult:
    branch: str
    commit: str
    changed: bool  # False when the site's tree equals the branch's last commit
    pushed: bool


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
    except FileNotFoundError:
        raise DigestError(Problem("git", "is not installed; install git to deploy")) from None
    if check and done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit {done.returncode}"]
        # git's own verdict ("fatal: ...", "! [rejected] ...") beats its trailing hints
        key = [ln for ln in lines if ln.lstrip().startswith(("fatal:", "error:", "!"))]
        raise DigestError(Problem(repo, f"git {args[0]} failed: {' / '.join(key or lines[-1:])}"))
    return done.stdout.strip() if done.returncode == 0 else ""


_FIRST_LOC = re.compile(rb"<loc>([^<]*)</loc>")


def built_for(site: Path) -> str | None:
    """The address a built site links to: its sitemap's first URL (the home page), as
    every page's canonical link and every feed item carry the same base_url."""
    try:
        with open(site / SITEMAP, "rb") as handle:
            found = _FIRST_LOC.search(handle.read(4096))
    except OSError:
        return None
    return found.group(1).decode("utf-8", "replace").replace("&amp;", "&") if found else None


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def refuse_local(site: Path) -> None:
    """A site built for 127.0.0.1 would go live with every link, feed and canonical URL
    pointing at the reader's own machine."""
    url = built_for(site)
    if url is not None and is_loopback(url):
        raise DigestError(
            Problem(
                site,
                f"was built for {url}, an address on this computer only, so its links and "
                "feeds would not work for readers; set base_url in digest.toml to the "
                'published address (e.g. base_url = "https://USER.github.io/REPO/") or '
                "run `digest build --base-url https://USER.github.io/REPO/`, then deploy again",
            )
        )


def _repository(folder: Path) -> Path:
    top = _git(folder, "rev-parse", "--show-toplevel", check=False)
    if not top:
        raise DigestError(
            Problem(folder, "is not inside a git repository; run `git init` there first")
        )
    return Path(top)


def deploy(
    site: Path,
    project: Path,
    branch: str = "gh-pages",
    remote: str = "origin",
    message: str = "",
    push: bool = True,
) -> DeployResult:
    """Commit `site` (a built digest output folder) as the whole tree of `branch` in the
    git repository holding `project` (the site's root folder; `site` may live elsewhere)."""
    if not (site / MARKER).is_file():
        raise DigestError(
            Problem(site, f"is not a built digest site (no {MARKER}); run `digest build` first")
        )
    refuse_local(site)
    repo = _repository(project)
    ref = f"refs/heads/{branch}"
    if subprocess.run(["git", "check-ref-format", ref], capture_output=True).returncode:
        raise DigestError(Problem(branch, "is not a valid branch name"))
    parent = _git(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    if not parent:  # first deploy from this clone: build on the remote's branch if known
        parent = _git(
            repo, "rev-parse", "--verify", "-q", f"refs/remotes/{remote}/{branch}^{{commit}}",
            check=False,
        )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="digest-deploy-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), "GIT_WORK_TREE": str(site.resolve())}
        # -f: the repository's ignore rules (which usually list site/) must not drop pages
        _git(repo, "add", "-A", "-f", ".", env=env)
        tree = _git(repo, "write-tree", env=env)
    old_tree = _git(repo, "rev-parse", f"{parent}^{{tree}}") if parent else ""
    changed = tree != old_tree
    commit = parent
    if changed:
        source = _git(repo, "rev-parse", "--short", "HEAD", check=False)
        text = message or "Publish site" + (f" built from {source}" if source else "")
        args = ["commit-tree", tree, "-m", text] + (["-p", parent] if parent else [])
        commit = _git(repo, *args)
        _git(repo, "update-ref", "-m", "digest deploy", ref, commit, parent or "0" * 40)
    elif not _git(repo, "rev-parse", "--verify", "-q", ref, check=False):
        _git(repo, "update-ref", ref, commit)  # adopt the remote's branch locally
    if push:
        if not _git(repo, "remote", "get-url", remote, check=False):
            raise DigestError(
                Problem(repo, f"has no remote named {remote!r}; add it, pass --remote, "
                        "or use --no-push")
            )  # fmt: skip
        _git(repo, "push", "--quiet", remote, f"{ref}:{ref}")
    return DeployResult(branch, commit, changed, push)
