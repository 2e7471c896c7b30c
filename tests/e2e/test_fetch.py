"""`digest fetch` and `digest init --fetch` as a user runs them: real processes against a
real feed server on 127.0.0.1."""

from __future__ import annotations

import re

import yaml

from generator.publish.scaffold import WORKFLOW
from tests.support.feed_server import feed_server
from tests.support.sites import run_digest
from tests.support.workflows import build_cache_step

SUMMARY = r"Fetched (\d+) feeds \((\d+) unchanged\), (\d+) new articles, (\d+) failed in \d+ s\n"


def test_fetch_reports_failures_imports_the_rest_then_builds(tmp_path):
    with feed_server() as server:
        b = server.base
        (tmp_path / "digest.toml").write_text(
            f'[fetch]\nfeeds = ["{b}atom.xml", "{b}status/404"]\ndelay = 0.01\nretries = 0\n'
        )
        first = run_digest(tmp_path, "fetch")
        assert first.returncode == 0, first.stderr
        assert first.stderr == (
            f"failed: {b}status/404: not found (HTTP 404); the address has moved or is gone: "
            "look for it on the site\n"
        )
        assert re.fullmatch(SUMMARY, first.stdout).groups() == ("2", "0", "1", "1")
        strict = run_digest(tmp_path, "fetch", "--strict")
        assert strict.returncode == 1
        assert re.fullmatch(SUMMARY, strict.stdout).groups() == ("2", "1", "0", "1")
        named = run_digest(tmp_path, "fetch", f"{b}rss091.xml", "-q")
        assert named.returncode == 0 and named.stderr == ""
        assert re.fullmatch(SUMMARY, named.stdout).groups() == ("1", "0", "1", "0")
    built = run_digest(tmp_path, "build", "-q")
    assert built.returncode == 0, built.stderr
    page = next((tmp_path / "site").rglob("rail-line-reopens-after-six-months/index.html"))
    html = page.read_text()
    assert re.search(
        r'<a href="https://ledger.example/rail-map"[^>]*>forty kilometres of track</a>', html
    )
    assert "<h2>Timetable</h2>" in html and "<blockquote>" in html


def test_fetch_without_subscriptions_or_with_a_bad_url_is_a_usage_error(tmp_path):
    empty = run_digest(tmp_path, "fetch")
    assert empty.returncode == 2
    assert empty.stderr == (
        "error: digest: name feed URLs to fetch, or set [fetch] feeds or [fetch] opml in "
        "digest.toml\n"
    )
    bad = run_digest(tmp_path, "fetch", "example.com/rss")
    assert bad.returncode == 2
    assert bad.stderr == (
        "error: example.com/rss: is not an http(s) URL; write it like https://site/rss.xml\n"
    )


def test_init_fetch_writes_a_scheduled_workflow_that_fetches_commits_builds_checks_deploys(
    tmp_path,
):
    result = run_digest(
        tmp_path, "init", "news", "--install", "digest==9.9",
        "--fetch", "https://a.example/rss.xml", "--fetch", "https://b.example/atom.xml",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(
        "Next: cd news && digest fetch && digest build   (then push to GitHub; see pages.yml)\n"
    )
    site = tmp_path / "news"
    assert (
        'feeds = ["https://a.example/rss.xml", "https://b.example/atom.xml"]'
        in (site / "digest.toml").read_text()
    )
    flow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", triggers["schedule"][0]["cron"])
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read"}
    jobs = flow["jobs"]
    writers = [name for name, job in jobs.items() if job["permissions"].get("contents") == "write"]
    assert writers == ["fetch"]
    assert jobs["build"]["needs"] == "fetch" and jobs["deploy"]["needs"] == "build"
    runs = [s.get("run", "") for s in jobs["fetch"]["steps"]]
    fetch_at = next(i for i, r in enumerate(runs) if r.strip() == "digest fetch")
    commit_at = next(i for i, r in enumerate(runs) if "git commit" in r)
    assert fetch_at < commit_at and "git push" in runs[commit_at]
    assert 'pip install "digest==9.9"' in " ".join(runs)
    build_runs = [s.get("run", "") for s in jobs["build"]["steps"]]
    build_at = next(i for i, r in enumerate(build_runs) if r.startswith("digest build"))
    check_at = next(i for i, r in enumerate(build_runs) if r.startswith("digest check"))
    assert build_at < check_at
    assert jobs["build"]["steps"][0]["with"]["ref"] == "${{ github.ref_name }}"
    uses = [s.get("uses", "") for s in jobs["build"]["steps"]]
    assert uses[-1].startswith("actions/upload-pages-artifact@")
    assert jobs["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
    # The fetch state is committed with content/, never left to an Actions cache.
    assert not any(s.get("uses", "").startswith("actions/cache@") for s in jobs["fetch"]["steps"])
    assert "git add fetch-state.json" in runs[commit_at]
    plain = yaml.safe_load(WORKFLOW.format(python="3.12", install="digest==9.9"))
    assert build_cache_step(jobs["build"]["steps"]) == build_cache_step(
        plain["jobs"]["build"]["steps"]
    )  # the build job restores its cache exactly as the plain workflow does
    # Build and deploy are the plain workflow's jobs, run after the fetch with Pages rights.
    pages = {"pages": "write", "id-token": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", **pages}
    assert jobs["deploy"]["permissions"] == pages
    for name in ("build", "deploy"):
        job = {k: v for k, v in jobs[name].items() if k not in ("permissions", "needs")}
        plain_job = {k: v for k, v in plain["jobs"][name].items() if k != "needs"}
        job["steps"] = [{k: v for k, v in s.items() if k != "with" or "ref" not in v}
                        for s in job["steps"]]  # fmt: skip
        assert job == plain_job, name
    built = run_digest(site, "build", "-q")  # the new site builds before any fetch
    assert built.returncode == 0, built.stderr


def test_a_terminal_sees_a_progress_bar_for_feeds_then_pages(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    with feed_server() as server:
        (tmp_path / "digest.toml").write_text(
            f'[fetch]\nfeeds = ["{server.base}rss.xml"]\ndelay = 0.2\n'
        )
        master, slave = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "fetch"],
            cwd=tmp_path, stdin=slave, stdout=slave, stderr=slave,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
        )  # fmt: skip
        os.close(slave)
        output = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0
        os.close(master)
    text = output.decode("utf-8", "replace")
    assert "Feeds" in text and "Pages" in text
    assert re.search(SUMMARY.rstrip("\\n"), text)
