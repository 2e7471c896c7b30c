"""The quality bars on a generated archive built for and served under /news/: a 98-article day,
three-line and unbroken headlines, Urdu headlines, lead images (tests/support/quality_site.py).

400 articles by default (a few seconds to build); DIGEST_QUALITY_ARTICLES=5000 checks the
size the issue names (about 20 s more on an idle machine).
"""

from __future__ import annotations

import os
import re

import pytest

from tests.support import quality_site
from tests.support.checkers import axe_violations, nu_errors
from tests.support.sites import CHROMIUM_ARGS, Site, served_under

ARTICLES = int(os.environ.get("DIGEST_QUALITY_ARTICLES", "400"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated")
    site = Site(quality_site.make_site(root / "site-root", ARTICLES))
    with served_under(root / "www", "news") as base:
        site.build(clock=quality_site.CLOCK, overrides={"base_url": base})
        (root / "www" / "news").symlink_to(site.out, target_is_directory=True)
        yield site, base


def test_the_checked_pages_show_stories_from_two_sources_and_related_articles(generated):
    """The checkers must see what clusters add: "Also reported by" on the home, day and
    article pages, and related articles on the article page."""
    site, _ = generated
    for name in ("home", "day", "article"):
        html = site.read(quality_site.PAGES[name] + "index.html")
        assert "Also reported by" in html, name
    for name in ("home", "day"):  # a story's second report is listed under its first
        html = site.read(quality_site.PAGES[name] + "index.html")
        assert html.count('<p class="also">') >= 10, name
        assert html.count("hurt as flood hits Sukkur") == 1, name
        entry = html.split("hurt as flood hits Sukkur")[1].split("</li>")[0]
        assert '<p class="also">Also reported by' in entry and "Sukkur floods leaves" in entry
    article = site.read(quality_site.PAGES["article"] + "index.html")
    assert "Also reported by Source 1: Sukkur floods leaves 7 injured" in re.sub(
        r"<[^>]+>", "", article
    )
    related = re.search(r'<section class="related".*?</section>', article, re.S)
    assert related and related[0].count("<li>") >= 3


def test_nu_html_checker_finds_no_errors_on_each_page_kind(generated):
    site, _ = generated
    pages = [site.out / rel / "index.html" for rel in quality_site.PAGES.values()]
    assert all(p.is_file() for p in pages)
    found = nu_errors(pages, site.out)
    assert not found, "\n".join(found)


@pytest.mark.browser
def test_axe_finds_no_violations_and_every_request_stays_on_the_site(generated):
    from playwright.sync_api import sync_playwright

    _, base = generated
    failures, elsewhere = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: r.url.startswith(base) or elsewhere.append(r.url))
            for name, rel in quality_site.PAGES.items():
                failures += axe_violations(page, base + rel, name)
        finally:
            browser.close()
    assert not failures, "\n".join(failures)
    assert not elsewhere  # no external asset: no font, script, style or image from elsewhere


def test_listing_metadata_items_have_no_space_between_them(generated):
    """The " · " between a listing's time, source, topic and reading time comes from the
    stylesheet alone; a space from the template beside it made the gaps uneven."""
    site, _ = generated
    for rel in ("", f"{quality_site.BUSY_DAY:%Y/%m/%d}/", "topics/topic-business/"):
        metas = re.findall(r'<p class="meta">\s*(.*?)\s*</p>', site.read(rel + "index.html"), re.S)
        assert len(metas) >= 10
        for meta in metas:
            assert not re.search(r">\s+<", meta), meta
    article = site.read(quality_site.PAGES["article"] + "index.html")
    meta = re.search(r'<p class="meta">\s*(.*?)\s*</p>', article, re.S)
    assert meta and meta[1].count("</span><") >= 2 and not re.search(r">\s+<", meta[1])


@pytest.mark.browser
def test_busy_pages_fit_the_screen_and_lay_urdu_headlines_right_to_left(generated):
    """A reader's view of the 98-article day and the front page, on a phone and a laptop:
    nothing wider than the screen (an unbroken 90-letter headline wraps), headlines in the
    text's colour on every listing, thumbnails in their 16:9 boxes, Urdu headlines right to
    left."""
    from playwright.sync_api import sync_playwright

    _, base = generated
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for width in (360, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(base + quality_site.PAGES["day"] + "busy-13/")  # the unbroken word
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= width, f"an article is {wide}px wide on a {width}px screen"
                for rel in ("", quality_site.PAGES["day"]):
                    page.goto(base + rel)
                    where = f"{rel or 'home'} on a {width}px screen"
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    assert wide <= width, f"{where} is {wide}px wide"
                    # headlines, and those of other reports of one story (random Urdu
                    # words from a small vocabulary read as one story)
                    urdu = page.locator(".entry-title[lang=ur], .also a[lang=ur]")
                    assert urdu.count() >= 10
                    assert {urdu.nth(i).evaluate("e => getComputedStyle(e).direction")
                            for i in range(urdu.count())} == {"rtl"}  # fmt: skip
                    colours = page.evaluate(
                        """() => [...document.querySelectorAll('.entry-title a')].map(
                            a => getComputedStyle(a).color)"""
                    )  # only the topic headings are red
                    assert set(colours) == {page.evaluate("getComputedStyle(document.body).color")}
                    boxes = [t.bounding_box() for t in page.locator("img.thumb").all()]
                    assert len(boxes) >= 20, where  # some reports are folded into a story
                    for box in boxes:
                        assert box and abs(box["height"] - box["width"] * 9 / 16) < 1.5, where
                page.close()
        finally:
            browser.close()


def test_the_lead_image_has_its_box_and_is_fetched_first(generated):
    """The lead image is usually the largest thing on an article's first screen: lazy, it
    came last (Lighthouse's LCP 2.7 s); without a size, the text jumped when it arrived."""
    site, _ = generated
    img = re.search(r'<figure class="lead-image">\s*(<img [^>]*>)', site.read(
        quality_site.PAGES["article"] + "index.html"))  # fmt: skip
    assert img and 'width="1200" height="675" fetchpriority="high"' in img[1]
    assert "lazy" not in img[1]
