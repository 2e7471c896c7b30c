"""Story clusters and related articles, on hand-made articles and on a hand-labelled sample
of news pairs (tests/data/cluster_pairs.json)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.cluster_speed import archive
from generator.content.article import Article
from generator.core.identity import slugify
from generator.site import clusters as clusters_module
from generator.site import related as related_module
from generator.site.catalog import Catalog, make_catalog
from generator.site.clusters import PARALLEL_ARTICLES, day_stories, find_stories, fold
from generator.site.related import FEWEST, MOST, link_articles
from generator.site.urls import Urls

PAIRS = Path(__file__).parents[2] / "data" / "cluster_pairs.json"
URLS = Urls("https://example.org/news/")
NOON = dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC)
# What the README reports for the labelled sample; the test fails if the method gets worse.
PRECISION = 0.93
RECALL = 0.90


def art(
    n: int, source: str, title: str, summary: str, hours: float = 0, topic: str = "News"
) -> Article:
    return Article(
        title=title,
        date=NOON + dt.timedelta(hours=hours),
        id=f"id{n}",
        slug=slugify(title)[:40] or f"a{n}",
        topic=topic,
        topic_slug=slugify(topic),
        body_html="<p>x</p>",
        summary=summary,
        source_path=f"content/a{n}.md",
        source=source,
        source_slug=slugify(source),
    )


def catalog(*articles: Article) -> Catalog:
    return make_catalog(articles, dt.UTC, URLS)


SBP_DAWN = (
    "Dawn",
    "SBP keeps policy rate unchanged at 22pc",
    "The State Bank of Pakistan on Monday kept its key policy rate unchanged at 22 per cent for the fourth consecutive time, citing persistently high inflation.",
)
SBP_APP = (
    "APP",
    "State Bank maintains interest rate at 22 percent",
    "KARACHI: The Monetary Policy Committee of the State Bank of Pakistan decided to maintain the policy rate at 22 percent, the central bank said on Monday, pointing to elevated inflation.",
)
COURT_A = (
    "Dawn",
    "IHC grants bail to Imran Khan in Toshakhana case",
    "The Islamabad High Court on Tuesday granted bail to former prime minister Imran Khan in the Toshakhana case and suspended his three-year sentence.",
)
COURT_B = (
    "Geo",
    "LHC grants bail to Pervaiz Elahi in corruption case",
    "The Lahore High Court on Tuesday granted post-arrest bail to former Punjab chief minister Pervaiz Elahi in a corruption case registered by the Anti-Corruption Establishment.",
)
FILLER = [
    (
        "Reuters",
        "Oil prices rise as OPEC+ extends output cuts",
        "Oil prices rose after Saudi Arabia and Russia extended voluntary cuts.",
    ),
    (
        "BBC",
        "Wildfires force thousands to flee homes on Rhodes",
        "Thousands of tourists were evacuated from the Greek island.",
    ),
    (
        "AP",
        "NASA's Artemis rocket launches on moon mission",
        "The uncrewed Orion capsule set off towards the moon.",
    ),
]


def test_same_event_from_two_sources_is_one_story() -> None:
    a, b = art(1, *SBP_DAWN), art(2, *SBP_APP, hours=3)
    also = find_stories(catalog(a, b, *[art(9 + i, *f) for i, f in enumerate(FILLER)])).also
    (ea, eb) = sorted((e for e in catalog(a, b).entries), key=lambda e: e.article.id)
    assert [e.article.id for e in also[ea.url]] == ["id2"]
    assert [e.article.id for e in also[eb.url]] == ["id1"]


def test_different_events_with_similar_words_are_not_linked() -> None:
    found = find_stories(catalog(art(1, *COURT_A), art(2, *COURT_B, hours=1)))
    assert found.also == {}


def test_the_same_source_twice_is_no_cluster_of_sources() -> None:
    copy = ("Dawn", *SBP_APP[1:])
    assert find_stories(catalog(art(1, *SBP_DAWN), art(2, *copy, hours=2))).also == {}


def test_only_articles_within_two_days_are_linked() -> None:
    two_days = catalog(art(1, *SBP_DAWN), art(2, *SBP_APP, hours=47))
    assert len(find_stories(two_days).also) == 2
    three_days = catalog(art(1, *SBP_DAWN), art(2, *SBP_APP, hours=72))
    assert find_stories(three_days).also == {}


def test_a_day_lists_a_story_once_under_its_first_report() -> None:
    cat = catalog(
        art(1, *SBP_DAWN, topic="Business"),
        art(2, *SBP_APP, hours=2, topic="Economy"),
        art(3, *COURT_A, hours=1, topic="Courts"),
        *[art(9 + i, *f, hours=3 + i, topic="World") for i, f in enumerate(FILLER)],
    )
    stories, also = day_stories(cat.days[0], find_stories(cat).also)
    listed = {g.name: [e.article.id for e in g.entries] for g in stories}
    assert listed == {"Business": ["id1"], "Courts": ["id3"], "World": ["id11", "id10", "id9"]}
    # Economy held only APP's report, which is shown under Dawn's
    assert [[e.article.id for e in v] for v in also.values()] == [["id2"]]


def test_folding_never_hides_a_listed_lead() -> None:
    """`also` names each other source's first report: APP's second report of a story Dawn
    led names Dawn's, which must stay listed, else APP's first report (shown only under
    Dawn's) would be listed nowhere."""
    dawn, app1, geo, app2 = catalog(
        art(1, *SBP_DAWN), art(2, *SBP_APP, hours=1), art(3, "Geo", "x", "y", hours=2),
        art(4, "APP", "z", "w", hours=3),
    ).entries[::-1]  # fmt: skip
    also = {
        dawn.url: (app1, geo), app1.url: (dawn, geo), geo.url: (dawn, app1),
        app2.url: (dawn, geo),
    }  # fmt: skip
    hidden, shown = fold([dawn, app1, geo, app2], also)
    assert hidden == {app1.url, geo.url}
    assert list(shown) == [dawn.url, app2.url]


def labelled_catalog() -> tuple[Catalog, list[tuple[str, str, bool]]]:
    """Every article of the labelled sample on one day, each from a source of its own (two
    outlets of one name are two sources here): (url, url, same story?) for each pair."""
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))
    articles: dict[tuple[str, ...], Article] = {}
    for pair in pairs:
        for side in ("a", "b"):
            key = tuple(pair[side])
            if key not in articles:
                n = len(articles)
                source, title, summary = key
                articles[key] = art(n, f"{source} {n}", title, summary, hours=n / 20)
    cat = catalog(*articles.values())
    url = {e.article.id: e.url for e in cat.entries}
    labelled = [
        (url[articles[tuple(p["a"])].id], url[articles[tuple(p["b"])].id], p["label"] == "same")
        for p in pairs
    ]
    return cat, labelled


