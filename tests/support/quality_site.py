"""A generated site with the shapes readers meet on a real archive, for the quality checkers
(tests/e2e/test_quality.py, benchmarks/lighthouse.py): thousands of articles, one 98-article
day, headlines too long for a line (and one unbroken word), Urdu headlines and bodies, lead
images served by the site itself (no external asset), and stories reported by two sources
(so the checked home, day and article pages show "Also reported by"). Deterministic; imports nothing from pytest.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from pathlib import Path

from tests.support.corpus import SOURCES, TOPICS, WORDS, body_text, generate, same_event

BUSY_DAY = dt.date(2026, 1, 1)  # the 98-article day, after the corpus's year: the newest
CLOCK = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)  # "now" for its builds
BUSY = 98
URDU = [
    "وزیراعظم", "نے", "بجٹ", "اجلاس", "میں", "کہا", "کہ", "حکومت", "معیشت", "کو", "بہتر",
    "بنانے", "کے", "لیے", "اقدامات", "کر", "رہی", "ہے", "کراچی", "لاہور", "پانی", "بجلی",
]  # fmt: skip
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
IMAGES = 6
CONFIG = """title = "Generated digest"
description = "A generated archive of news articles, for the quality checks."
language = "en"
"""


def png(width: int, height: int, seed: int) -> bytes:
    """A gradient PNG of about the weight of a news photo (110 KB at 1200 x 675), made without
    an imaging library: each row is the first, shifted by its y."""
    first = b"".join(
        bytes(((seed * 67 + x // 2) % 256, (seed * 29 + x // 4) % 256, 90)) for x in range(width)
    )
    rows = b"".join(
        b"\0" + first.translate(bytes((v + y // 8) % 256 for v in range(256)))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _front(meta: dict[str, object]) -> str:
    import json

    return "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items())


def _busy_article(i: int, rng: random.Random) -> tuple[str, str]:
    when = dt.datetime.combine(BUSY_DAY, dt.time(0, 0), tzinfo=dt.UTC)
    when += dt.timedelta(minutes=i * 14 + rng.randint(0, 10))
    meta: dict[str, object] = {
        "topic": TOPICS[i % 9],
        "source": rng.choice(SOURCES[:6]),
        "author": f"Reporter {rng.randint(1, 200)}",
        "url": f"https://news.example/busy/{i}",
    }
    body = body_text(rng, 1500)
    if i % 7 in (0, 1):  # a story reported by two sources: the checked pages show one
        title, lead = same_event(i // 7)[i % 7]
        meta["source"] = SOURCES[(i // 7 + i % 7) % 6]
        body = f"{lead}\n\n{body}"
    elif i % 7 == 3:  # Urdu: detected from the script, laid out right to left
        title = " ".join(rng.choices(URDU, k=rng.randint(6, 16)))
        body = "\n\n".join(" ".join(rng.choices(URDU, k=40)) + "۔" for _ in range(4))
    elif i % 7 == 5:  # a headline of three lines
        title = " ".join(rng.choices(WORDS, k=32)).capitalize()
    elif i == 13:
        title = f"{LONG_WORD} in one word, as a scraper sometimes hands it over"
    else:
        title = " ".join(rng.choices(WORDS, k=rng.randint(5, 12))).capitalize()
    if i in (0, 3, 13):
        meta["slug"] = f"busy-{i}"  # the article pages the checkers open
    if i % 3 == 0:
        meta["image"] = f"../../../../static/thumbs/{i // 3 % IMAGES}.png"
        if i % 2 == 0:
            meta["image_caption"] = f"Picture {i}: officials at the {rng.choice(WORDS)} meeting"
    meta = {"title": f"{title} ({i})", "date": when.isoformat(), **meta}
    return f"content/{BUSY_DAY:%Y/%m/%d}/busy-{i}.md", f"---\n{_front(meta)}\n---\n\n{body}\n"


def make_site(root: Path, articles: int = 5000) -> Path:
    """Write digest.toml, content/ and static/thumbs/ of a site of `articles` articles under
    root; returns root."""
    generate(root, articles - BUSY - 2)
    rng = random.Random(98)
    # late the evening before, in a topic the busy day has too: the front page spans both
    for n, minute in enumerate((30, 45)):
        when = dt.datetime.combine(BUSY_DAY, dt.time(0, 0), tzinfo=dt.UTC) - dt.timedelta(
            minutes=minute
        )
        meta = {
            "title": f"Late story {n}",
            "date": when.isoformat(),
            "topic": TOPICS[0],
            "source": SOURCES[0],
        }
        path = root / "content" / f"{when:%Y/%m/%d}" / f"late-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{_front(meta)}\n---\n\n{body_text(rng, 800)}\n", encoding="utf-8")
    for i in range(BUSY):
        rel, text = _busy_article(i, rng)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    thumbs = root / "static" / "thumbs"
    thumbs.mkdir(parents=True, exist_ok=True)
    for n in range(IMAGES):
        (thumbs / f"{n}.png").write_bytes(png(1200, 675, n))
    (root / "digest.toml").write_text(CONFIG, encoding="utf-8")
    return root


# The five page kinds the quality bars name, relative to the site's base.
PAGES = {
    "home": "",
    "day": f"{BUSY_DAY:%Y/%m/%d}/",
    "topic": "topics/topic-business/",
    "article": f"{BUSY_DAY:%Y/%m/%d}/busy-0/",  # with a lead image and its caption
    "article-urdu": f"{BUSY_DAY:%Y/%m/%d}/busy-3/",
    "search": "search/",
}
