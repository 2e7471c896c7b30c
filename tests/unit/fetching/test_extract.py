"""Article pages modelled on news sites: the story comes out, the furniture does not."""

from __future__ import annotations

import datetime as dt

from generator.fetching.extract import extract_article
from tests.support.feed_server import FIXTURES

PAGES = FIXTURES / "herald" / "2026" / "11" / "30"
FURNITURE = ["cookie", "Accept", "World", "Business", "Sport", "Search", "Related",
             "Rain forecast", "Comments", "harbour_fan", "citizen42", "All rights reserved",
             "Share", "Advertisement", "Most read", "newsletter", "Log in", "Copyright",
             "Subscribe", "beaches"]  # fmt: skip


def _extract(path, url="https://herald.example/story.html"):
    return extract_article(path.read_text(), url, dt.UTC)


def test_page_with_json_ld_and_meta_tags():
    found = _extract(PAGES / "floods-hit-the-harbour.html")
    assert found is not None
    pkt = dt.timezone(dt.timedelta(hours=5))
    assert found.title == "Floods hit the harbour district"
    assert found.author == "Amina Qureshi"
    assert found.published == dt.datetime(2026, 11, 30, 8, 15, tzinfo=pkt)
    assert found.modified == dt.datetime(2026, 11, 30, 10, 5, tzinfo=pkt)
    assert found.image == "https://cdn.herald.example/img/floods.jpg"
    md = found.markdown
    assert md.startswith(
        "KARACHI: Heavy rain flooded [the harbour district](https://met.example/report/2026-11-30)"
        " on Monday, and **thousands of residents** were moved"
    )
    assert "\n\n## Warnings were ignored\n\n" in md
    assert "had warned of *severe* weather" in md
    assert "- Schools in three districts closed until Wednesday\n- Flights" in md
    assert "\n\n> We have never seen the water this high" in md
    assert md.rstrip().endswith("promising pumps from the neighbouring provinces by morning.")
    assert len(md.strip().split("\n\n")) == 7  # 4 paragraphs, a heading, a list, a quote
    for word in FURNITURE:
        assert word not in md, word


def test_page_without_metadata_keeps_structure_and_resolves_relative_links():
    found = _extract(PAGES / "budget.html", "https://herald.example/herald/2026/11/30/budget.html")
    assert found is not None
    assert found.published is None and found.modified is None  # nothing on the page says when
    md = found.markdown
    assert not md.startswith("#")  # the headline is the title, not a body heading
    assert "voted 31 to 12 on Monday for a **new budget**" in md
    assert "*wishful thinking*" in md
    assert "### Where the money goes" in md
    # trafilatura's HTML output makes every list <ul>; its tree keeps the <ol>'s numbering
    assert (
        "1. Drains and flood defences: 4.2 billion\n2. Buses and the new ferry terminal: "
        "3.1 billion\n3. School repairs: 1.8 billion" in md
    )
    assert (
        "[available on the council's site](https://herald.example/herald/docs/budget-2027.pdf)"
        in md
    )
    for word in FURNITURE:
        assert word not in md, word


def test_meta_tags_only_give_date_and_author():
    found = _extract(FIXTURES / "valley" / "school-opens.html")
    assert found is not None
    assert found.author == "Rosa Martínez"
    assert found.published == dt.datetime(
        2026, 11, 30, 7, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5))
    )
    assert "[a local firm](https://architects.example/millbrook)" in found.markdown
    assert "cookies" not in found.markdown and "Join the conversation" not in found.markdown


def test_a_page_without_article_text_gives_none():
    assert _extract(PAGES / "storm-video.html") is None
    assert extract_article("", "https://x.example/", dt.UTC) is None
