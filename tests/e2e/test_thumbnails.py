"""Lead-image thumbnails in listings: resolved like the article's own image, lazy, captioned,
and with their box reserved before the image arrives (no layout shift)."""

from __future__ import annotations

import re

import pytest

from tests.support.sites import CHROMIUM_ARGS, Site, local_only, served_under


def thumbs(html: str) -> list[str]:
    return re.findall(r'<img class="thumb"[^>]*>', html)


@pytest.fixture
def pictured(tmp_path):
    site = Site(tmp_path / "pics")
    site.add("a", "Relative picture", "2025-03-01T10:00:00+00:00", image="lead.jpg",
             image_caption="Flood water in Karachi", topic="Weather")  # fmt: skip
    site.add("b", "Hot-linked picture", "2025-03-01T11:00:00+00:00",
             image="https://images.example/b.jpg", topic="Weather")  # fmt: skip
    site.add("c", "No picture", "2025-03-01T12:00:00+00:00", topic="Weather")
    with served_under(tmp_path / "www", "news") as base:
        site.build(overrides={"base_url": base})
        (tmp_path / "www" / "news").symlink_to(site.out, target_is_directory=True)
        yield site, base


def test_listings_show_each_lead_image_as_a_lazy_thumbnail(pictured):
    site, _ = pictured
    for listing in ("2025/03/01/index.html", "topics/weather/index.html"):
        found = thumbs(site.read(listing))
        assert found == [
            '<img class="thumb" src="https://images.example/b.jpg" alt="" width="160" '
            'height="90" loading="lazy" decoding="async">',
            '<img class="thumb" src="/news/2025/03/01/relative-picture/lead.jpg" '
            'alt="Flood water in Karachi" width="160" height="90" loading="lazy" decoding="async">',
        ], listing
    article = site.read("2025/03/01/relative-picture/index.html")
    assert '<meta property="og:image" content="http://127.0.0.1:' in article  # kept


@pytest.mark.browser
def test_a_thumbnail_keeps_its_box_before_its_image_loads(pictured):
    from playwright.sync_api import sync_playwright

    _, base = pictured
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.route("**/*", local_only)  # neither image ever arrives
            page.goto(base + "topics/weather/")
            for box in [t.bounding_box() for t in page.locator("img.thumb").all()]:
                assert box and round(box["width"]) == 128  # 8rem
                assert abs(box["height"] - box["width"] * 9 / 16) < 1.5
        finally:
            browser.close()
