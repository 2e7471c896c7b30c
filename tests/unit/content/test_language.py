"""An article's language and direction, and its word count for the reading time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.content.language import SAMPLE, detect_language, direction
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
        ("ابج abc", None),  # half the letters: not most
        ("ابجد abc", "ar"),
        ("١٢٣٤٥ abc", None),  # Arabic-Indic digits are not letters
        ("ا ١٢٣٤٥", "ar"),
        ("\u064b\u064b\u064b ab", None),  # marks (tanwin) are not letters either
        ("x" * SAMPLE + URDU, None),  # only the first SAMPLE characters are looked at
    ],
)
def test_the_script_tells_the_language(text, language):
    assert detect_language(text) == language


def _by_hand(text: str) -> str | None:
    """The rule spelled out letter by letter: the oracle for the fast scan."""
    letters = [ch for ch in text[:SAMPLE] if ch.isalpha()]
    hebrew = [ch for ch in letters if "\u0590" <= ch <= "\u05ff"]
    arabic = {ch for ch in letters if any(lo <= ch <= hi for lo, hi in ARABIC_BLOCKS)}
    count = sum(1 for ch in letters if any(lo <= ch <= hi for lo, hi in ARABIC_BLOCKS))
    if 2 * len(hebrew) > len(letters):
        return "he"
    if 2 * count <= len(letters):
        return None
    if arabic & set("\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be"):
        return "ur"
    return "fa" if arabic & set("\u067e\u0686\u0698\u06af\u06a9\u06cc") else "ar"


ARABIC_BLOCKS = [("\u0600", "\u06ff"), ("\u0750", "\u077f"), ("\u08a0", "\u08ff"),
                 ("\ufb50", "\ufdff"), ("\ufe70", "\ufeff")]  # fmt: skip
PIECES = [URDU, ARABIC, PERSIAN, HEBREW, "The budget session.", "١٢٣", "\u064b", " ", "ab", "ے"]


@given(st.lists(st.sampled_from(PIECES), max_size=12), st.text(max_size=40))
def test_the_fast_scan_agrees_with_the_rule_letter_by_letter(pieces, noise):
    text = "".join(pieces) + noise
    assert detect_language(text) == _by_hand(text)


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
