"""The faster inline processor and the simple-document path give exactly stock
Python-Markdown's output."""

from __future__ import annotations

import os
import random

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.content.markup import _EXTENSIONS, MARKERS, make_markdown, to_html
from generator.content.simple_markdown import simple_html
from generator.importing.markdown_escape import body_to_markdown
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


# The simple subset's constructs and everything next to them: lists, quotes, links,
# escapes, entities, and what would make each mean something else.
SIMPLE = [
    "word", "two words", "\n", "\n\n", "- ", "> ", "- item", "> quote", "-", ">", " ", "  ",
    "[the report](https://example.org/r/1?a=1&b=2)", "[t](u)", "[t](u_v)", "[", "]", "(", ")",
    "](", "!", "![", "\\*", "\\_", "\\[", "\\]", "\\\\", "\\#", "\\>", "\\-", "\\.",
    "\\&", "\\a", "\\", "&", "&amp;", "&#35;", "&#x41;", "&lt;", "&nope;", "& ", "1. ", "1\\.",
    "#", "=", "+", ":", "_", "é", "ے", ".", "\xa0", "\t", "&gt;", "[x]: u",
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(SIMPLE), max_size=40))
@example(["- item", "\n\n", "- item"])  # a second list: one loose list
@example(["> quote", "\n\n", "> quote"])  # a second quote: one quote
@example(["- item", "\n\n", "word"])
@example(["word", "\n", "- item"])  # a list under a paragraph, no blank line
@example(["[t](u)", ": u"])
def test_same_html_for_simple_documents_and_their_edges(pieces: list[str]):
    fast, slow = both("".join(pieces))
    assert fast == slow


INLINE = [
    "word", " ", "two words", ".", "!", "(", ")", "&", "& ", "&amp;", "&#35;", "&nope;", "AT&T",
    ">", "\\*", "\\_", "\\[", "\\\\", "\\>", "\\#", "\\!", "é", "ے", "“", "1.", "#", "-", ":",
    "[the report](https://example.org/r/1?a=1&b=2)", "[t](u_v)", "[a b](http://x.example/%20)",
]  # fmt: skip
_LINE = st.one_of(  # mostly lines that open no block; some that do
    st.lists(st.sampled_from(INLINE), min_size=1, max_size=8).map("".join),
    st.lists(st.sampled_from(INLINE), max_size=8).map(lambda xs: "Word" + "".join(xs)),
    st.lists(st.sampled_from(INLINE), max_size=8).map(lambda xs: "Word" + "".join(xs)),
)
_BLOCK = st.one_of(
    st.lists(_LINE, min_size=1, max_size=3).map("\n".join),
    st.lists(_LINE, min_size=1, max_size=3).map(lambda ls: "\n".join("- " + x for x in ls)),
    st.lists(_LINE, min_size=1, max_size=2).map(lambda ls: "\n".join("> " + x for x in ls)),
)


@FUZZ
@given(st.lists(_BLOCK, max_size=6))
def test_same_html_for_documents_of_simple_blocks(blocks: list[str]):
    """Paragraphs, lists and quotes of inline text, in any order (most take the simple path)."""
    fast, slow = both("\n\n".join(blocks) + "\n")
    assert fast == slow


@FUZZ
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab *_`\\[]()#>-+.1&<|~!:•\n"), max_size=30), max_size=8
    )
)
def test_same_html_for_imported_text(paragraphs: list[str]):
    """What `digest import` writes for any scraped text (escaped, bullets as lists)."""
    fast, slow = both(body_to_markdown("\n\n".join(paragraphs)))
    assert fast == slow


def test_the_simple_path_takes_imported_and_generated_prose_and_leaves_the_rest():
    prose = "\nKARACHI: The budget — 17pc up — was “approved”.\n\nوزیر اعظم نے کہا\n"
    assert simple_html(prose) == (
        "<p>KARACHI: The budget — 17pc up — was “approved”.</p>\n<p>وزیر اعظم نے کہا</p>"
    )
    doc = "A \\*star\\* & [the report](https://x.example/?a=1&b=2).\n\n- one\n- two\n\n> Said.\n"
    assert simple_html(doc) == (
        '<p>A *star* &amp; <a href="https://x.example/?a=1&amp;b=2">the report</a>.</p>\n'
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>\n<p>Said.</p>\n</blockquote>"
    )
    rng = random.Random(
        5
    )  # the benchmark's bodies: all but those with two lists (or quotes) in a row
    assert sum(simple_html(body_text(rng)) is not None for _ in range(200)) > 180
    for text in ["a *b*", "a `b`", "- a\n\n- b", "# head", " indented", "line  \nbreak", "a\tb",
                 "![i](j.png)", "<b>x</b>", "a | b", "- - x", "[x]: http://r.example"]:  # fmt: skip
        assert simple_html(text) is None, text


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
