"""An article's language and writing direction: from front matter `language`, else from its
script (a Latin-script text's language is not guessed: the site's stands).

Arabic script is told apart by letters only some languages use: Urdu's ٹ ڈ ڑ ں ے ہ ھ, then
Persian's پ چ ژ گ ک ی (Urdu shares those, so it is tested first); the rest is read as Arabic.
"""

from __future__ import annotations

import re

# Languages written right to left, by primary subtag.
RTL = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"})
TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")  # en, ur, pt-BR, zh-Hant
_URDU = frozenset("\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be")
_PERSIAN = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc")
SAMPLE = 2000  # characters looked at: enough to tell a script, cheap on long bodies
# Hebrew and Arabic blocks: a text without one of these is none of the languages told here.
_RTL_SCRIPT = re.compile("[\u0590-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def _arabic(ch: str) -> bool:
    code = ord(ch)
    return (
        0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF
    )  # fmt: skip


def detect_language(text: str) -> str | None:
    """'ur', 'fa', 'ar' or 'he' when most letters of `text` are in that script, else None."""
    sample = text[:SAMPLE]
    if not _RTL_SCRIPT.search(sample):  # most articles: one C scan instead of a Python loop
        return None
    letters = sum(map(str.isalpha, sample))
    arabic = [ch for ch in sample if _arabic(ch) and ch.isalpha()]
    hebrew = sum(1 for ch in sample if 0x0590 <= ord(ch) <= 0x05FF and ch.isalpha())
    if 2 * hebrew > letters:
        return "he"
    if 2 * len(arabic) <= letters:
        return None
    found = set(arabic)
    if found & _URDU:
        return "ur"
    return "fa" if found & _PERSIAN else "ar"


def direction(language: str) -> str:
    """'rtl' or 'ltr' for a language tag."""
    return "rtl" if language.split("-", 1)[0].lower() in RTL else "ltr"
