"""Generated test and benchmark input: realistic articles (front-mattered Markdown of ~4 KB) and
batches of scraped JSON records. Deterministic for a given seed.

The crash, lock and Markdown tests use it, and so do the benchmarks (`python -m
benchmarks.build_speed`, `python -m benchmarks.import_speed`, benchmarks/serve_latency.py),
so it imports nothing from pytest or from the tests' other helpers.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

# --- articles -------------------------------------------------------------------------------

WORDS = [
    "government", "minister", "budget", "economy", "trade", "exports", "imports", "province",
    "court", "police", "election", "assembly", "water", "power", "energy", "cricket", "team",
    "match", "climate", "flood", "health", "hospital", "school", "university", "students",
    "market", "prices", "inflation", "rupee", "bank", "interest", "growth", "security",
    "border", "talks", "agreement", "report", "survey", "officials", "said", "on", "Tuesday",
    "according", "to", "the", "statement", "while", "however", "despite", "also", "further",
    "city", "district", "federal", "provincial", "national", "international",
]  # fmt: skip
TOPICS = [
    f"Topic {name}"
    for name in [
        "Business", "Sport", "Politics", "World", "Health", "Science", "Courts", "Climate",
        "Energy", "Education",
    ]
]  # fmt: skip
TOPICS += [f"Region {i}" for i in range(20)]
SOURCES = [f"Source {i}" for i in range(20)]
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
TODAY = dt.date(2026, 1, 1)  # the day after the corpus's year: articles on it are the newest


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(10, 22))
    return " ".join(words).capitalize() + "."


def body_text(rng: random.Random, size: int = 4000) -> str:
    """About `size` characters of Markdown prose: paragraphs, some lists, quotes and links."""
    parts: list[str] = []
    while sum(len(p) for p in parts) < size:
        kind = rng.random()
        if kind < 0.08:
            parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
        elif kind < 0.12:
            parts.append(f"> {_sentence(rng)}")
        else:
            text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
            if rng.random() < 0.3:
                text += f" See [the report](https://example.org/r/{rng.randint(1, 10**6)})."
            parts.append(text)
    return "\n\n".join(parts)


def article_text(i: int, rng: random.Random, day: dt.date | None = None) -> tuple[str, str]:
    """(relative path, file text) of generated article number i: a time in the corpus's year,
    or on `day` (newer than the whole corpus for a day after it: today's news)."""
    when = START + dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
    if day is not None:
        when = dt.datetime.combine(day, when.time(), tzinfo=dt.UTC)
    title = " ".join(rng.choices(WORDS, k=rng.randint(5, 10))).capitalize() + f" {i}"
    meta = {
        "title": title,
        "date": when.isoformat(),
        "topic": rng.choice(TOPICS),
        "source": rng.choice(SOURCES),
        "author": f"Reporter {rng.randint(1, 200)}",
        "tags": rng.sample(WORDS[:30], 2),
        "url": f"https://news{rng.randint(1, 20)}.example/story/{i}",
    }
    front = "\n".join(f"{k}: {json.dumps(v)}" for k, v in meta.items())
    return f"{when:%Y/%m/%d}/a{i}.md", f"---\n{front}\n---\n\n{body_text(rng)}\n"


# One event reported by two outlets in their own words: a place, a figure, what happened.
PLACES = [
    "Sukkur", "Gwadar", "Multan", "Quetta", "Peshawar", "Hyderabad", "Sialkot", "Larkana",
    "Bahawalpur", "Mardan", "Chitral", "Turbat", "Skardu", "Gilgit", "Jhelum", "Kohat",
]  # fmt: skip
EVENTS = [
    ("flood", "flood waters swept through", "floods"),
    ("fire", "a fire broke out at a market in", "blaze"),
    ("strike", "traders shut their shops across", "shutter-down strike"),
    ("bus crash", "a passenger bus overturned near", "road accident"),
]  # fmt: skip


def same_event(k: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two reports of event number k, as two outlets word them: ((title, first paragraph),
    (title, first paragraph)). They share the place, the figure and the event's words, so
    the site's clustering finds them one story; events of other k differ in both."""
    place = PLACES[k % len(PLACES)]
    event, what, other = EVENTS[k % len(EVENTS)]
    n = 7 + k * 3
    first = (
        f"{n} hurt as {event} hits {place}",
        f"At least {n} people were hurt on Friday after {what} {place}, district officials "
        f"said, and rescue teams reached the {place} {event} site within hours.",
    )
    second = (
        f"{place} {other} leaves {n} injured, rescue teams on site",
        f"{place.upper()}: Rescue teams said {n} people were injured when {what} {place} "
        f"on Friday; officials said the {event} was under control by evening.",
    )
    return first, second


def generate(
    root: Path, n: int, start: int = 0, seed: int = 7, day: dt.date | None = None
) -> list[Path]:
    """Write articles number start .. start+n-1 under root/content/ (all on `day` if given);
    returns their paths."""
    rng = random.Random(seed + start)
    paths = []
    for i in range(start, start + n):
        rel, text = article_text(i, rng, day)
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# --- scraped records ------------------------------------------------------------------------

_PROSE = (
    "the government said on tuesday that budget talks with provincial ministers would resume "
    "after a week of debate over taxes exports cotton textiles remittances and the rupee while "
    "officials in islamabad karachi and lahore warned of rising prices for fuel wheat and power "
    "as the monsoon approached and the central bank weighed another cut to its policy rate"
)
_TERMS = _PROSE.split()
_SITES = [("Dawn", "https://www.dawn.com/news/{n}/{slug}", " - {section} - DAWN.COM"),
          ("APP", "https://www.app.com.pk/{section_l}/{slug}/", ""),
          ("Tribune", "https://tribune.com.pk/story/{n}/{slug}", " | The Express Tribune")]  # fmt: skip
_SECTIONS = ["Business", "Sport", "National", "World", "Opinion"]


def make_batch(folder: Path, records: int, seed: int = 7) -> int:
    """Write `records` records: nine in ten in JSON Lines files, the rest one file each."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    lines: list[str] = []
    total = 0
    for n in range(records):
        site, link, suffix = _SITES[n % len(_SITES)]
        section = rng.choice(_SECTIONS)
        words = [rng.choice(_TERMS) for _ in range(8)]
        headline = " ".join(words).capitalize() + f" {n}"
        slug = "-".join(words[:6])
        paras = [
            " ".join(rng.choice(_TERMS) for _ in range(rng.randint(40, 90))).capitalize() + "."
            for _ in range(rng.randint(5, 11))
        ]
        record = {
            ("headline" if n % 5 == 0 else "title"): headline + suffix.format(section=section),
            ("body" if n % 7 == 0 else "content"): "\n\n".join(paras),
            ("pubDate" if n % 3 == 0 else "date_published"): (
                start + dt.timedelta(minutes=17 * n)
            ).isoformat(),
            "author": None if n % 4 else "Staff Reporter",
            "link": link.format(n=n, slug=slug, section_l=section.lower()),
            "source": site,
            "tags": [],
        }
        text = json.dumps(record, ensure_ascii=False)
        total += len(text.encode()) + 1
        if n % 10 == 9:
            (folder / f"record-{n:06d}.json").write_text(text, encoding="utf-8")
        else:
            lines.append(text)
            if len(lines) == 100:
                (folder / f"scrape-{n:06d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
                lines = []
    if lines:
        (folder / "scrape-last.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return total
