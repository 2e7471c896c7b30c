"""Page fingerprints: a context's digest changes with every input a template can see."""

from __future__ import annotations

import dataclasses
import datetime as dt

from generator.build.fingerprint import Fingerprinter
from generator.content.article import Article
from generator.site.catalog import Entry, Group

WHEN = dt.datetime(2025, 1, 5, 10, tzinfo=dt.UTC)


def entry(n: int) -> Entry:
    article = Article(
        title=f"Story {n}", date=WHEN, id=f"a{n}", slug=f"story-{n}", topic="Sport",
        topic_slug="sport", body_html="<p>Text.</p>", summary="Text.", source_path=f"a{n}.md",
    )  # fmt: skip
    return Entry(article, f"/news/2025/01/05/story-{n}/", WHEN, None)


def test_a_group_digest_follows_its_name_slug_and_each_entry():
    # The fast path digests these three fields by name: a new field would go unseen.
    assert [f.name for f in dataclasses.fields(Group)] == ["name", "slug", "entries"]
    keys = {"a1": "k1", "a2": "k2"}
    one, two = entry(1), entry(2)

    def digest(group: Group, keys: dict[str, str] = keys) -> str:
        return Fingerprinter("salt", keys).page({"stories": (group,)})

    base = digest(Group("Sport", "sport", (one, two)))
    assert base == digest(Group("Sport", "sport", (one, two)))  # equal inputs, equal digests
    others = [
        digest(Group("Sports", "sport", (one, two))),
        digest(Group("Sport", "sports", (one, two))),
        digest(Group("Sport", "sport", (two, one))),
        digest(Group("Sport", "sport", (one,))),
        digest(Group("Sport", "sport", (one, two)), {"a1": "k1", "a2": "k2-edited"}),
    ]
    assert len({base, *others}) == 6
