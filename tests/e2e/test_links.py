"""Every internal href/src in every page resolves to a file, with the site under /news/.

The resolution rule is generator.publish.check's, the same one `digest check` applies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.publish.check import internal_links, parse_page
from tests.support.sites import REPO, Site

BASE = "https://example.github.io/news/"


def internal_targets(out: Path, base: str = BASE):
    """(page, link, file it should resolve to) for every internal link of every page."""
    for page in sorted(out.rglob("*.html")):
        for link in internal_links(out, base, page, parse_page(page).links):
            assert link.target is not None, f"{page}: {link.href} is outside {base}"
            yield page, link.href, link.target


def test_every_internal_link_of_the_example_site_resolves(tmp_path):
    site = Site(tmp_path / "example")
    shutil.copytree(REPO / "content", site.root / "content", dirs_exist_ok=True)
    shutil.copy(REPO / "digest.toml", site.root / "digest.toml")
    site.build(overrides={"base_url": BASE, "import.paths": []})
    checked = 0
    for page, link, target in internal_targets(site.out):
        assert target.is_file(), f"{page.relative_to(site.out)} links to {link}, which is missing"
        checked += 1
    assert checked > 100


def test_links_resolve_with_pagination_tags_and_duplicate_slugs(site):
    site.config(f'base_url = "{BASE}"\n[pages]\ntopic_page_size = 2\nsource_page_size = 2\n')
    for i in range(7):
        site.add(
            f"a{i}", "Same headline" if i < 3 else f"Story {i}", f"2025-03-0{1 + i % 3}T10:0{i}:00+00:00",
            topic="Economy", source="Dawn", tags=["Budget", "Tax"], url=f"https://dawn.example/{i}",
        )  # fmt: skip
    site.build()
    # 7 articles, 2 a page: page/1/ and page/2/ (the oldest four), the newest three at the topic
    assert (site.out / "topics/economy/page/2/index.html").is_file()
    assert not (site.out / "topics/economy/page/3").exists()
    for page, link, target in internal_targets(site.out):
        assert target.is_file(), f"{page.relative_to(site.out)} links to {link}"
