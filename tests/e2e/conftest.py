"""What the end-to-end tests share: the example site, built for and served under /news/."""

from __future__ import annotations

import shutil

import pytest

from tests.support.sites import CHROMIUM_ARGS, REPO, Site, local_only, served_under


@pytest.fixture(scope="package")
def served(tmp_path_factory):
    """The example site built for and served at http://127.0.0.1:PORT/news/."""
    root = tmp_path_factory.mktemp("quality")
    site = Site(root / "example")
    shutil.copytree(REPO / "content", site.root / "content", dirs_exist_ok=True)
    shutil.copy(REPO / "digest.toml", site.root / "digest.toml")
    with served_under(root / "www", "news") as base:
        site.build(overrides={"base_url": base, "import.paths": []})
        (root / "www" / "news").symlink_to(site.out, target_is_directory=True)
        yield site, base


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab that may fetch nothing but 127.0.0.1."""
    context = browser.new_context()
    tab = context.new_page()
    tab.route("**/*", local_only)
    yield tab
    context.close()
