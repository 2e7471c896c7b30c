"""The faster inline processor and the plain-paragraph path give exactly stock
Python-Markdown's output."""

from __future__ import annotations

import os
import random

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.content.markup import _EXTENSIONS, MARKERS, make_markdown, plain_paragraphs, to_html
from tests.support.corpus import body_text
from tests.support.sites import HOSTILE

FUZZ = settings(max_examples=3000 if os.environ.get("DIGEST_FUZZ") == "long" else 300,
                deadline=None, database=None)  # fmt: skip

# Pieces that start, end or break every inline construct, plus block markers and prose.
PIECES = [
    "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "!", "![", "<", ">", "&",
    "&amp;", "&#35;", "&#x41;", "&nope", "  \n", "\n", "\n\n", " ", "word", "two words",
    "http://x.example/a_b", "<b>", "</b>", "<http://a.example/>", "<a@b.example>",
    "<!-- note -->", "# ", "- ", "1. ", "> ", "    ", "|", "---", "```", ":", '"', "'", "=",
    "é", "[x]: http://r.example", "[x]", "[x][]", "![i](j.png)", "[t](u 'v')", "_a_", "*b*",
]  # fmt: skip


def stock() -> markdown.Markdown:
    return markdown.Markdown(extensions=_EXTENSIONS, output_format="html")


def both(text: str) -> tuple[str, str]:
    return stock().convert(text), to_html(make_markdown(), text)


def test_every_inline_pattern_has_its_marker():
    """A pattern without a known marker is still run (correct, but slow): keep MARKERS whole."""
    patterns = [p.compiled_re.pattern for p in make_markdown().inlinePatterns]
    assert [p for p in patterns if p not in MARKERS] == []


@FUZZ
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_same_html_as_stock_markdown(pieces: list[str]):
    fast, slow = both("".join(pieces))
    assert fast == slow


@FUZZ
@given(st.text(alphabet=st.sampled_from("*_`\\[]()!<>&#;: \n-abc"), max_size=80))
def test_same_html_for_dense_marker_text(text: str):
    fast, slow = both(text)
    assert fast == slow


# Prose that the plain path takes, and everything at its edges: Unicode spaces Markdown
# strips, line starts that open blocks, blank-line runs, tabs, Urdu.
PLAIN = [
    "word", "two words", ".", ",", ";", ":", "'", '"', "(", ")", "%", "$", "/", "?", "!", "@", "^",
    "{", "}", "é", "—", "“", "”", "ے", "وزیر", "7", "1", "1. ", "-", "+", "#", "=", " ", "  ",
    "\n", "\n\n", "\n\n\n", " \n", "\xa0", "\u3000", "\t", "\x0c", "\r", "\u2028",
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(PLAIN), max_size=40))
@example(["word", "  ", "\n", "word"])  # a hard line break
@example(["\n", "\n", "\n", "word"])
def test_same_html_for_plain_prose_and_its_edges(pieces: list[str]):
    fast, slow = both("".join(pieces))
    assert fast == slow


def test_the_plain_path_takes_imported_prose_and_leaves_the_rest():
    prose = "\nKARACHI: The budget — 17pc up — was “approved”.\n\nوزیر اعظم نے کہا\n"
    assert plain_paragraphs(prose) == (
        "<p>KARACHI: The budget — 17pc up — was “approved”.</p>\n<p>وزیر اعظم نے کہا</p>"
    )
    for text in ["a *b*", "a & b", "- item", "1. item", " indented", "line  \nbreak", "a\tb"]:
        assert plain_paragraphs(text) is None


def test_same_html_for_the_hostile_corpus_and_generated_articles():
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in HOSTILE.glob("*.md")]
    rng = random.Random(3)
    texts += [body_text(rng) for _ in range(200)]
    for text in texts:
        fast, slow = both(text)
        assert fast == slow, text[:200]


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("plain words", "<p>plain words</p>"),
        ("a *b* [c](http://d.example/) `e`", '<p>a <em>b</em> <a href="http://d.example/">c</a> <code>e</code></p>'),
        ("x  \ny & <i>z</i>", "<p>x<br>\ny &amp; <i>z</i></p>"),
    ],
)  # fmt: skip
def test_known_conversions(text: str, html: str):
    assert make_markdown().convert(text) == html
