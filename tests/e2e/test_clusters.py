"""A story reported by two sources: its article pages say "Also reported by", its day page
lists it once; every article page shows related articles."""

from __future__ import annotations

import json
import re
import subprocess

from tests.support.sites import Site

DAY = "2025/03/02/"
STORIES = [
    ("sbp1", "Dawn", "Business", "09:00", "SBP keeps policy rate unchanged at 22pc", "The State Bank of Pakistan on Monday kept its key policy rate unchanged at 22 per cent, citing persistently high inflation and external account risks."),
    ("sbp2", "APP", "Economy", "11:00", "State Bank maintains interest rate at 22 percent", "KARACHI: The Monetary Policy Committee of the State Bank of Pakistan decided to maintain the policy rate at 22 percent, the central bank said on Monday, pointing to elevated inflation."),
    ("ihc", "Dawn", "Courts", "10:00", "IHC grants bail to Imran Khan in Toshakhana case", "The Islamabad High Court on Tuesday granted bail to former prime minister Imran Khan in the Toshakhana case and suspended his three-year sentence."),
    ("lhc", "Geo", "Courts", "12:00", "LHC grants bail to Pervaiz Elahi in corruption case", "The Lahore High Court on Tuesday granted post-arrest bail to former Punjab chief minister Pervaiz Elahi in a corruption case registered by the Anti-Corruption Establishment."),
    ("oil", "Reuters", "Business", "13:00", "Oil prices rise as OPEC+ extends output cuts", "Oil prices rose on Monday after Saudi Arabia and Russia said they would extend voluntary output cuts of 1.3 million barrels per day."),
]  # fmt: skip


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def built(tmp_path) -> Site:
    site = Site(tmp_path)
    site.config('base_url = "https://example.github.io/news/"\n')
    for name, source, topic, time, title, body in STORIES:
        site.add(name, title, f"2025-03-02T{time}:00+00:00", body, topic=topic, source=source)
    site.build()
    return site


def test_a_story_from_two_sources_is_linked_and_listed_once(tmp_path):
    site = built(tmp_path)

    dawn = site.read(DAY + "sbp-keeps-policy-rate-unchanged-at-22pc/index.html")
    assert "Also reported by APP: State Bank maintains interest rate at 22 percent" in text(dawn)
    assert '<a href="/news/2025/03/02/state-bank-maintains-interest-rate-at-22-percent/">' in dawn
    app = site.read(DAY + "state-bank-maintains-interest-rate-at-22-percent/index.html")
    assert "Also reported by Dawn: SBP keeps policy rate unchanged at 22pc" in text(app)
    courts = site.read(DAY + "ihc-grants-bail-to-imran-khan-in-toshakhana-case/index.html")
    assert "Also reported by" not in courts  # two bail hearings are two stories

    day = text(site.read(DAY + "index.html"))
    assert day.count("State Bank maintains interest rate at 22 percent") == 1  # once, as a link
    assert "Also reported by APP: State Bank maintains interest rate at 22 percent" in day
    # the index counts stories listed: Economy held only APP's report, shown under Dawn's
    index = re.search(r'<nav class="topic-index".*?</nav>', site.read(DAY + "index.html"), re.S)
    assert index is not None
    assert text(index.group()).split() == ["Business", "2", "Courts", "2"]
    assert "5 articles" in day

    for page in (site.out / DAY).glob("*/index.html"):
        related = re.search(r'<section class="related".*?</section>', page.read_text(), re.S)
        assert related is not None, page
        assert 3 <= related.group().count("<li>") <= 5
        assert f'href="/news/{DAY}{page.parent.name}/"' not in related.group()


def test_cluster_and_related_markup_is_valid_html(tmp_path):
    from tests.support.checkers import VNU, need

    need(VNU, "the Nu Html Checker (npm vnu-jar)")
    need("java", "java")
    site = built(tmp_path)
    pages = [site.out / DAY / "index.html", *(site.out / DAY).glob("s*-22*/index.html")]
    assert len(pages) == 3
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert json.loads(done.stderr or '{"messages": []}')["messages"] == []
