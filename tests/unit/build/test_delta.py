"""build/delta.py: an output whose context shows no changed entry keeps its fingerprint, and
one that shows it does not; so kept fingerprints are the ones a full digest would give."""

from __future__ import annotations

import datetime as dt

from generator.build.delta import ANY, Reach, kept_fingerprints, reached, showing
from generator.build.fingerprint import Fingerprinter
from generator.build.loader import load_articles
from generator.core.config import load_config
from generator.site.catalog import make_catalog
from generator.site.feeds import plan_feeds
from generator.site.pages import plan_pages
from generator.site.related import link_articles, outlined
from generator.site.urls import Urls
from tests.support.corpus import generate
from tests.support.sites import Site

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _plan(site: Site):
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
