"""HTML → Markdown keeps a story's structure and renders back to the same text, without the
page furniture, for fetched pages and for JSON records whose body is HTML alike."""

from __future__ import annotations

import json
from pathlib import Path

from generator.content.markup import MarkdownRenderer
from generator.importing.readers import ReadContext, read_data
from generator.importing.readers.body import clean_body, looks_like_html
from generator.importing.readers.html_markdown import html_body, html_to_markdown
from generator.importing.stories import story_of


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


def test_furniture_goes_by_the_text_readers_rule_and_by_its_class():
    html = (
        "<p>Rain fell.</p><p>Advertisement</p><p>Read more: <a href='/x'>other</a></p>"
        "<div class='share-bar'><a href='https://f.example/'>Facebook</a></div>"
        "<p>We and our partners use cookies to personalise ads.</p>"
        "<script>googletag.cmd.push(function(){})</script><p>Share on WhatsApp</p>"
        "<ul><li>Facebook, Twitter, Email</li><li>A real point</li></ul>"
        "<div class='article-body social-on'><p>One.</p><p>Two.</p><p>Three.</p></div>"
    )
    assert html_to_markdown(html) == ("Rain fell.\n\n- A real point\n\nOne.\n\nTwo.\n\nThree.\n")
    text = "Rain fell.\n\nShare this article\n\nWe use cookies to improve your visit.\n\nMore."
    assert clean_body(text).text == "Rain fell.\n\nMore."


def test_br_runs_tables_entities_and_ordered_starts():
    html = (
        "one<br><br> <br>two<br>three<table><tr><th>Team</th><th>Runs</th></tr>"
        "<tr><td>A|B</td><td>3 &amp; 4</td></tr><tr><td>C</td></tr></table>"
        "<p>caf&eacute;&nbsp;&#8217;s &lt;b&gt;</p><ol start='3'><li>c</li><li>d</li></ol>"
    )
    assert html_to_markdown(html) == (
        "one\n\ntwo  \nthree\n\n| Team | Runs |\n| --- | --- |\n| A\\|B | 3 & 4 |\n| C |  |\n\n"
        "café ’s &lt;b>\n\n3. c\n4. d\n"
    )


def test_a_layout_table_is_read_as_its_paragraphs():
    html = "<table><tr><td><p>First para.</p><p>Second para.</p></td></tr></table>"
    assert html_to_markdown(html) == "First para.\n\nSecond para.\n"


def test_html_body_takes_out_dateline_and_print_edition_like_text_bodies():
    body = html_body(
        "<p><strong>LAHORE:</strong> Rain <a href='/r'>fell</a>.</p><p>More rain.</p>"
        "<p>Published in Dawn, June 10th, 2025</p>",
        "https://dawn.example/news/1/",
    )
    assert (body.dateline, body.print_edition) == ("LAHORE", "Dawn, June 10th, 2025")
    assert body.text == "Rain fell.\n\nMore rain."
    assert body.markdown == "Rain [fell](https://dawn.example/r).\n\nMore rain.\n"
    assert html_body("<p><b>LAHORE: Rain</b> fell.</p>").dateline is None  # kept as written


def test_json_records_with_html_bodies_keep_their_markdown_text_records_do_not_change():
    record = {"title": "Rain", "date": "2025-06-10", "url": "https://dawn.example/news/1/",
              "content": "<p>Rain <a href='/r'>fell</a> on <strong>Monday</strong>.</p>"
                         "<p>Advertisement</p><ul><li>one</li></ul>"}  # fmt: skip
    text = {**record, "content": "Rain fell on Monday.\n\n• one"}
    data = json.dumps([record, text]).encode()
    read = read_data(data, Path("a.json"), "a.json", ReadContext())
    html, plain = (story_of(r) for r in read.records)
    assert html.markdown == "Rain [fell](https://dawn.example/r) on **Monday**.\n\n- one\n"
    assert html.record.body == "Rain fell on Monday.\n\n• one" == plain.record.body
    assert plain.markdown == "Rain fell on Monday.\n\n- one\n"
    assert read_data(data, Path("a.json"), "a.json", ReadContext()).records == read.records


def test_inline_markup_alone_makes_a_body_html_a_lone_quoted_tag_does_not():
    assert looks_like_html("Rain <a href='/r'>fell</a> today.")
    assert not looks_like_html("The <b> tag makes text bold.")


def test_relative_links_need_a_page_to_resolve_against():
    html = "<p>See <a href='/r'>the report</a> and <a href='//cdn.example/x'>this</a>.</p>"
    assert html_to_markdown(html) == "See the report and this.\n"
    assert html_to_markdown(html, "https://news.example/a/") == (
        "See [the report](https://news.example/r) and [this](https://cdn.example/x).\n"
    )
