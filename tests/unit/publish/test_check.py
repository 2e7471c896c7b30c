"""`digest check` on built sites: clean sites pass; each kind of breakage is named."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.core.errors import Problem
from generator.publish.check import CheckReport, check_site

BASE = "https://example.github.io/news/"


@pytest.fixture
def built(site):
    site.config(f'base_url = "{BASE}"\n')
    site.add("a", "First", "2025-03-01T10:00:00+00:00", topic="Economy", source="Dawn")
    site.add("b", "Second", "2025-03-02T10:00:00+00:00", topic="Sport", tags=["Cricket"])
    site.build()
    return site


def messages(problems) -> str:
    return "\n".join(str(p) for p in problems)


def edit(site, rel: str, old: str, new: str) -> None:
    text = site.read(rel)
    assert old in text, (rel, old)
    (site.out / rel).write_text(text.replace(old, new, 1), encoding="utf-8")


def check(site, *args: str):
    return CliRunner().invoke(main, ["check", "-c", str(site.root / "digest.toml"), *args])


def test_a_fresh_build_passes_strictly(built):
    report = check_site(built.out, BASE)
    assert report.errors == [] and report.warnings == []
    assert (
        report.pages > 10 and report.links > 100 and report.feeds == 6
    )  # site RSS, Atom, JSON; 2 topics; 1 source
    result = check(built, "--strict")
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_missing_page_and_asset_are_errors_naming_the_linking_page(built):
    (built.out / "static" / "style.css").unlink()
    (built.out / "2025/03/01/first/index.html").unlink()
    report = check_site(built.out, BASE)
    text = messages(report.errors)
    assert "site/index.html: links to /news/static/style.css, which does not exist" in text
    assert "site/2025/03/01/index.html: links to /news/2025/03/01/first/" in text
    result = check(built)
    assert result.exit_code == 1 and "error: site/index.html" in result.output


def test_links_outside_the_base_path_are_errors(built):
    edit(built, "index.html", 'href="/news/topics/"', 'href="/topics/"')
    edit(
        built,
        "topics/index.html",
        'href="/news/sources/"',
        'href="https://example.github.io/sources/"',
    )
    text = messages(check_site(built.out, BASE).errors)
    assert "site/index.html: links to /topics/, outside the site's base path /news/" in text
    assert "site/topics/index.html: links to https://example.github.io/sources/, outside" in text


def test_relative_links_resolve_against_the_page(built):
    edit(
        built,
        "topics/index.html",
        "</main>",
        '<a href="../archive/">a</a><a href="economy/">e</a></main>',
    )
    edit(built, "archive/index.html", "</main>", '<a href="../nowhere/">x</a></main>')
    text = messages(check_site(built.out, BASE).errors)
    assert "topics/index.html" not in text
    assert "site/archive/index.html: links to ../nowhere/, which does not exist" in text


def test_broken_feeds_are_errors(built):
    (built.out / "feed.xml").write_text(built.read("feed.xml")[:200], encoding="utf-8")
    (built.out / "feed.json").write_text("{not json", encoding="utf-8")
    for rel, tag in (("atom.xml", "updated"), ("topics/economy/feed.xml", "pubDate")):
        text = re.sub(rf"<{tag}>[^<]*</{tag}>", "", built.read(rel))
        (built.out / rel).write_text(text, encoding="utf-8")
    text = messages(check_site(built.out, BASE).errors)
    assert "site/feed.xml: is not well-formed XML" in text
    assert "site/feed.json: is not valid JSON" in text
    assert "site/atom.xml: has no feed <updated>" in text
    assert "site/topics/economy/feed.xml: item 1 has no valid <pubDate>" in text


def test_article_without_a_date_is_an_error(built):
    rel = "2025/03/01/first/index.html"
    text = built.read(rel)
    text = re.sub(r'"datePublished": "[^"]*", ', "", text)
    (built.out / rel).write_text(text, encoding="utf-8")
    errors = messages(check_site(built.out, BASE).errors)
    assert f"site/{rel}: is an article without a valid datePublished" in errors


def test_two_pages_on_one_address_are_errors(built):
    edit(
        built, "2025/03/01/first/index.html",
        f'<link rel="canonical" href="{BASE}2025/03/01/first/">',
        f'<link rel="canonical" href="{BASE}2025/03/02/second/">',
    )  # fmt: skip
    (built.out / "Topics").mkdir()
    (built.out / "Topics" / "index.html").write_bytes(
        (built.out / "topics/index.html").read_bytes()
    )
    text = messages(check_site(built.out, BASE).errors)
    assert "which is not this page" in text
    assert "shares its canonical URL" in text
    assert "differ only in case" in text


def test_warnings_fail_only_with_strict(built):
    edit(built, "index.html", 'href="/news/topics/"', 'href="/news/topics"')
    edit(built, "archive/index.html", "</main>", '<a href="/news/#nowhere">x</a></main>')
    report = check_site(built.out, BASE)
    assert report.errors == []
    text = messages(report.warnings)
    assert "links to /news/topics without its trailing slash" in text
    assert "that page has no id 'nowhere'" in text
    assert check(built).exit_code == 0
    strict = check(built, "--strict")
    assert strict.exit_code == 1 and "warning:" in strict.output


def test_missing_output_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["check", "-o", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "run `digest build` first" in result.output
    assert "Traceback" not in result.output


def test_json_feed_item_without_date_is_an_error(built):
    data = json.loads(built.read("feed.json"))
    del data["items"][0]["date_published"]
    (built.out / "feed.json").write_text(json.dumps(data), encoding="utf-8")
    assert "item 1 has no valid date_published" in messages(check_site(built.out, BASE).errors)


def test_summary_line_uses_the_singular_for_one():
    report = CheckReport(pages=1, links=1, feeds=1)
    report.warnings.append(Problem("x", "y"))
    assert report.summary() == "Checked 1 page, 1 internal link and 1 feed: 0 errors, 1 warning"
