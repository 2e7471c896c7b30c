"""build/delta.py: an output whose context shows no changed entry keeps its fingerprint, and
one that shows it does not; so kept fingerprints are the ones a full digest would give."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.build.delta import (
    ANY,
    ContentChanges,
    Reach,
    kept_fingerprints,
    marked_urls,
    reached,
    showing,
)
from generator.build.fingerprint import Fingerprinter
from generator.build.loader import load_articles
from generator.core.config import load_config
from generator.site.catalog import make_catalog
from generator.site.feeds import plan_feeds
from generator.site.pages import plan_pages
from generator.site.related import link_articles, outlined
from generator.site.urls import Urls
from tests.support.corpus import TODAY, generate
from tests.support.sites import Site

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
URL = "https://example.github.io/news/"


def _plan(site: Site, generated: bool = True):
    if generated:
        site.config('title = "Delta"\nbase_url = "https://example.github.io/news/"\n')
        generate(site.root, 300)
    config = load_config(site.root / "digest.toml")
    loaded = load_articles(config, None, 1)
    urls = Urls(config.base_url)
    catalog = make_catalog(loaded.articles, config.tz, urls)
    keys = {a.id: f"key-{a.id}" for a in loaded.articles}
    links = link_articles(catalog, keys)
    pages = list(plan_pages(catalog, config, urls, NOW, links))
    feeds = plan_feeds(catalog, config, urls, NOW)
    contexts = [(p.context, p.kind + p.template) for p in pages]
    contexts += [({"feed": f}, "feed") for f in feeds]
    return catalog, keys, links, pages, feeds, contexts


def test_an_output_shows_an_entry_exactly_when_its_key_moves_its_fingerprint(site):
    catalog, keys, links, _pages, _feeds, contexts = _plan(site)
    assert links.also, "the corpus holds stories reported twice"

    def fingerprints(keys):
        printer = Fingerprinter("salt", keys, catalog.entries)
        return [printer.page(context, extra) for context, extra in contexts]

    before = fingerprints(keys)
    index = showing(context for context, _ in contexts)  # what a process keeps instead
    assert ANY not in index  # no context holds a bare Article
    checked = 0
    for entry in catalog.entries[::12]:  # the newest (on the front page and feeds) included
        after = fingerprints(keys | {entry.article.id: "edited"})
        reach = Reach({entry.url})
        shown = [reach.context(context) for context, _ in contexts]
        assert shown == [any(map(reach.shows, context.values())) for context, _ in contexts]
        assert shown == [a != b for a, b in zip(after, before, strict=True)]
        assert index[entry.url] == [i for i, s in enumerate(shown) if s]
        checked += sum(shown)
    assert checked > 25 * 5  # each entry shows on its own page, its day, topic, feeds...


def test_kept_fingerprints_are_the_records_of_outputs_no_change_reaches(site):
    catalog, keys, _links, pages, feeds, contexts = _plan(site)
    printer = Fingerprinter("salt", keys, catalog.entries)
    digests = [printer.page(context, extra) for context, extra in contexts]
    paths = [p.output for p in pages] + [f.path for f in feeds]
    previous = {path: (d, 1, 1, "hash") for path, d in zip(paths, digests, strict=True)}
    entry = catalog.entries[40]
    kept = kept_fingerprints(paths, previous, reached(pages, feeds, {entry.url}))
    assert 2 < kept.count(None) < len(paths) // 10
    assert all(k is None or k == d for k, d in zip(kept, digests, strict=True))
    # An output with no record is always digested.
    del previous[paths[-1]]
    assert kept_fingerprints(paths, previous, set())[-1] is None


def test_links_outlined_are_the_links_found(site):
    catalog, _keys, links, _pages, _feeds, _contexts = _plan(site)
    again = outlined(links.outline(), catalog)
    assert again is not None
    assert (again.also, again.related) == (links.also, links.related)
    assert outlined(dict(list(links.outline().items())[1:]), catalog) is None


def _digests(catalog, keys, pages, feeds) -> dict[str, str]:
    printer = Fingerprinter("salt", keys, catalog.entries)
    found = {p.output: printer.page(p.context, p.kind + p.template) for p in pages}
    found.update((f.path, printer.page({"feed": f}, "feed")) for f in feeds)
    return found


def _newest_of_a_topic(catalog):
    return next(g.entries[0] for g in catalog.topics if len(g.entries) > 3)


GROWTHS = {
    "today": lambda site, catalog: generate(site.root, 12, start=300, seed=3, day=TODAY),
    "spread": lambda site, catalog: generate(site.root, 12, start=300, seed=4),
    # a topic's newest story with another spelling of its name (one slug, no warning)
    "respelt": lambda site, catalog: site.add(
        "respelt", "A respelt topic", "2029-12-31T10:00:00+00:00",
        topic=_newest_of_a_topic(catalog).article.topic.upper().replace("E", "É"),
    ),
    # an older story with an existing one's slug on its day: it takes that URL
    "same_slug": lambda site, catalog: site.add(
        "same-slug", catalog.entries[50].article.title,
        (catalog.entries[50].article.date - dt.timedelta(minutes=1)).isoformat(),
        topic=catalog.entries[50].article.topic,
    ),
}  # fmt: skip


@pytest.mark.parametrize("growth", sorted(GROWTHS))
def test_new_articles_leave_every_article_page_they_do_not_reach_as_it_was(site, growth):
    """A grown catalog: every output but the article pages is digested again, and an
    article page that shows no marked entry has the fingerprint it had; when a new story
    takes an old one's URL, nothing is kept."""
    catalog, keys, links, pages, feeds, _ = _plan(site)
    before = _digests(catalog, keys, pages, feeds)
    GROWTHS[growth](site, catalog)
    grown, grown_keys, grown_links, grown_pages, grown_feeds, _ = _plan(site, generated=False)
    new_ids = frozenset(grown_keys.keys() - keys.keys())
    changes = ContentChanges(new_ids, True, True, grown=True)
    marked = marked_urls(grown, changes, links.outline(), grown_links.outline(), Urls(URL))
    if growth == "same_slug":
        assert marked is None
        return
    assert marked is not None
    after = _digests(grown, grown_keys, grown_pages, grown_feeds)
    reach = reached(grown_pages, grown_feeds, marked, grown=True)
    paths = [p.output for p in grown_pages] + [f.path for f in grown_feeds]
    kept = [path for i, path in enumerate(paths) if i not in reach and path in before]
    assert all(before[path] == after[path] for path in kept)
    # Most article pages; back-dated stories relink the POOL after them in their topic.
    assert len(kept) > (len(grown.entries) // 2 if growth != "spread" else 20)
    assert {grown_pages[i].kind for i in reach if i < len(grown_pages)} >= {"home", "day", "topic"}
    if growth == "respelt":  # every page of the respelt topic shows its new name
        group = next(g for g in grown.topics if g.name.startswith("É") or "É" in g.name)
        assert {e.url for e in group.entries} <= marked
