"""The front page: never near-empty after midnight, by day ("Today", "Yesterday") and topic."""

from __future__ import annotations

import datetime as dt
import re

from tests.support.sites import Site

CLOCK = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)


def newsroom(site: Site, yesterday: int = 40, config: str = "") -> None:
    """One story just after midnight today, `yesterday` stories spread over yesterday, and
    five the day before."""
    site.config('base_url = "https://example.github.io/news/"\n' + config)
    site.add("new", "Just after midnight", "2025-03-03T00:10:00+00:00", topic="Courts")
    for i in range(yesterday):
        minute = 23 * 60 - i * 30  # from 23:00 back, every half hour
        site.add(
            f"y{i}", f"Yesterday {i}", f"2025-03-02T{minute // 60:02d}:{minute % 60:02d}:00+00:00",
            topic=["Economy", "Sport"][i % 2],
        )  # fmt: skip
    for i in range(5):
        site.add(f"o{i}", f"Older {i}", f"2025-03-01T1{i}:00:00+00:00", topic="Economy")


def headings(html: str, level: int) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h) for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html)
    ]


def test_just_after_midnight_the_front_page_still_shows_yesterday(site):
    newsroom(site, yesterday=40)
    site.build(clock=CLOCK)
    home = site.read("index.html")
    assert headings(home, 2)[:2] == ["Today Monday, 3 March 2025", "Yesterday Sunday, 2 March 2025"]
    # the last 24 hours before the newest story: it and yesterday's from 00:10 on (all 40)
    assert len(re.findall(r'<h4 class="entry-title">', home)) == 41
    assert "The newest 41 stories, from 2 March 2025 to 3 March 2025." in home
    assert headings(home, 3) == ["Courts", "Economy", "Sport"]
    assert "Older 0" not in home
    assert re.findall(r'<li><a href="/news/(\d{4}/\d\d/\d\d)/">', home) == ["2025/03/01"]


def test_a_quiet_day_is_topped_up_to_the_minimum(site):
    newsroom(site, yesterday=3, config="[pages]\nhome_min_articles = 6\n")
    site.build(clock=CLOCK)
    home = site.read("index.html")
    assert len(re.findall(r'<h4 class="entry-title">', home)) == 6  # 1 + 3 + 2 older
    assert headings(home, 2)[2] == "Saturday, 1 March 2025"  # neither today nor yesterday
    assert "Older 4" in home and "Older 3" in home and "Older 2" not in home
    assert '<a href="/news/2025/03/01/">All 5 stories of 1 March 2025</a>' in home
    # the day shown in part is still listed among the earlier days
    assert re.findall(r'<li><a href="/news/(\d{4}/\d\d/\d\d)/">', home) == ["2025/03/01"]


def test_a_smaller_window_and_minimum(site):
    newsroom(site, config="[pages]\nhome_hours = 2\nhome_min_articles = 1\n")
    site.build(clock=CLOCK)
    home = site.read("index.html")
    # 22:10 yesterday to 00:10 today: the newest story and yesterday's 23:00, 22:30
    assert re.findall(r'<h4 class="entry-title"><a [^>]+>([^<]+)</a>', home) == [
        "Just after midnight", "Yesterday 0", "Yesterday 1",
    ]  # fmt: skip
    assert '<a href="/news/2025/03/02/">All 40 stories of 2 March 2025</a>' in home


def test_labels_follow_the_clock_and_the_rest_does_not(site):
    newsroom(site, yesterday=2)
    site.build(clock=CLOCK)
    first = site.read("index.html")
    site.build(clock=CLOCK + dt.timedelta(days=3))
    later = site.read("index.html")
    assert headings(first, 2)[:2] == [
        "Today Monday, 3 March 2025",
        "Yesterday Sunday, 2 March 2025",
    ]
    assert headings(later, 2)[:2] == ["Monday, 3 March 2025", "Sunday, 2 March 2025"]
    assert re.sub(r"<h2 id=[^>]+>.*?</h2>", "", first) == re.sub(
        r"<h2 id=[^>]+>.*?</h2>", "", later
    )


def test_a_day_page_has_a_topic_index_and_back_to_top_after_long_sections(site):
    newsroom(site, yesterday=14)
    site.build(clock=CLOCK)
    day = site.read("2025/03/02/index.html")
    index = re.search(r'<nav class="topic-index" aria-label="Topics">(.*?)</nav>', day, re.S).group(
        1
    )
    assert re.findall(r'<a href="#(t-[^"]+)">([^<]+)</a> <span class="count">(\d+)</span>', index) == [
        ("t-economy", "Economy", "7"), ("t-sport", "Sport", "7"),
    ]  # fmt: skip
    assert day.count('<p class="to-top"><a href="#main">Back to top</a></p>') == 2
    assert 'id="t-economy"' in day and 'id="t-sport"' in day
    one_topic = site.read("2025/03/03/index.html")
    assert "topic-index" not in one_topic and "Back to top" not in one_topic


