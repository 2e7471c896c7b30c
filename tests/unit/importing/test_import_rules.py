"""The small rules the importer is made of: dates, titles, datelines, Markdown escaping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.core.dates import parse_date_text
from generator.importing.markdown_escape import body_to_markdown
from generator.importing.readers.body import clean_body, normalise
from generator.importing.readers.records import clean_title

KHI = ZoneInfo("Asia/Karachi")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("August 11, 2021 07:46am", dt.datetime(2021, 8, 11, 7, 46, tzinfo=KHI)),
        ("Aug 11, 2021 7:46 PM", dt.datetime(2021, 8, 11, 19, 46, tzinfo=KHI)),
        ("11th August 2021", dt.datetime(2021, 8, 11, tzinfo=KHI)),
        ("Wednesday, June 11, 2025", dt.datetime(2025, 6, 11, tzinfo=KHI)),
        ("Tue, 10 Jun 2025 13:37:00 +0000", dt.datetime(2025, 6, 10, 13, 37, tzinfo=dt.UTC)),
        ("2025-06-10T01:12:59.000Z", dt.datetime(2025, 6, 10, 1, 12, 59, tzinfo=dt.UTC)),
        ("2025-06-10 10:00", dt.datetime(2025, 6, 10, 10, tzinfo=KHI)),
        (1749517979, dt.datetime(2025, 6, 10, 1, 12, 59, tzinfo=dt.UTC)),
    ],
)
def test_written_dates(text, expected):
    assert parse_date_text(text, KHI) == expected


@pytest.mark.parametrize("text", ["yesterday", "February 30, 2021", "13:00pm", "", True, -5])
def test_not_dates(text):
    with pytest.raises(ValueError):
        parse_date_text(text, KHI)


@pytest.mark.parametrize(
    ("title", "source", "url", "expected"),
    [
        ("Heavy imports - Business - DAWN.COM", "Dawn", None, ("Heavy imports", "Business")),
        ("Budget approved | The Express Tribune", None, None, ("Budget approved", None)),
        ("Rain lashes city | Pakistan | Geo News", None, None, ("Rain lashes city", "Pakistan")),
        ("Win - Sport - Dawn", "Dawn", None, ("Win", "Sport")),
        ("Ties - thetimes.co.uk", None, None, ("Ties", None)),
        ("Storm - Day 2", None, "https://dawn.com/x/y", ("Storm - Day 2", None)),
        ("Pakistan vs India - live", "Dawn", None, ("Pakistan vs India - live", None)),
        ("- DAWN.COM", "Dawn", None, ("- DAWN.COM", None)),
    ],
)
def test_title_suffixes(title, source, url, expected):
    assert clean_title(title, source, url) == expected


def test_dateline_and_print_edition_come_out_of_the_body():
    body = clean_body("LAHORE: Rain fell.\n\nMore rain.\n\nPublished in Dawn, June 10th, 2025")
    assert (body.dateline, body.print_edition) == ("LAHORE", "Dawn, June 10th, 2025")
    assert body.text == "Rain fell.\n\nMore rain."
    assert clean_body("NOTE: this is not a place.").dateline is None
    assert clean_body("LONG before dawn: a story.").dateline is None
    app = clean_body("ISLAMABAD, Jun 10 (APP):The committee met.\nIt decided.")
    assert (app.dateline, app.text) == ("ISLAMABAD", "The committee met.\n\nIt decided.")


def test_html_bodies_become_paragraphs_and_hard_wrapped_text_is_joined():
    assert clean_body("<p>One &amp; two.</p><p>Three <b>four</b>.</p>").text == (
        "One & two.\n\nThree four."
    )
    wrapped = "This line is wrapped at a fixed width by the\nsaver of the file and goes on\nhere."
    assert clean_body(wrapped).text == wrapped.replace("\n", " ")


def test_bullets_become_a_list_and_markdown_lookalikes_are_escaped():
    md = body_to_markdown("• One\n\n• Two\n\n# Not a heading\n\n1. Not a list\n\n<b>x</b> *y*")
    assert md == (
        "- One\n- Two\n\n\\# Not a heading\n\n1\\. Not a list\n\n&lt;b>x&lt;/b> \\*y\\*\n"
    )


def test_scraper_whitespace_and_soft_hyphens_are_cleaned():
    assert normalise("a \t b\u00a0c  d\u200b\n  e  \r\nf") == "a b c d\ne\nf"
    assert normalise("ad\u00ad-vances re\u00ad\u00adma\u00adin") == "advances remain"
