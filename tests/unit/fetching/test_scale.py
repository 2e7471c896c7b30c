"""Thousands of generated feed items of the shapes real feeds have: all three formats,
duplicates across feeds (with tracking parameters), relative links, HTML in summaries,
items without a date; then the same feeds again, and one edited by hand."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

from generator.core.config import load_config
from generator.fetching.fetcher import FetchOptions, fetch
from tests.support.corpus import body_text
from tests.support.feed_server import feed_server

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
ITEMS = 1500


def _generate(root: Path) -> int:
    """rss.xml, atom.xml, feed.json with ITEMS items between them; returns undated items."""
    rng = random.Random(13)
    rss, atom, jsonf, undated = [], [], [], 0
    for i in range(ITEMS):
        title = f"Story {i}: the harbour &amp; the hills"
        when = dt.datetime(2026, 6, 1, tzinfo=dt.UTC) + dt.timedelta(hours=3 * i)
        paras = body_text(rng, 1200).split("\n\n")
        html = "".join(f"<p>{p}</p>" for p in paras) + f'<p>See <a href="/more/{i}">more</a>.</p>'
        link = f"{{{{BASE}}}}story/{i}"
        kind = i % 3
        if kind == 0:
            date = (
                ""
                if i % 100 == 0
                else f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            )
            undated += i % 100 == 0
            esc = html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            rss.append(f"<item><title>{title}</title><link>{link}?utm_source=rss</link>"
                       f"<description>{esc}</description>{date}<category>Topic {i % 7}</category></item>")  # fmt: skip
        elif kind == 1:
            atom.append(f'<entry><title type="html">{title}</title><link href="{link}"/><id>s{i}</id>'
                        f"<published>{when.isoformat()}</published><updated>{when.isoformat()}</updated>"
                        f'<content type="html"><![CDATA[{html}]]></content></entry>')  # fmt: skip
        else:
            jsonf.append({"id": str(i), "url": link, "title": title.replace("&amp;", "&"),
                          "content_html": html, "date_published": when.isoformat()})  # fmt: skip
        if i % 50 == 1:  # the same story in the RSS feed too
            rss.append(f"<item><title>{title}</title><link>{link}/?utm_medium=x</link>"
                       f"<description>Short.</description></item>")  # fmt: skip
    (root / "rss.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>{"".join(rss)}</channel></rss>'
    )
    (root / "atom.xml").write_text(
        f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{"".join(atom)}</feed>'
    )
    (root / "feed.json").write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": jsonf})
    )
    return undated


def test_thousands_of_items_twice_then_a_hand_edit_is_kept(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    undated = _generate(served)
    with feed_server(served) as server:
        site = tmp_path / "site"
        site.mkdir()
        feeds = ", ".join(f'"{server.base}{n}"' for n in ("rss.xml", "atom.xml", "feed.json"))
        (site / "digest.toml").write_text(
            f"[fetch]\nfeeds = [{feeds}]\ndelay = 0\nfull_text = false\n"
        )
        config = load_config(site / "digest.toml")
        first = fetch(config, FetchOptions(NOW))
        files = sorted((site / "content").rglob("*.md"))
        assert len(files) == ITEMS - undated
        assert first.summary().startswith(
            f"Fetched 3 feeds (0 unchanged), {ITEMS - undated} new articles, {undated} failed"
        )
        sample = next(p for p in files if p.name.startswith("story-4-"))
        text = sample.read_text()
        assert "title: 'Story 4: the harbour & the hills'" in text
        assert re.search(rf"\[more\]\({re.escape(server.base)}more/4\)", text)
        before = {p: p.read_bytes() for p in files}
        second = fetch(config, FetchOptions(NOW))
        assert second.summary().startswith(
            "Fetched 3 feeds (3 unchanged), 0 new articles, 0 failed"
        )
        assert {p: p.read_bytes() for p in sorted((site / "content").rglob("*.md"))} == before
        # A story edited by hand is kept when its feed item changes.
        sample.write_text(text.replace("See ", "Edited: see "))
        atom = served / "atom.xml"
        atom.write_text(
            atom.read_text().replace('See <a href="/more/4">', 'Read <a href="/more/4">')
        )
        third = fetch(config, FetchOptions(NOW))
    assert "Edited: see" in sample.read_text()
    kept = [line for line in third.lines() if line.startswith("kept: ")]
    assert kept == [
        f"kept: {server.base}story/4: {sample.relative_to(site / 'content').as_posix()} was "
        "edited by hand since its import; pass --force to overwrite it with the new version"
    ]


def test_many_pages_are_extracted_in_worker_processes(tmp_path):
    from tests.support.feed_server import make_news_site

    served = tmp_path / "served"
    served.mkdir()
    make_news_site(served, 40, 2)  # over the 32 pages that make extraction go parallel
    with feed_server(served) as server:
        site = tmp_path / "site"
        site.mkdir()
        (site / "digest.toml").write_text(
            f'[fetch]\nfeeds = ["{server.base}feed0.xml", "{server.base}feed1.xml"]\n'
            "delay = 0\nconnections_per_host = 4\n"
        )
        report = fetch(load_config(site / "digest.toml"), FetchOptions(NOW))
    assert report.pages == 40 and report.lines() == []
    files = sorted((site / "content").rglob("*.md"))
    assert len(files) == 40
    for path in files:
        text = path.read_text()
        assert "author: Reporter " in text and "Summary " not in text
        assert "cookies" not in text and "troll" not in text and "Another story" not in text
        assert len(text.split("---\n", 2)[2].split()) > 300
