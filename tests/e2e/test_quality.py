"""The web's own checkers on the example site served under /news/: Nu Html Checker, axe-core
(tests/support/checkers.py). test_quality_generated.py runs them on a generated archive."""

from __future__ import annotations

import pytest

from generator.publish.check import check_site
from tests.support.checkers import axe_violations, nu_errors
from tests.support.sites import CHROMIUM_ARGS, local_only


def test_nu_html_checker_finds_no_errors_on_any_page(served):
    site, _ = served
    pages = sorted(site.out.rglob("*.html"))
    assert len(pages) > 20
    found = nu_errors(pages, site.out)
    assert not found, "\n".join(found)


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
                failures += axe_violations(page, base + rel, name)
        finally:
            browser.close()
    assert not failures, "\n".join(failures)
