"""Thousands of JSON records whose bodies are HTML of the messy shapes CMSs and scrapers
save (inline ads, share widgets, consent text, broken markup, entities, <br> runs, tables,
deep nesting): imported with their links and structure, none of the furniture, no crash,
and a second import writes nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.content.files import find_content
from generator.content.front_matter import split_front_matter
from generator.content.markup import MarkdownRenderer
from generator.core.config import load_config
from generator.importing.importer import ImportOptions, import_sources
from tests.support.messy_archive import HTML_JUNK, write_html_records

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RECORDS = 20_000 if os.environ.get("DIGEST_LONG") else 2000


def test_html_bodies_at_scale_keep_structure_lose_furniture_and_import_once(tmp_path: Path):
    records = write_html_records(tmp_path / "src", RECORDS)
    site = tmp_path / "site"
    site.mkdir()
    (site / "digest.toml").write_text('timezone = "UTC"\n', encoding="utf-8")
    config = load_config(site / "digest.toml")
    first = import_sources(config, [tmp_path / "src"], ImportOptions(now=NOW))
    assert first.counts()["new"] == len(records) and first.counts()["failed"] == 0
    files = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in find_content(site / "content")}
    assert len(files) == len(records)
    seen = {"link": 0, "ordered": 0, "bullets": 0, "table": 0, "bold": 0}
    renderer = MarkdownRenderer()
    for n, (_, data) in enumerate(files.values()):
        _, body = split_front_matter(data.decode(), Path("x"))
        for junk in HTML_JUNK:
            assert junk not in body, (junk, body)
        assert "javascript:" not in body and "data:" not in body
        assert "<" not in body.replace("&lt;", "")  # no raw tag survives
        seen["link"] += "](https://www." in body and "/topic/" in body
        seen["ordered"] += "1. step one\n2. step two\n3. step three" in body
        seen["bullets"] += "- first point\n- second **point**" in body
        seen["table"] += "| Team | Score |\n| --- | --- |\n| Lahore | 3 & 4 |" in body
        seen["bold"] += "**" in body
        if n < 200:
            html = renderer.render(body)
            assert "<script" not in html and '<a href="https://www.' in html
    assert seen["link"] == seen["bold"] == len(records)  # every first paragraph's link
    assert min(seen.values()) > 0, seen
    second = import_sources(config, [tmp_path / "src"], ImportOptions(now=NOW))
    assert second.counts()["new"] == second.counts()["updated"] == 0
    again = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in find_content(site / "content")}
    assert again == files