def test_precision_and_recall_on_the_hand_labelled_sample() -> None:
    cat, labelled = labelled_catalog()
    assert len(labelled) >= 60
    also = find_stories(cat).also
    said = [(b in {e.url for e in also.get(a, ())}, same) for a, b, same in labelled]
    true_pos = sum(1 for linked, same in said if linked and same)
    precision = true_pos / sum(1 for linked, _ in said if linked)
    recall = true_pos / sum(1 for _, same in said if same)
    print(f"precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= PRECISION
    assert recall >= RECALL


def _topic_articles(count: int, start: int = 0, topic: str = "Courts") -> list[Article]:
    subjects = ["bail", "verdict", "appeal", "hearing", "petition", "sentence", "trial"]
    return [
        art(
            n,
            f"Outlet {n % 4}",
            f"Court {subjects[n % len(subjects)]} number {n + 10}",
            f"The court heard the {subjects[n % len(subjects)]} of case {n + 10}.",
            hours=n * 5,
            topic=topic,
        )
        for n in range(start, start + count)
    ]


def test_related_articles_three_to_five_from_the_topic_never_itself() -> None:
    others = [art(100 + i, *f, hours=i, topic="World") for i, f in enumerate(FILLER)]
    cat = catalog(*_topic_articles(20), *others)
    related = link_articles(cat).related
    for entry in cat.entries:
        chosen = related[entry.url]
        assert FEWEST <= len(chosen) <= MOST
        assert entry.url not in {e.url for e in chosen}
        if entry.topic == "Courts" and int(entry.article.id[2:]) >= 3:  # three older in topic
            assert {e.topic for e in chosen} == {"Courts"}
    # the same subject (shared words) ranks first
    late = next(e for e in cat.entries if e.article.id == "id19")
    assert "sentence" in late.title and "sentence" in related[late.url][0].title
    assert link_articles(cat).related == related  # deterministic


def test_new_articles_leave_older_related_lists_alone() -> None:
    before = link_articles(catalog(*_topic_articles(20))).related
    after = link_articles(catalog(*_topic_articles(20), *_topic_articles(10, start=20))).related
    changed = [url for url in before if before[url] != after[url]]
    assert changed == []


def _ten_days() -> list[Article]:
    """Seventy articles from the labelled pairs, seven a day over ten days."""
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))
    return [
        art(n, f"{pair[side][0]} {n % 3}", *pair[side][1:], hours=(n // 7) * 24 + n % 7)
        for n, (pair, side) in enumerate((p, s) for p in pairs for s in ("a", "b"))
    ][:70]


def test_a_memo_of_the_last_build_gives_the_same_stories_and_spares_far_days() -> None:
    """Articles over ten days; an edit on day 5 recomputes the days whose windows (and
    their windows) hold it, days 5 to 9, and the stories equal a build without the memo."""
    articles = _ten_days()
    keys = {a.id: f"k{a.id}" for a in articles}
    first = find_stories(catalog(*articles), keys)
    edited = list(articles)
    edited[36] = art(36, "Dawn 0", *SBP_APP[1:], hours=(36 // 7) * 24 + 1)
    keys["id36"] = "edited"
    again = find_stories(catalog(*edited), keys, first.memo)
    clean = find_stories(catalog(*edited))
    assert clean.also and again.also == clean.also and again.terms == clean.terms
    assert len(set(again.memo) - set(first.memo)) == 5


def test_the_last_stories_of_the_same_catalog_spare_every_day_an_edit_cannot_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process that keeps its plan edits an article in its entry and passes the last
    Stories' days: only the days whose windows (and their windows) hold the edited day,
    days 5 to 9, are keyed again, and the stories equal those found without any memo."""
    articles = _ten_days()
    keys = {a.id: f"k{a.id}" for a in articles}
    cat = catalog(*articles)
    first = find_stories(cat, keys)
    keyed: list[dt.date] = []
    window_key = clusters_module._Archive.window_key
    monkeypatch.setattr(
        clusters_module._Archive,
        "window_key",
        lambda self, day: keyed.append(day) or window_key(self, day),
    )
    entry = next(e for e in cat.entries if e.article.id == "id36")
    object.__setattr__(entry, "article", replace(entry.article, title=SBP_APP[1]))
    keys["id36"] = "edited"
    again = find_stories(cat, keys, first.memo, previous=first.days, changed={entry.day})
    assert sorted(keyed) == [entry.day + dt.timedelta(days=k) for k in range(5)]
    clean = find_stories(cat, keys)
    assert (again.also, again.terms, again.words, again.memo) == (
        clean.also,
        clean.terms,
        clean.words,
        clean.memo,
    )
    assert again.terms != first.terms  # the edit moved top terms: stale days would show


def test_related_articles_from_the_memo_equal_fresh_ones() -> None:
    articles = _topic_articles(40) + [
        art(100 + i, *f, hours=i, topic="World") for i, f in enumerate(FILLER)
    ]
    keys = {a.id: f"k{a.id}" for a in articles}
    first = link_articles(catalog(*articles), keys)
    edited = list(articles)
    edited[25] = art(
        25,
        "Outlet 1",
        "Court appeal number 35",
        "The court heard the appeal of case 35.",
        hours=125,
        topic="Courts",
    )
    again = link_articles(catalog(*edited), {**keys, "id25": "edited"}, first.memo)
    assert again.related == link_articles(catalog(*edited)).related
    reused = link_articles(catalog(*articles), keys, first.memo)
    assert reused.related == first.related and reused.memo == first.memo


def test_related_articles_in_blocks_equal_one_pass_and_new_ones_redo_the_newest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A topic is ranked in blocks counted from its oldest article (each block reading the
    POOL articles before it): the same lists as one pass, and today's articles rank only
    the topic's newest block again."""
    world = [art(100 + i, *f, hours=i, topic="World") for i, f in enumerate(FILLER)]
    articles = _topic_articles(84) + world
    keys = {a.id: f"k{a.id}" for a in articles}
    whole = link_articles(catalog(*articles), keys).related  # one block each
    monkeypatch.setattr(related_module, "BLOCK", 12)  # Courts: 7 blocks, 2.5 pools
    first = link_articles(catalog(*articles), keys)
    assert first.related == whole
    more = articles + _topic_articles(5, start=84)
    keys |= {a.id: f"k{a.id}" for a in more}
    again = link_articles(catalog(*more), keys, first.memo)
    assert again.related == link_articles(catalog(*more), keys).related
    ranked = [k for k in set(again.memo) - set(first.memo) if k.startswith("r")]
    assert len(ranked) == 1  # the new block of Courts' 85th to 89th articles


def test_a_term_most_of_a_window_shares_finds_no_candidates_yet_stories_are_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eighty articles of one day about the budget, each from its own outlet: "budget" is a
    top term of each and would make every pair a candidate; past COMMON_TERM it finds none,
    and the two reports of the State Bank's decision are still one story."""
    names = [f"{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(80)]  # no figures
    budget = [
        art(n, f"Outlet {n}", f"Budget debate {w}", f"Budget session {w} on the budget.", n / 10)
        for n, w in enumerate(names)
    ]
    cat = catalog(*budget, art(100, *SBP_DAWN, hours=9), art(101, *SBP_APP, hours=10))
    cosine, calls = clusters_module._cosine, []
    monkeypatch.setattr(clusters_module, "_cosine", lambda a, b: calls.append(1) or cosine(a, b))
    for bound, most in ((10**9, None), (clusters_module.COMMON_TERM, 80 * 79 // 4)):
        monkeypatch.setattr(clusters_module, "COMMON_TERM", bound)
        calls.clear()
        stories = find_stories(cat)
        sbp = {e.article.id: e.url for e in cat.entries}
        assert [e.source for e in stories.also[sbp["id101"]]] == ["Dawn"]
        if most is None:
            assert len(calls) >= 80 * 79 // 2  # every earlier article of another outlet
        else:
            assert len(calls) < most


def test_workers_link_the_same_stories_as_one_process() -> None:
    """Days split among worker processes (each working out the top terms of the days just
    before its first) give what one process gives, memo included; an edit with that memo
    too."""
    articles = [  # each near-copy a day after its original: stories across runs of days
        replace(a, date=a.date + dt.timedelta(days=1)) if a.summary.startswith("Dateline") else a
        for a in archive(2 * PARALLEL_ARTICLES)
    ]
    keys = {a.id: f"k{a.id}{a.title}" for a in articles}
    cat = catalog(*articles)
    alone = find_stories(cat, keys)
    assert alone.also
    shared = find_stories(cat, keys, jobs=2)
    assert (shared.also, shared.terms, shared.memo) == (alone.also, alone.terms, alone.memo)
    # each word crosses from a worker once a task (four here), not once an article: the
    # parent keeps every article's top terms
    copies: dict[str, set[int]] = {}
    uses: Counter[str] = Counter()
    for terms in shared.terms.values():
        uses.update(terms)
        for w in terms:
            copies.setdefault(w, set()).add(id(w))
    assert uses.most_common(1)[0][1] > 8  # a word of many articles' top terms
    assert max(map(len, copies.values())) <= 4
    edited = list(articles)
    edited[3000] = replace(articles[3000], title=articles[3000].title + " revised")
    keys[edited[3000].id] = "edited"
    again = find_stories(catalog(*edited), keys, alone.memo, jobs=2)
    clean = find_stories(catalog(*edited), keys)
    assert (again.also, again.terms, again.memo) == (clean.also, clean.terms, clean.memo)


def test_the_last_links_of_the_same_catalog_give_what_ranking_again_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process that keeps its plan changes articles in their entries and passes its last
    Links: blocks whose inputs are unchanged take those lists as they are, the others are
    ranked again, and the outline patched from the last one equals one made whole."""
    monkeypatch.setattr(related_module, "BLOCK", 12)
    world = [art(100 + i, *f, hours=i, topic="World") for i, f in enumerate(FILLER)]
    articles = _topic_articles(84) + world
    keys = {a.id: f"k{a.id}" for a in articles}
    cat = catalog(*articles)
    first = link_articles(cat, keys)
    outline = first.outline()
    for n, title in [(40, "Court sentence petition bail number 13"), (41, "Court appeal 99")]:
        entry = next(e for e in cat.entries if e.article.id == f"id{n}")
        object.__setattr__(entry, "article", replace(entry.article, title=title))
        keys[f"id{n}"] = f"edited {n}"
    made: list[range] = []
    block_key = related_module._block_key
    monkeypatch.setattr(
        related_module,
        "_block_key",
        lambda entries, block, *rest: made.append(block) or block_key(entries, block, *rest),
    )
    again = link_articles(cat, keys, first.memo, previous=first, changed={"id40", "id41"})
    assert 0 < len(made) < len(first.blocks) / 2  # the keys of blocks reading no change stand
    clean = link_articles(cat, keys)
    assert (again.related, again.also, again.memo) == (clean.related, clean.also, clean.memo)
    assert again.blocks == clean.blocks
    assert again.outline(outline) == clean.outline()
    moved = {url for url, links in clean.outline().items() if outline[url] != links}
    assert moved and again.fresh is not None and moved <= again.fresh
    assert len(again.fresh) < len(clean.related) / 2  # most blocks taken as they were


def test_a_title_beside_a_topics_first_articles_moves_into_their_held_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A topic's first articles fill their lists up from the site's articles around them:
    an article there (five days older, so no word or story of theirs changes) that now
    shares their words is chosen, though it is in no block of theirs, so the held key of
    their block is not kept."""
    monkeypatch.setattr(related_module, "BLOCK", 12)
    world = [art(100 + i, *f, hours=300 + i, topic="World") for i, f in enumerate(FILLER)]
    articles = _topic_articles(84) + world
    keys = {a.id: f"k{a.id}" for a in articles}
    cat = catalog(*articles)
    first = link_articles(cat, keys)
    entry = next(e for e in cat.entries if e.article.id == "id36")
    object.__setattr__(entry, "article", replace(entry.article, title="Artemis moon mission"))
    keys["id36"] = "edited"
    later = link_articles(cat, keys, first.memo, previous=first, changed={"id36"})
    anew = link_articles(cat, keys)
    assert (later.related, later.memo, later.blocks) == (anew.related, anew.memo, anew.blocks)
    artemis = next(e for e in cat.entries if e.article.id == "id102")
    assert entry.url in {e.url for e in later.related[artemis.url]}
    assert entry.url not in {e.url for e in first.related[artemis.url]}
