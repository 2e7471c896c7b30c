"""The web's own checkers on the example site served under /news/: Nu Html Checker, axe-core.

The checkers come from npm (package.json at the repo root; `npm ci` installs them
into node_modules/). Without them these tests skip, unless DIGEST_REQUIRE_CHECKERS=1
(set by .ci/run), where a missing checker fails the run instead of hiding it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from generator.publish.check import check_site
from tests.support.sites import CHROMIUM_ARGS, REPO, local_only

NODE_MODULES = REPO / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


def need(path, what: str) -> None:
    if shutil.which(path) if isinstance(path, str) else path.exists():
        return
    message = f"{what} is missing ({path}); run `npm ci` at the repo root"
    if os.environ.get("DIGEST_REQUIRE_CHECKERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def test_nu_html_checker_finds_no_errors_on_any_page(served):
    need(VNU, "the Nu Html Checker (npm vnu-jar)")
    need("java", "java")
    site, _ = served
    pages = sorted(str(p) for p in site.out.rglob("*.html"))
    assert len(pages) > 20
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    found = [
        f"{m.get('url', '').split('/example/site/')[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert not found, "\n".join(found)
    assert done.returncode == 0


def test_check_passes_the_example_site_strictly(served):
    site, base = served
    report = check_site(site.out, base)
    assert not report.errors and not report.warnings, report.errors + report.warnings
    assert report.links > 300 and report.feeds >= 10


def test_every_internal_link_resolves_over_http_under_news(served):
    """Follow every internal link through a real HTTP server rooted above /news/."""
    from urllib.request import urlopen

    from generator.publish.check import internal_links, parse_page

    site, base = served
    seen: set[str] = set()
    for page in sorted(site.out.rglob("*.html")):
        for link in internal_links(site.out, base, page, parse_page(page).links):
            assert link.target is not None, f"{page}: {link.href} is outside /news/"
            url = base + link.target.relative_to(site.out).as_posix()
            if url in seen:
                continue
            seen.add(url)
            with urlopen(url) as response:
                assert response.status == 200, url
    assert len(seen) > 30


AXE_PAGES = {
    "home": "",
    "day": "2025/06/10/",
    "topic": "topics/business/",
    "article": "2025/08/16/invisible-lives/",
    "search": "search/",
    "archive": "archive/",
    "tags": "tags/",
}


@pytest.mark.browser
def test_axe_finds_no_violations(served):
    need(AXE, "axe-core (npm axe-core)")
    from playwright.sync_api import sync_playwright

    site, base = served
    failures = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # the example's lead images live on news sites; keep the test on 127.0.0.1
            page.route("**/*", local_only)
            for name, rel in AXE_PAGES.items():
                assert (site.out / rel / "index.html").is_file(), rel
                page.goto(base + rel)
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run(document)")
                assert result["passes"], f"axe ran no rules on {name}"
                for v in result["violations"]:
                    targets = [n["target"] for n in v["nodes"]][:3]
                    failures.append(f"{name} ({rel}): {v['id']}: {v['help']} at {targets}")
        finally:
            browser.close()
    assert not failures, "\n".join(failures)
