"""An article's language and direction, and its word count for the reading time."""

from __future__ import annotations

import pytest

from generator.content.language import detect_language, direction
from tests.unit.content.test_front_matter import parse, problems

URDU = "وزیر اعظم نے کہا کہ حکومت تعلیم کے بجٹ میں اضافہ کرے گی۔ یہ فیصلہ کابینہ کے اجلاس میں ہوا۔"
ARABIC = "قال رئيس الوزراء إن الحكومة ستزيد ميزانية التعليم في العام المقبل."
PERSIAN = "وزیر آموزش گفت که بودجه مدارس در سال آینده افزایش پیدا می کند."
HEBREW = "ראש הממשלה אמר כי הממשלה תגדיל את תקציב החינוך."


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (URDU, "ur"),
        (ARABIC, "ar"),
        (PERSIAN, "fa"),
        (HEBREW, "he"),
        ("The budget session continues till June 27.", None),
        (f"Karachi: {URDU}", "ur"),  # a Latin dateline does not outweigh the Urdu text
        (f"{URDU[:12]} and then a long English paragraph about the budget session", None),
        ("2025 — 17pc, Rs6.4tr", None),
        ("", None),
    ],
)
def test_the_script_tells_the_language(text, language):
    assert detect_language(text) == language


def test_direction_follows_the_primary_subtag():
    assert [direction(t) for t in ("ur", "ar-EG", "FA", "he", "en", "pt-BR")] == [
        "rtl", "rtl", "rtl", "rtl", "ltr", "ltr",
    ]  # fmt: skip


def test_front_matter_language_wins_and_is_checked():
    a = parse(f"---\ntitle: T\ndate: 2025-01-01\nlanguage: pa\n---\n{URDU}\n")
    assert (a.language, a.direction) == ("pa", "ltr")
    assert "language" not in a.extra
    assert problems("---\ntitle: T\ndate: 2025-01-01\nlanguage: Urdu!\n---\nx\n").endswith(
        "content/x.md: field 'language': must be a language tag such as en, ur or pt-BR"
    )


def test_an_urdu_body_is_detected_and_an_english_one_left_to_the_site():
    urdu = parse(f"---\ntitle: بجٹ\ndate: 2025-01-01\n---\n{URDU}\n")
    assert (urdu.language, urdu.direction) == ("ur", "rtl")
    english = parse("---\ntitle: Budget\ndate: 2025-01-01\n---\nThe budget.\n")
    assert (english.language, english.direction) == (None, None)


def test_words_are_counted_in_the_rendered_body():
    a = parse("---\ntitle: T\ndate: 2025-01-01\n---\nOne *two* three.\n\n- four\n- five\n")
    assert a.words == 5
    assert parse(f"---\ntitle: T\ndate: 2025-01-01\n---\n{URDU}\n").words == len(URDU.split())
