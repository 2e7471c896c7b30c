"""A preview rebuild reuses its last settled import only where importing again would decide
the same: after each scenario, `digest import` on the very same files must find nothing to do
(the preview left content/ as the import would have)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.core.config import load_config
from generator.core.locking import site_lock
from generator.importing.importer import import_configured
from generator.preview.rebuild import Preview, ServeOptions
from tests.support.preview import SUB_PATH_CONFIG, WAIT, Running
from tests.support.sites import CLOCK, Site

FIRST = "Talks resume in Doha\nJune 10, 2025\n\nThe talks resumed.\n"


def _with_sources(news: Site) -> None:
    news.config(SUB_PATH_CONFIG + '[import]\npaths = ["sources"]\n')
    news.write("sources/World/first.txt", FIRST)
    news.write("sources/World/second.txt", "Ceasefire holds\nJune 11, 2025\n\nIt held.\n")


def _hand(news: Site, title: str) -> Path:
    return news.add("hand", title, "2025-06-12T10:00:00+00:00", url="https://example.org/hand")


def _stamps(news: Site) -> tuple[int, ...]:
    """The import's own files: any import that is not a replay rewrites one of them."""
    cache = news.root / ".digest-cache"
    names = ("import-index.marshal", "import-settled.json", "import-sources.marshal")
    return tuple(os.stat(cache / name).st_mtime_ns if (cache / name).exists() else 0 for name in names)  # fmt: skip


def _rebuild(running: Running, edit) -> None:
    builds = running.builds
    edit()
    running.wait_builds(builds + 1)


def _imported(news: Site, words: str) -> Path:
    return next(p for p in (news.root / "content").rglob("*.md") if words in p.read_text())


def _page(news: Site, path: Path) -> str:
    """The preview's URL of an imported article (content/YYYY/MM/DD/<slug>.md)."""
    return "/news/" + path.relative_to(news.root / "content").as_posix()[: -len(".md")] + "/"


def _nothing_left_to_import(news: Site) -> None:
    config = load_config(news.root / "digest.toml")
    with site_lock(config.path("cache"), "import"):  # as `digest import`: after the preview's
        report, _ = import_configured(config, CLOCK)
    counts = report.counts()
    assert (counts["new"], counts["updated"]) == (0, 0), report.items


def test_a_content_or_static_save_reuses_the_settled_import(news: Site, serve) -> None:
    _with_sources(news)
    running = serve()
    # The first import wrote files, so the next one runs (and settles: it writes nothing).
    _rebuild(running, lambda: _hand(news, "Written by hand"))
    settled = _stamps(news)
    assert all(settled)
    _rebuild(running, lambda: _hand(news, "Retitled by hand"))  # its id is its URL's
    assert "Retitled by hand" in running.raw("/news/2025/06/12/")[2]
    _rebuild(running, lambda: news.write("static/extra.css", "body{}"))
    assert _stamps(news) == settled  # neither save ran the import
    _nothing_left_to_import(news)

    # A source saved: imported again.
    _rebuild(running, lambda: news.write("sources/World/first.txt", FIRST.replace("Doha", "Oslo")))
    assert _stamps(news) != settled
    assert "Talks resume in Oslo" in running.raw("/news/2025/06/10/")[2]
    _nothing_left_to_import(news)


def _settled_with(news: Site, serve):
    """A preview of the sources with one hand-written file saved (the import then settles),
    and the imported file of "Ceasefire holds"."""
    _with_sources(news)
    running = serve()
    _rebuild(running, lambda: _hand(news, "Written by hand"))
    return running, _imported(news, "Ceasefire holds")


def test_a_deleted_imported_file_comes_back_as_the_import_brings_it(news: Site, serve) -> None:
    running, imported = _settled_with(news, serve)
    _rebuild(running, imported.unlink)
    assert imported.is_file()
    assert "Ceasefire holds" in running.raw(_page(news, imported))[2]
    _nothing_left_to_import(news)


def test_undoing_a_hand_edit_lets_the_newer_source_in(news: Site, serve) -> None:
    """The import read that file's text to keep the hand edit: a save of it imports again,
    though its index entry (id, source hash, copy key) is unchanged."""
    _with_sources(news)
    running = serve()
    imported = _imported(news, "The talks resumed.")
    as_imported = imported.read_text()
    _rebuild(running, lambda: imported.write_text(as_imported + "\nEdited by hand.\n"))
    _rebuild(running, lambda: news.write("sources/World/first.txt", FIRST + "\nMore talks.\n"))
    page = running.raw(_page(news, imported))[2]
    assert "Edited by hand." in page and "More talks." not in page  # kept, as import does
    _rebuild(running, lambda: imported.write_text(as_imported))  # undone in the editor
    page = running.raw(_page(news, imported))[2]
    assert "More talks." in page and "Edited by hand." not in page
    _nothing_left_to_import(news)


def test_what_changed_while_the_config_was_broken_is_not_forgotten(news: Site, serve) -> None:
    running, imported = _settled_with(news, serve)
    good = (news.root / "digest.toml").read_text()

    def break_both() -> None:
        imported.unlink()
        news.write("digest.toml", good + "[import\n")

    _rebuild(running, break_both)
    assert running.raw("/news/")[0] == 500
    _rebuild(running, lambda: news.write("digest.toml", good))
    deadline = time.monotonic() + WAIT
    while running.raw("/news/")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert imported.is_file()
    _nothing_left_to_import(news)


def test_the_import_settles_while_the_preview_is_idle(news: Site) -> None:
    """An import that wrote files is followed by one that reads the archive again before it
    settles: the preview runs that one between rebuilds, so the next save of a content file
    replays it instead of waiting for it."""
    _with_sources(news)
    _hand(news, "Written by hand")
    config_path = news.root / "digest.toml"
    preview = Preview(
        config_path, load_config(config_path), "http://127.0.0.1:8000", ServeOptions(),
        lambda: CLOCK, lambda *args, **kwargs: None,
    )  # fmt: skip
    preview.rebuild(None)  # the first import writes every article
    preview.settle()
    first = preview.take_written()  # the watcher is told they are the preview's own
    imported = sorted(str(p) for p in (news.root / "content").glob("*/*/*/*.md"))
    assert len(imported) == 2 and sorted(first) == imported
    settled = _stamps(news)
    assert preview.rebuild([str(_hand(news, "Retitled by hand"))])
    assert _stamps(news) == settled  # its report replayed: the import did not run
    source = news.write("sources/World/first.txt", FIRST.replace("Doha", "Oslo"))
    preview.rebuild([str(source)])  # imported again: the article is updated
    assert preview.take_written() == [str(_imported(news, "Oslo"))]
    # Saved again before the idle import: that import writes it, as the preview's own.
    news.write("sources/World/first.txt", FIRST.replace("Doha", "Bergen"))
    preview.settle()
    assert preview.take_written() == [str(_imported(news, "Bergen"))]
    preview.rebuild([str(source)])  # the watcher reports the source
    preview.settle()
    settled = _stamps(news)
    assert preview.rebuild([str(_hand(news, "Retitled again"))])
    assert _stamps(news) == settled
    page = preview.folder / _page(news, _imported(news, "Bergen"))[len("/news/") :] / "index.html"
    assert "Talks resume in Bergen" in page.read_text()
    _nothing_left_to_import(news)
