"""Story clusters and related articles on a realistic generated archive, in process.

    python -m benchmarks.cluster_speed --articles 33000 [--profile]

Titles and summaries draw words from a 30,000-word vocabulary by Zipf frequencies (a few
words in most articles, most words rare, as in news text), names capitalised, some figures;
a fifth of the articles are near-copies of the one before by another source (one event, two
outlets), so clusters form. About 90 articles a day over 12 topics and 8 sources. Times
`link_articles` (what the build's `cluster` stage runs): cold (no memo), one edit (the cold
memo, one article's title changed), no change (the cold memo again). Prints figures; asserts
nothing. `--profile` prints the cold run's cProfile instead.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import os
import pstats
import random
import time
from dataclasses import replace

from generator.content.article import Article
from generator.core.workers import default_jobs
from generator.site.catalog import make_catalog
from generator.site.related import Links, link_articles
from generator.site.urls import Urls

SOURCES = ["Dawn", "APP", "Geo", "The News", "Reuters", "BBC", "AP", "Express"]
TOPICS = ["Business", "Cricket", "Health", "Karachi", "Lahore", "Opinion", "Pakistan",
          "Politics", "Science", "Sport", "Technology", "World"]  # fmt: skip
START = dt.datetime(2025, 1, 1, 6, tzinfo=dt.UTC)


def _words(rng: random.Random, vocabulary: list[str], weights: list[float], n: int) -> list[str]:
    picked = rng.choices(vocabulary, cum_weights=weights, k=n)
    return [w.capitalize() if rng.random() < 0.15 else w for w in picked]


def archive(count: int, seed: int = 16) -> list[Article]:
    """`count` articles, ~90 a day, a fifth near-copies of the one before."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = sorted(
        {"".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(31000)}
    )[:30000]
    rng.shuffle(vocabulary)
    weights, total = [], 0.0
    for rank in range(len(vocabulary)):
        total += 1 / (rank + 1)
        weights.append(total)
    articles: list[Article] = []
    for n in range(count):
        when = START + dt.timedelta(minutes=16 * n)
        if articles and rng.random() < 0.2:
            last = articles[-1]
            title = " ".join(last.title.split()[1:] + _words(rng, vocabulary, weights, 1))
            summary = "Dateline: " + last.summary
        else:
            title = " ".join(_words(rng, vocabulary, weights, rng.randint(6, 11))).capitalize()
            body = _words(rng, vocabulary, weights, rng.randint(20, 40))
            if rng.random() < 0.3:
                body.insert(
                    rng.randrange(len(body)), f"Rs{rng.randint(1, 999)}.{rng.randint(0, 99)}"
                )
            summary = " ".join(body).capitalize() + "."
        topic = TOPICS[rng.randrange(len(TOPICS))]
        source = SOURCES[rng.randrange(len(SOURCES))]
        articles.append(
            Article(
                title=title,
                date=when,
                id=f"a{n}",
                slug=f"a{n}",
                topic=topic,
                topic_slug=topic.lower(),
                body_html="<p>x</p>",
                summary=summary,
                source_path=f"content/a{n}.md",
                source=source,
                source_slug=source.lower().replace(" ", "-"),
            )
        )
    return articles


def _keys(articles: list[Article]) -> dict[str, str]:
    return {
        a.id: hashlib.blake2b(
            f"{a.title}\0{a.summary}\0{a.source}".encode(), digest_size=16
        ).hexdigest()
        for a in articles
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: steadier than wall time on a
    shared machine."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _fingerprint(links: Links) -> str:
    """A hash of what pages show (clusters, related lists), to check a change keeps them."""
    text = repr(
        [
            sorted((u, [e.url for e in es]) for u, es in links.also.items()),
            sorted((u, [e.url for e in es]) for u, es in links.related.items()),
        ]
    )
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=33000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    urls = Urls("https://example.org/news/")
    articles = archive(args.articles)
    catalog = make_catalog(articles, dt.UTC, urls)
    keys = _keys(articles)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        link_articles(catalog, keys, {}, args.jobs)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    started, cpu = time.perf_counter(), _cpu()
    cold = link_articles(catalog, keys, {}, args.jobs)
    cold_s, cold_cpu = time.perf_counter() - started, _cpu() - cpu
    middle = len(articles) // 2
    edited = list(articles)
    edited[middle] = replace(articles[middle], title=articles[middle].title + " revised")
    edited_catalog = make_catalog(edited, dt.UTC, urls)
    edited_keys = _keys(edited)
    started = time.perf_counter()
    link_articles(edited_catalog, edited_keys, cold.memo, args.jobs)
    edit_s = time.perf_counter() - started
    started = time.perf_counter()
    link_articles(catalog, keys, cold.memo, args.jobs)
    same_s = time.perf_counter() - started
    print(
        f"{args.articles} articles, {args.jobs} jobs ({len(catalog.days)} days, {len(cold.also)} in a story): "
        f"cold {cold_s:.2f} s (CPU {cold_cpu:.2f} s), one edit {edit_s:.2f} s, no change {same_s:.2f} s; "
        f"results {_fingerprint(cold)}"
    )


if __name__ == "__main__":
    main()
