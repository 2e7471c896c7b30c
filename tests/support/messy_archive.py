"""A generated scraper archive as messy as the real one of issue 15: JSON records of two news
sites, one file per record under `<site>/YYYY/MM/DD/YYYY-MM-DD_<hash>.json`, with the shapes
real scrapes hold: "None" publication dates whose day is in `dateList`, `retrievedAt` or only
the path, "None" authors, consent-banner titles, one story under two URLs, republished
copies with one changed line, and broken records. Deterministic for a given seed.

`newsroom_day` gives one day of a newsroom for the daily-loop test instead: new stories,
re-scraped old ones, a republished copy, a correction, broken records, a path-dated one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

SITES = {
    "Dawn": ("dawn", "https://www.dawn.com/news/{n}/{slug}"),
    "APP": ("app", "https://www.app.com.pk/national/{slug}-{n}/"),
}
BANNER = "Opt out of the sale or sharing of personal information"
START = dt.date(2025, 10, 1)
_SYLLABLES = ["ka", "ra", "chi", "la", "hor", "pe", "sha", "war", "is", "lam", "bad", "mul",
              "tan", "quet", "ta", "gil", "git", "sind", "pun", "jab", "bal", "och", "zar",
              "dar", "min", "ister", "sen", "ate", "co", "urt", "bud", "get"]  # fmt: skip


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(_SYLLABLES, k=rng.randint(1, 3))) for _ in range(count)]


@dataclass
class Story:
    """One story as the newsroom published it."""

    site: str
    number: int
    day: dt.date
    title: str
    paragraphs: list[str]

    @property
    def slug(self) -> str:
        return "-".join(self.title.lower().split()[:6])

    def url(self, number: int | None = None) -> str:
        return SITES[self.site][1].format(n=number or self.number, slug=self.slug)

    def record(self, **changes: object) -> dict[str, object]:
        base: dict[str, object] = {
            "title": f"{self.title} - {self.site}",
            "content": "\n\n".join(self.paragraphs),
            "date_published": f"{self.day.isoformat()}T{6 + self.number % 12:02d}:15:00+05:00",
            "author": "Staff Reporter",
            "url": self.url(),
            "source": self.site,
            "dateList": self.day.isoformat(),
            "retrievedAt": f"{self.day.isoformat()}T20:00:00Z",
        }
        base.update(changes)
        return base


def new_story(rng: random.Random, site: str, number: int, day: dt.date) -> Story:
    title = " ".join(_words(rng, 6)).capitalize()
    paras = [" ".join(_words(rng, rng.randint(18, 30))) + "." for _ in range(rng.randint(3, 6))]
    return Story(site, number, day, title, paras)


@dataclass
class Archive:
    """What was written, so a test knows what the import should find."""

    files: list[Path] = field(default_factory=list)
    stories: int = 0  # distinct stories content/ should hold
    fallbacks: int = 0  # records dated from another field or the path
    banners: int = 0  # records titled with the consent banner
    copies: int = 0  # the same story under a second URL
    versions: int = 0  # a second, republished version of one URL
    broken: int = 0  # records that must fail


def _write(root: Path, site: str, day: dt.date, data: object, tag: str) -> Path:
    name = hashlib.sha1(f"{site}{day}{tag}".encode()).hexdigest()[:12]
    path = root / SITES[site][0] / day.strftime("%Y/%m/%d") / f"{day.isoformat()}_{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    return path


def write_archive(root: Path, records: int = 2000, seed: int = 15) -> Archive:
    """About `records` JSON files under `root`, one record each."""
    rng = random.Random(seed)
    out = Archive()
    days = max(1, records // 60)
    number = 1_950_000
    while len(out.files) < records:
        number += 1
        site = "Dawn" if (number // 40) % 2 else "APP"
        day = START + dt.timedelta(days=number % days)
        story = new_story(rng, site, number, day)
        kind = number % 40
        record = story.record()
        out.stories += 1
        if kind == 1:
            record.update(date_published="None", author="None")
            out.fallbacks += 1
        elif kind == 2:
            record.update(date_published="null", dateList=None)
            out.fallbacks += 1
        elif kind == 3:
            for key in ("date_published", "dateList", "retrievedAt"):
                record.pop(key)
            out.fallbacks += 1
        elif kind in (4, 8):
            record["title"] = BANNER
            out.banners += 1
        elif kind == 5:  # republished under a second URL, same text
            copy = story.record(url=story.url(number + 500_000))
            out.files.append(_write(root, site, day, copy, f"{number}-copy"))
            out.copies += 1
        elif kind == 6:  # a republished version: one more line, fetched later
            later = story.record(
                content="\n\n".join([*story.paragraphs, "This story was updated."]),
                retrievedAt=f"{day.isoformat()}T23:00:00Z",
            )
            out.files.append(_write(root, site, day, later, f"{number}-v2"))
            out.versions += 1
        elif kind == 7:
            record = rng.choice(
                [
                    {**record, "content": "None"},
                    {**record, "title": ""},
                    {**record, "date_published": "2 hours ago"},
                    '{"title": "cut off", "content": "the scraper died',
                ]
            )
            out.stories -= 1
            out.broken += 1
        out.files.append(_write(root, site, day, record, str(number)))
    # Dawn's banner records need 3 or more to be recognised; the generator makes dozens.
    return out


def newsroom_day(
    root: Path, day_number: int, per_day: int, seed: int = 30
) -> dict[str, list[dict[str, object]]]:
    """Write day `day_number`'s batch (one JSON Lines file and a few one-record files) and
    return its records by kind. Stories of earlier days come back re-scraped, unchanged;
    on day 5 one story of day 2 comes back corrected."""
    day = START + dt.timedelta(days=day_number)
    kinds: dict[str, list[dict[str, object]]] = {k: [] for k in
        ("new", "rescraped", "copy", "corrected", "broken", "path_dated")}  # fmt: skip

    def story(d: int, i: int) -> Story:
        rng = random.Random(f"{seed}-{d}-{i}")
        return new_story(rng, "Dawn" if i % 2 else "APP", 3_000_000 + d * 1000 + i, START
                         + dt.timedelta(days=d))  # fmt: skip

    def record(d: int, i: int, **changes: object) -> dict[str, object]:
        s = story(d, i)
        if i % 3 == 0:  # a day, no time: 'Published October 3, 2025'
            changes.setdefault("date_published", s.day.isoformat())
        return s.record(**changes)

    for i in range(per_day):
        kinds["new"].append(record(day_number, i))
    for d in range(max(0, day_number - 3), day_number):
        kinds["rescraped"].append(record(d, 0, retrievedAt=f"{day.isoformat()}T20:00:00Z"))
    copy = story(day_number, 1)
    kinds["copy"].append(record(day_number, 1, url=copy.url(copy.number + 500_000)))
    if day_number == 5:
        fixed = story(2, 2)
        fixed.paragraphs[0] = "Correction: " + fixed.paragraphs[0]
        kinds["corrected"].append(fixed.record(dateModified=f"{day.isoformat()}T09:00:00+05:00"))
    kinds["broken"].append({"title": "No body here", "content": "None", "url": f"https://x/{day}"})
    kinds["broken"].append({"title": "", "content": "text", "date_published": "2 hours ago"})
    dated = story(day_number, per_day)
    record = dated.record()
    for key in ("date_published", "dateList", "retrievedAt"):
        record.pop(key)
    kinds["path_dated"].append(record)
    folder = root / day.strftime("%Y/%m/%d")
    folder.mkdir(parents=True, exist_ok=True)
    lines = [r for k in ("new", "rescraped", "copy", "corrected", "broken") for r in kinds[k]]
    (folder / f"{day.isoformat()}_batch.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8"
    )
    (folder / f"{day.isoformat()}_path.json").write_text(json.dumps(record), encoding="utf-8")
    return kinds


# --- HTML bodies ----------------------------------------------------------------------------

# Page furniture an HTML body may carry; none of these words may reach content/.
HTML_JUNK = ("Advertisement", "googletag", "adsbygoogle", "Buy now", "Facebook", "WhatsApp",
             "Share this article", "Read more", "cookies", "Accept all", "Newsletter", "alert(")  # fmt: skip


def _html_body(rng: random.Random, story: Story) -> str:
    """The story's paragraphs as a CMS or scraper saves them, with a few of the messy shapes."""
    paras = [f"<p>{p}</p>" for p in story.paragraphs]
    first = story.paragraphs[0].split()
    paras[0] = (f"<p>{' '.join(first[:2])} <a href='/topic/{story.number}'>{first[2]}</a> "
                f"<strong>{first[3]}</strong> <em>{first[4]}</em> {' '.join(first[5:])}</p>")  # fmt: skip
    extras = [
        "<p>Advertisement</p>",
        "<div class='ad-slot'><p>Buy now</p></div>",
        "<script>googletag.cmd.push(function() {});</script>",
        "<p>(adsbygoogle = window.adsbygoogle || []).push({});</p>",
        "<div class='share-bar'><a href='https://f.example/s'>Facebook</a> <a href='#'>WhatsApp</a></div>",
        "<p>Share this article</p>",
        "<p>Read more: <a href='/other'>another story</a></p>",
        "<div id='cookie-consent'>We use cookies to improve your experience. <button>Accept all</button></div>",
        "<p>We use cookies to personalise content.</p>",
        "<aside class='newsletter'>Newsletter sign-up</aside>",
        "<p>Bad <a href='javascript:alert(1)'>link</a> and <a href='data:text/html,x'>data</a> here.</p>",
        "<ul><li>first point</li><li>second <b>point</b></li></ul>",
        "<ol><li>step one</li><li>step two</li><li>step three</li></ol>",
        "<table><tr><th>Team</th><th>Score</th></tr><tr><td>Lahore</td><td>3 &amp; 4</td></tr></table>",
        "<h2>Section heading</h2>",
        "<blockquote><p>A quoted line.</p></blockquote>",
        "<p>Broken <b>bold <i>nested</p><p>unclosed tags",
        "</div></span><p>Stray closers &nbsp;&amp;&#8217; caf&eacute; &lt;script&gt; text</p>",
        "<p>one line<br><br><br>another line<br>same paragraph</p>",
        "<div>" * 120 + "deep text" + "</div>" * 120,
    ]
    picked = rng.sample(extras, k=rng.randint(3, 8))
    for extra in picked:
        paras.insert(rng.randint(1, len(paras)), extra)
    return "\n".join(paras)


def write_html_records(root: Path, records: int = 2000, seed: int = 21) -> list[dict[str, object]]:
    """JSON Lines files (500 records each) whose bodies are HTML of messy shapes; returns
    the records written."""
    rng = random.Random(seed)
    written: list[dict[str, object]] = []
    root.mkdir(parents=True, exist_ok=True)
    for n in range(records):
        site = "Dawn" if n % 2 else "APP"
        story = new_story(rng, site, 4_000_000 + n, START + dt.timedelta(days=n % 30))
        record = story.record(content=_html_body(rng, story))
        written.append(record)
    for start in range(0, records, 500):
        batch = written[start : start + 500]
        (root / f"batch-{start // 500:03d}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch), encoding="utf-8"
        )
    return written
