"""Front matter → Article: every field, every kind of bad value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.content.files import read_limited
from generator.content.front_matter import DEFAULT_TOPIC, parse_article
from generator.content.markup import MarkdownRenderer
from generator.core.errors import DigestError
from generator.core.identity import article_id

KHI = ZoneInfo("Asia/Karachi")
render = MarkdownRenderer().render


def parse(text: str | bytes, max_bytes: int = 1_000_000):
    data = text.encode() if isinstance(text, str) else text
    return parse_article(Path("content/x.md"), data, KHI, render, max_bytes)


def problems(text: str | bytes) -> str:
    with pytest.raises(DigestError) as info:
        parse(text)
    return str(info.value)


def test_all_fields():
    a = parse(
        "---\ntitle: Heavy imports\ndate: 2025-06-10 06:12\nupdated: '2025-06-10T09:00:00+05:00'\n"
        "topic: Business\ntags: [Trade, Economy, trade]\nsource: Dawn\nauthor: [A, B]\n"
        "dateline: KARACHI\nurl: https://www.dawn.com/news/1\nimage: /img/x.jpg\n"
        "image_caption: A port\nsection_id: 7\n---\nFirst **para**.\n\nSecond.\n"
    )
    assert a.title == "Heavy imports"
    assert a.date == dt.datetime(2025, 6, 10, 6, 12, tzinfo=KHI)  # no offset: site timezone
    assert a.updated.utcoffset() == dt.timedelta(hours=5)
    assert (a.topic, a.topic_slug, a.source_slug) == ("Business", "business", "dawn")
    assert a.tags == ("Trade", "Economy")
    assert a.author == "A, B"
    assert a.summary == "First para."
    assert a.body_html == "<p>First <strong>para</strong>.</p>\n<p>Second.</p>"
    assert a.extra == {"section_id": 7}
    assert a.id == article_id("https://www.dawn.com/news/1", "Dawn", a.date, a.title)
    assert a.slug == "heavy-imports"


def test_defaults_and_yaml_date_objects():
    a = parse("---\ntitle: T\ndate: 2025-06-10\n---\n")
    assert a.date == dt.datetime(2025, 6, 10, tzinfo=KHI)
    assert a.topic == DEFAULT_TOPIC and a.tags == () and a.summary == ""
    assert not a.draft


def test_bom_and_crlf_are_accepted():
    a = parse(b"\xef\xbb\xbf---\r\ntitle: T\r\ndate: 2025-01-01\r\n---\r\nHello\r\n")
    assert a.title == "T" and a.body_html == "<p>Hello</p>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ndate: 2025-01-01\n---\n", "field 'title': is required"),
        ("---\ntitle: T\n---\n", "field 'date': is required"),
        ("---\ntitle: T\ndate: soon\n---\n", "field 'date': 'soon' is not an ISO 8601 date"),
        (
            "---\ntitle: {a: 1}\ndate: 2025-01-01\n---\n",
            "field 'title': must be text, not a mapping",
        ),
        ("---\ntitle: T\ndate: 2025-01-01\ntags: 5\n---\n", "field 'tags': must be a list"),
        ("---\ntitle: T\ndate: 2025-01-01\nid: []\n---\n", "field 'id': must be text, not a list"),
        (
            "---\ntitle: T\ndate: 2025-01-01\ndraft: maybe\n---\n",
            "field 'draft': must be true or false",
        ),
        (
            "---\ntitle: T\ndate: 2025-01-01\nurl: javascript:alert(1)\n---\n",
            "field 'url': must be an http(s) URL",
        ),
        (
            "---\ntitle: T\ndate: 2025-01-02\nupdated: 2025-01-01\n---\n",
            "field 'updated': is earlier",
        ),
        ("no front matter\n", "content/x.md:1: has no YAML front matter"),
        ("---\ntitle: T\ndate: [\n---\n", "content/x.md:4: front matter is not valid YAML"),
        ("---\n- a\n- b\n---\n", "front matter must be a mapping"),
    ],
)
def test_bad_fields_name_file_and_field(text, expected):
    assert expected in problems(text)


def test_all_problems_of_a_file_reported_together():
    message = problems("---\ntitle: [x]\ndate: nope\ndraft: 3\n---\n")
    assert "'title'" in message and "'date'" in message and "'draft'" in message


def test_binary_non_utf8_and_oversize_files():
    assert "binary file" in problems(b"---\x00\x01")
    assert "not UTF-8" in problems(b"---\ntitle: caf\xe9\ndate: 2025-01-01\n---\n")
    with pytest.raises(DigestError, match="over the limit"):
        parse("---\ntitle: T\ndate: 2025-01-01\n---\n" + "x" * 100, max_bytes=50)


def test_markdown_is_sanitised_but_article_markup_survives():
    a = parse(
        "---\ntitle: T\ndate: 2025-01-01\n---\n# Head\n\n> quote\n\n- one\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[ok](https://x.example) [bad](javascript:alert(1))\n\n"
        '<script>alert(1)</script><iframe src="x"></iframe><img src="y.png" onerror="alert(1)">\n'
        "<style>body{}</style>\n"
    )
    html = a.body_html
    for kept in (
        "<h2>Head</h2>",
        "<blockquote>",
        "<li>one</li>",
        "<table>",
        'href="https://x.example"',
        'src="y.png"',
    ):
        assert kept in html
    for gone in (
        "<script",
        "alert(1)</script>",
        "<iframe",
        "onerror",
        "javascript:",
        "<style",
        "<h1",
    ):
        assert gone not in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: ok\ndate: 2025-01-01\ntags:\n  - a\n - b\n---\nbody\n",
            "content/x.md:6: front matter is not valid YAML: did not find expected key",
        ),
        (
            "---\ntitle: 'unclosed\ndate: 2025-01-01\n---\n",
            "content/x.md:2: front matter is not valid YAML: found unexpected end of stream "
            "while scanning a quoted scalar that starts here; close it",
        ),
        (
            "\ufeff---\ntitle: x\ntags: [a, b\ndate: 2025-01-01\n---\n",
            "content/x.md:3: front matter is not valid YAML: did not find expected ',' or ']' "
            "while parsing a flow sequence that starts here; close it",
        ),
        (
            "---\ntitle: x\ndate: 2025-01-01\nsummary: a: b\n---\n",
            "content/x.md:4: front matter is not valid YAML: mapping values are not allowed "
            "in this context",
        ),
        (
            "---\r\ntitle: First\r\ndate: 2025-01-01\r\ntitle: Second\r\n---\r\nBody\r\n",
            "content/x.md:4: the front matter has the key 'title' twice (first on line 2); "
            "keep one of them",
        ),
        (
            "---\ntitle: x\ndate: 2025-01-01\nextra:\n  a: 1\n  a: 2\n---\n",
            "content/x.md:6: the front matter has the key 'a' twice (first on line 5); "
            "keep one of them",
        ),
    ],
)
def test_yaml_errors_point_at_the_line_of_the_file(text, expected):
    assert problems(text) == expected


def test_merge_keys_may_repeat_a_key_on_purpose():
    article = parse(
        "---\ntitle: T\ndate: 2025-01-01\nbase: &b {x: 1}\nmore:\n  <<: *b\n  x: 2\n---\n"
    )
    assert article.extra["more"] == {"x": 2}


def _mappings() -> int:
    with open("/proc/self/maps", encoding="ascii") as maps:
        return sum(1 for _ in maps)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_reading_thousands_of_files_keeps_the_mapping_count_flat(tmp_path):
    """Asking for the 5 MB limit per read left one memory mapping per file held (the bytes
    kept): a 100,000-article build passed vm.max_map_count and crashed."""
    paths = []
    for i in range(4000):
        path = tmp_path / f"{i}.md"
        path.write_bytes(b"x" * (2000 + i % 3000))
        paths.append(path)
    before = _mappings()
    kept = [read_limited(p, 5_000_000) for p in paths]
    assert _mappings() - before < 50
    assert [len(k) for k in kept] == [2000 + i % 3000 for i in range(4000)]


def test_read_limited_stops_one_byte_over_the_limit(tmp_path):
    path = tmp_path / "big.md"
    path.write_bytes(b"y" * 300_000)
    assert len(read_limited(path, 100_000)) == 100_001
    assert read_limited(path, 300_000) == b"y" * 300_000
    (tmp_path / "empty.md").write_bytes(b"")
    assert read_limited(tmp_path / "empty.md", 10) == b""
