"""Search by topic or source alone: static lists of each topic's and source's articles, newest
first, that the search page reads instead of asking Pagefind.

Pagefind answers a search without words by loading every word chunk of every index (an empty
word is a prefix of them all): 2.3 MB and about half a second a month at 34,000 articles, to
list a topic's newest twenty articles. These lists hold what a result shows (the same meta as
Pagefind's records, and the article's summary as its excerpt), split in files of `SIZE`
articles numbered from the oldest, so new articles change only a list's newest file and its
count in the index file. They are ordinary outputs of the build (planned, staged, compared
byte for byte), a pure function of the catalog: a cached build writes what a clean one does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from generator.build.render import datefmt
from generator.site.catalog import Catalog, Entry, Group
from generator.site.outputs import OutputFile
from generator.site.urls import Urls

SIZE = 100  # articles a file
EXCERPT_WORDS = 30  # as Pagefind's excerpts (the search page's excerptLength)

__all__ = ["SIZE", "filter_list_paths", "filter_lists", "list_paths", "result_meta"]


def result_meta(entry: Entry) -> dict[str, str]:
    """What a search result shows of an article, besides its URL and excerpt (a Pagefind
    record's meta, and a list's row)."""
    a = entry.article
    meta = {
        "title": a.title,
        "date": datefmt(entry.local, "day"),
        "datetime": entry.local.isoformat(),
        "topic": a.topic,
    }
    if a.source:
        meta["source"] = a.source
    return meta


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _row(entry: Entry) -> str:
    meta = result_meta(entry)
    excerpt = " ".join(entry.article.summary.split(maxsplit=EXCERPT_WORDS)[:EXCERPT_WORDS])
    fields = [entry.url, meta["title"], meta["datetime"], meta["date"]]
    return _encode([*fields, meta["topic"], meta.get("source", ""), excerpt])


def _row_of(entry: Entry, rows: dict[str, str]) -> str:
    rows[entry.url] = row = _row(entry)
    return row


def list_paths(urls: Urls, kind: str, slug: str, count: int) -> list[str]:
    """The output paths of a list's files, oldest first."""
    folder = urls.rel(urls.search_lists())
    return [f"{folder}{kind}/{slug}/{n}.json" for n in range(-(-count // SIZE))]


def filter_lists(catalog: Catalog, urls: Urls) -> Iterator[OutputFile]:
    """The index (each topic's and source's list: slug and count) and every list's files:
    a JSON array of rows [url, title, datetime, date, topic, source, excerpt], newest first
    within a file, the file numbered 0 holding the oldest articles."""
    rows: dict[str, str] = {}
    index: dict[str, dict[str, list]] = {}
    kinds: list[tuple[str, tuple[Group, ...]]] = [
        ("topic", catalog.topics),
        ("source", catalog.sources),
    ]
    for kind, groups in kinds:
        index[kind] = {}
        for group in groups:
            oldest_first = group.entries[::-1]
            index[kind][group.name] = [group.slug, len(oldest_first)]
            for n, path in enumerate(list_paths(urls, kind, group.slug, len(oldest_first))):
                chunk = oldest_first[n * SIZE : (n + 1) * SIZE]
                lines = [rows[e.url] if e.url in rows else _row_of(e, rows) for e in chunk]
                yield OutputFile(path, ("[\n" + ",\n".join(reversed(lines)) + "\n]\n").encode())
    data = {"size": SIZE, **index}
    yield OutputFile(_index_path(urls), (json.dumps(data, ensure_ascii=False) + "\n").encode())


def filter_list_paths(catalog: Catalog, urls: Urls) -> list[str]:
    """The paths filter_lists writes, known without making a file (the build claims them
    while planning, and makes the files one at a time later, so their bytes are never all
    held at once)."""
    found = [
        path
        for kind, groups in (("topic", catalog.topics), ("source", catalog.sources))
        for group in groups
        for path in list_paths(urls, kind, group.slug, len(group.entries))
    ]
    return [*found, _index_path(urls)]


def _index_path(urls: Urls) -> str:
    return urls.rel(urls.search_lists()) + "index.json"
