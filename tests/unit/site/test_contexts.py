"""The template contract: every page gets the context type its template is documented with."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from generator.core.config import Config
from generator.site.catalog import make_catalog
from generator.site.contexts import TEMPLATE_CONTEXTS
from generator.site.pages import plan_pages
from generator.site.urls import Urls
from tests.support.sites import CLOCK, article

README = Path(__file__).resolve().parents[3] / "README.md"


def _articles(tmp_path: Path) -> list:
    from generator.content.front_matter import parse_article
    from generator.content.markup import MarkdownRenderer

    renderer = MarkdownRenderer()
    out = []
    for i, (topic, tags) in enumerate([("Economy", ["Trade"]), ("Sport", []), ("Economy", [])]):
        text = article(
            f"Story {i}",
            date=f"2025-01-0{i + 1}T10:00:00+00:00",
            topic=topic,
            tags=tags,
            source="Dawn",
        )
        path = tmp_path / f"{i}.md"
        out.append(parse_article(path, text.encode(), CLOCK.tzinfo, renderer.render, 10**6))
    return out


def test_every_page_context_has_exactly_its_templates_keys(tmp_path: Path) -> None:
    urls = Urls("https://example.org/news/")
    catalog = make_catalog(_articles(tmp_path), CLOCK.tzinfo, urls)
    seen = set()
    for page in plan_pages(catalog, Config(), urls):
        expected = TEMPLATE_CONTEXTS[page.template]
        assert set(page.context) == set(typing.get_type_hints(expected)), page.template
        seen.add(page.template)
    assert seen == set(TEMPLATE_CONTEXTS)


def test_readme_documents_every_context_key() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| template | receives |") :]
    table = table[: table.index("\n\n")]
    rows = {}
    for line in table.splitlines()[2:]:
        names, receives = line.strip("|").split("|")
        for name in re.findall(r"`([^`]+)`", names):
            rows[name] = receives
    assert set(rows) == set(TEMPLATE_CONTEXTS)
    for template, context in TEMPLATE_CONTEXTS.items():
        for key in typing.get_type_hints(context):
            assert f"`{key}`" in rows[template], (template, key)