# One event from two outlets in different words (tests/e2e/test_clusters.py has more).
SBP = [
    ("Dawn", "SBP keeps policy rate unchanged at 22pc", "The State Bank of Pakistan on Monday kept its key policy rate unchanged at 22 per cent, citing persistently high inflation and external account risks."),
    ("APP", "State Bank maintains interest rate at 22 percent", "KARACHI: The Monetary Policy Committee of the State Bank of Pakistan decided to maintain the policy rate at 22 percent, the central bank said on Monday, pointing to elevated inflation."),
]  # fmt: skip
FILLER = [
    ("Reuters", "Oil prices rise as OPEC+ extends output cuts", "Oil prices rose on Monday after Saudi Arabia and Russia said they would extend voluntary output cuts."),
    ("BBC", "Wildfires force thousands to flee homes on Rhodes", "Thousands of tourists were evacuated from the Greek island as fires spread."),
    ("AP", "NASA Artemis rocket launches on moon mission", "The uncrewed Orion capsule set off towards the moon from Florida."),
]  # fmt: skip


def titles(html: str) -> list[str]:
    return re.findall(r'<h4 class="entry-title"><a [^>]+>([^<]+)</a>', html)


def story_site(site: Site, dawn: str, app: str, config: str = "") -> None:
    site.config('base_url = "https://example.github.io/news/"\n' + config)
    for (source, title, body), when in zip(SBP, (dawn, app), strict=True):
        site.add(source.lower(), title, when, body, topic="Economy", source=source)
    for n, (source, title, body) in enumerate(FILLER):
        site.add(f"f{n}", title, f"2025-03-03T0{n + 1}:30:00+00:00", body, topic="World",
                 source=source)  # fmt: skip


def test_the_front_page_lists_a_story_from_two_sources_once_and_counts_it_once(site):
    story_site(site, "2025-03-03T06:00:00+00:00", "2025-03-03T07:00:00+00:00")
    site.build(clock=CLOCK)
    home = site.read("index.html")
    # under the first report of the day, as on the day page (topics by name)
    assert titles(home) == [
        "SBP keeps policy rate unchanged at 22pc",
        "NASA Artemis rocket launches on moon mission",
        "Wildfires force thousands to flee homes on Rhodes",
        "Oil prices rise as OPEC+ extends output cuts",
    ]
    assert (
        '<p class="also">Also reported by <a href="/news/2025/03/03/state-bank-maintains-'
        'interest-rate-at-22-percent/">APP: State Bank maintains interest rate at 22 percent</a>'
        in home
    )
    assert "The newest 4 stories." in home
    assert ">3 March 2025 on its own page<" in home


def test_a_story_reported_yesterday_and_today_is_listed_today_once(site):
    story_site(
        site, "2025-03-02T22:00:00+00:00", "2025-03-03T00:20:00+00:00",
        config="[pages]\nhome_hours = 1\nhome_min_articles = 5\n",
    )  # fmt: skip
    site.build(clock=CLOCK)
    home = site.read("index.html")
    # all five articles make four stories (fewer than the minimum): Dawn's report of
    # yesterday is listed under APP's of today, on the newer day
    assert titles(home) == [
        "State Bank maintains interest rate at 22 percent",
        "NASA Artemis rocket launches on moon mission",
        "Wildfires force thousands to flee homes on Rhodes",
        "Oil prices rise as OPEC+ extends output cuts",
    ]
    assert "Also reported by Dawn: SBP keeps policy rate unchanged at 22pc" in text(home)
    assert "The newest 4 stories." in home
    # Sunday had only Dawn's report, listed today: no part of its own, and listed below
    assert headings(home, 2) == ["Today Monday, 3 March 2025", "Earlier days"]
    assert re.findall(r'<li><a href="/news/(\d{4}/\d\d/\d\d)/">', home) == ["2025/03/02"]
    # its own day page still lists it
    assert "SBP keeps policy rate unchanged at 22pc" in site.read("2025/03/02/index.html")


def test_the_minimum_counts_a_story_from_two_sources_as_one(site):
    story_site(
        site, "2025-03-03T00:40:00+00:00", "2025-03-03T00:50:00+00:00",
        config="[pages]\nhome_hours = 0\nhome_min_articles = 3\n",
    )  # fmt: skip
    site.add("old", "An older story", "2025-03-02T12:00:00+00:00", topic="World", source="AP")
    site.build(clock=CLOCK)
    home = site.read("index.html")
    # newest first: Artemis 03:30, Wildfires 02:30 and, the third story, Oil 01:30; the
    # pair (00:50, 00:40) would be the fourth
    assert "The newest 3 stories." in home
    site.config(
        'base_url = "https://example.github.io/news/"\n[pages]\nhome_hours = 0\n'
        "home_min_articles = 4\n"
    )
    site.build(clock=CLOCK)
    home = site.read("index.html")
    assert "The newest 4 stories." in home  # the pair's two reports: one story
    assert len(titles(home)) == 4 and "An older story" not in home


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
