"""HTML → Markdown keeps a story's structure and renders back to the same text."""

from __future__ import annotations

from generator.content.markup import MarkdownRenderer
from generator.importing.readers.html_markdown import html_to_markdown


def test_paragraphs_headings_lists_quotes_links_and_emphasis_survive():
    html = (
        "<h1>Title</h1><p>Rain <a href='/report'>flooded</a> the <strong>harbour</strong>"
        " on <em>Monday</em>.</p><h3>Why</h3><ul><li>One<ul><li>Nested</li></ul></li>"
        "<li>Two</li></ul><ol><li>First</li><li>Second</li></ol>"
        "<blockquote><p>Never so high.</p><p>Said a fisherman.</p></blockquote>"
    )
    assert html_to_markdown(html, "https://news.example/a/b.html") == (
        "## Title\n\n"
        "Rain [flooded](https://news.example/report) the **harbour** on *Monday*.\n\n"
        "### Why\n\n"
        "- One\n    - Nested\n- Two\n\n"
        "1. First\n2. Second\n\n"
        "> Never so high.\n>\n> Said a fisherman.\n"
    )


def test_text_that_looks_like_markdown_stays_text():
    md = html_to_markdown("<p>1. not a list</p><p># not a heading</p><p>2*3 [x] &lt;b&gt;</p>")
    html = MarkdownRenderer().render(md)
    assert "<ol>" not in html and "<h1>" not in html and "<b>" not in html
    assert "1. not a list" in html and "# not a heading" in html and "2*3 [x] &lt;b&gt;" in html


def test_scripts_forms_and_unsafe_links_are_dropped_their_prose_kept():
    md = html_to_markdown(
        "<div>Loose <b>text</b><script>alert(1)</script><form><input></form> "
        "<a href='javascript:alert(1)'>click</a> and <a href='data:x'>data</a></div>"
    )
    assert md == "Loose **text** click and data\n"


def test_loose_text_line_breaks_and_code():
    md = html_to_markdown("Before<br>after <code>x_y</code><pre>a\n  b</pre>")
    assert md == "Before  \nafter `x_y`\n\n    a\n      b\n"


def test_links_with_parentheses_and_empty_input():
    assert (
        html_to_markdown('<a href="https://e.org/x (1)">b</a>')
        == "[b](https://e.org/x%20%281%29)\n"
    )
    assert html_to_markdown("") == ""
    assert html_to_markdown("<p> </p><script>x</script>") == ""
