"""Languages, direction and reading time as a reader sees them: an Urdu article right to left."""

from __future__ import annotations

import re

import pytest

from tests.support.sites import CHROMIUM_ARGS, Site, local_only, served_under
from tests.unit.content.test_language import URDU

URDU_TITLE = "بجٹ میں تعلیم کے لیے اضافہ"
ARTICLE = "2025/03/02/{}/"


@pytest.fixture
def languages(tmp_path):
    """A site with an English and an Urdu article, served under /news/."""
    site = Site(tmp_path / "langs")
    site.add("en", "Budget rises", "2025-03-01T10:00:00+00:00", "word " * 401, topic="Economy")
    site.add("ur", URDU_TITLE, "2025-03-02T10:00:00+00:00", f"{URDU}\n\n{URDU}", topic="Economy")
    site.config("[pages]\nwords_per_minute = 100\n")
    with served_under(tmp_path / "www", "news") as base:
        site.build(overrides={"base_url": base})
        (tmp_path / "www" / "news").symlink_to(site.out, target_is_directory=True)
        yield site, base


def urdu_url(site) -> str:
    [found] = [p.parent for p in site.out.glob("2025/03/02/*/index.html")]
    return found.relative_to(site.out).as_posix() + "/"


def test_an_urdu_article_and_its_headlines_are_marked_rtl(languages):
    site, _ = languages
    page = site.read(urdu_url(site) + "index.html")
    assert f'<h1 lang="ur" dir="rtl">{URDU_TITLE}</h1>' in page
    assert '<div class="body" lang="ur" dir="rtl">' in page
    assert '"inLanguage": "ur"' in page
    assert '<html lang="en">' in page  # the site's own words around it stay English
    for listing in ("index.html", "2025/03/02/index.html", "topics/economy/index.html"):
        html = site.read(listing)
        assert re.search(
            r'class="entry-title" lang="ur" dir="rtl"><a href="[^"]+">' + URDU_TITLE, html
        )
    english = site.read("topics/economy/index.html")
    assert re.search(r'<h2 class="entry-title"><a href="[^"]+">Budget rises', english)


def test_reading_time_uses_words_per_minute(languages):
    site, _ = languages
    # 401 words at 100 words a minute: 5 minutes, rounded up
    assert '<span class="reading-time">5 min read</span>' in site.read(
        "2025/03/01/budget-rises/index.html"
    )
    assert '<span class="reading-time">5 min read</span>' in site.read("topics/economy/index.html")
    urdu_words = 2 * len(URDU.split())
    assert f'<span class="reading-time">{-(-urdu_words // 100)} min read</span>' in site.read(
        urdu_url(site) + "index.html"
    )


@pytest.mark.browser
def test_chromium_lays_the_urdu_article_out_right_to_left(languages):
    from playwright.sync_api import sync_playwright

    site, base = languages
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", local_only)
            page.goto(base + urdu_url(site))
            style = "el => [getComputedStyle(el).direction, getComputedStyle(el).fontFamily]"
            direction, fonts = page.locator("h1").evaluate(style)
            assert direction == "rtl" and "Nastaliq" in fonts
            assert page.locator(".body").evaluate(style)[0] == "rtl"
            assert page.locator("header .site-title").evaluate(style)[0] == "ltr"
            # the first line of the body starts at the right edge of its box
            box = page.locator(".body").bounding_box()
            line = page.evaluate(
                "() => { const r = document.createRange();"
                " const p = document.querySelector('.body p').firstChild;"
                " r.setStart(p, 0); r.setEnd(p, 1); return r.getBoundingClientRect().right; }"
            )
            assert abs(box["x"] + box["width"] - line) < 2
        finally:
            browser.close()
