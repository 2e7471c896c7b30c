"""A day page's topic index, clicked in headless Chromium, brings its topic's section into view."""

from __future__ import annotations

import pytest

from tests.support.sites import CHROMIUM_ARGS, local_only

pytestmark = pytest.mark.browser
DAY = "2025/06/10/"  # Business, National, Sport


def test_the_topic_index_jumps_to_its_section(served):
    from playwright.sync_api import sync_playwright

    _, base = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 400})
            page.route("**/*", local_only)
            page.goto(base + DAY)
            index = page.locator("nav.topic-index a")
            assert index.all_inner_texts() == ["Business", "National", "Sport"]
            assert page.locator("nav.topic-index .count").all_inner_texts() == ["1", "2", "1"]
            index.filter(has_text="Sport").click()
            page.wait_for_url(base + DAY + "#t-sport")
            page.wait_for_function(
                "() => Math.abs(document.getElementById('t-sport').getBoundingClientRect().top) < 20"
            )
            assert page.evaluate("() => window.scrollY") > 100
            heading = page.locator("#t-sport")
            assert heading.inner_text() == "Sport"
            assert heading.locator("xpath=..").get_attribute("aria-labelledby") == "t-sport"
        finally:
            browser.close()
