"""The small rules the importer is made of: dates, titles, datelines, Markdown escaping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.core.dates import parse_date_text
from generator.importing.markdown_escape import body_to_markdown
from generator.importing.readers.body import clean_body, normalise
from generator.importing.readers.html_markdown import html_body
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


def test_html_bodies_keep_their_markdown_and_hard_wrapped_text_is_joined():
    body = html_body("<p>One &amp; two.</p><p>Three <b>four</b>.</p>")
    assert body.text == "One & two.\n\nThree four."
    assert body.markdown == "One & two.\n\nThree **four**.\n"
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


@pytest.mark.parametrize(
    ("value", "day_only"),
    [
        ("2021-08-11", True),
        ("August 11, 2021", True),
        ("Wednesday, 11th Aug 2021", True),
        (dt.date(2021, 8, 11), True),
        ("August 11, 2021 07:46am", False),
        ("2021-08-11T00:00:00+05:00", False),
        ("2021-08-11 10:00", False),
        (dt.datetime(2021, 8, 11), False),
        (1749517979, False),
    ],
)
def test_a_date_without_a_time_is_a_day(value, day_only):
    from generator.core.dates import is_day_only

    assert is_day_only(value) is day_only


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://www.dawn.com/news/1953857/cop30-promise-to-performance",
         "Cop30 promise to performance"),
        ("https://www.app.com.pk/national/senate-session-commences-1234567/",
         "Senate session commences"),
        ("https://x.pk/2025/10/20/flood_relief_reaches_sindh.html", "Flood relief reaches sindh"),
        ("https://x.pk/news/1953857/", None),
        ("https://x.pk/amp/latest-news", None),
        (None, None),
    ],
)  # fmt: skip
def test_titles_from_urls(url, title):
    from generator.importing.resolve import url_title

    assert url_title(url) == title


def test_near_equal_bodies():
    from generator.importing.resolve import near_equal

    words = [f"word{i}" for i in range(300)]
    text = " ".join(words)
    assert near_equal(text, text.upper())  # case and punctuation are not words
    one_line_changed = " ".join([*words[:150], "a", "changed", "line", *words[153:]])
    assert near_equal(text, one_line_changed)
    assert not near_equal(text, " ".join(words[:200]))  # a third missing
    assert not near_equal(text, " ".join(reversed(words)))
