"""Fixtures shared by every test folder; the helpers behind them live in tests/support/."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.preview.server import PreviewServer, ServeOptions, open_preview
from tests.support.preview import SUB_PATH_CONFIG, WAIT, Running
from tests.support.sites import CLOCK, Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site-root")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[str], Site]:
    def factory(name: str) -> Site:
        return Site(tmp_path / name)

    return factory


@pytest.fixture
def serve(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Running]]:
    """Start previews of `site` on free ports in threads; always stopped afterwards."""
    # The pipeline reads content through root-relative paths, so it builds from the root
    # (as Site.build does).
    monkeypatch.chdir(site.root)
    started: list[tuple[PreviewServer, threading.Thread]] = []

    def start(**options) -> Running:
        log: list[str] = []

        def echo(message: str = "", err: bool = False) -> None:
            log.append(message)

        server = open_preview(
            site.root / "digest.toml",
            ServeOptions(port=options.pop("port", 0), **options),
            clock=lambda: CLOCK,
            echo=echo,
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        started.append((server, thread))
        assert server.ready.wait(WAIT)
        return Running(server, log)

    yield start
    for server, thread in started:
        server.stop()
        thread.join(WAIT)
        assert not thread.is_alive()


@pytest.fixture
def news(site: Site) -> Site:
    """A two-article site under /news/, for the preview server's tests."""
    site.config(SUB_PATH_CONFIG)
    site.add("budget", "Budget session extended", "2025-06-10T09:00:00+00:00", slug="budget")
    site.add("cricket", "Test championship flawed", "2025-06-11T10:00:00+00:00", slug="cricket")
    return site
