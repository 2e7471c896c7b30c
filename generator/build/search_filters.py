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
from collections.abc import Callable
from typing import Any

from generator.build.render import datefmt
from generator.site.catalog import Catalog, Entry
from generator.site.outputs import MadeFile
from generator.site.urls import Urls

SIZE = 100  # articles a file
EXCERPT_WORDS = 30  # as Pagefind's excerpts (the search page's excerptLength)

__all__ = ["SIZE", "filter_lists", "result_meta"]


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


def filter_lists(catalog: Catalog, urls: Urls) -> list[MadeFile]:
    """The index (each topic's and source's list: slug and count) and every list's files:
    a JSON array of rows [url, title, datetime, date, topic, source, excerpt], newest first
    within a file, the file numbered 0 holding the oldest articles. Each file is made only
    when asked (the lists are tens of megabytes on a large site: never all held at once,
    and a file whose articles are unchanged need not be made at all)."""
    rows: dict[str, str] = {}  # an article's row, made once for its topic's and source's lists

    def make(chunk: tuple[Entry, ...]) -> Callable[[], bytes]:
        def made() -> bytes:
            lines = [rows[e.url] if e.url in rows else _row_of(e, rows) for e in chunk]
            return ("[\n" + ",\n".join(reversed(lines)) + "\n]\n").encode()

        return made

    folder = urls.rel(urls.search_lists())
    files: list[MadeFile] = []
    index: dict[str, Any] = {"size": SIZE}
    for kind, groups in (("topic", catalog.topics), ("source", catalog.sources)):
        index[kind] = {}
        for group in groups:
            oldest_first = group.entries[::-1]
            index[kind][group.name] = [group.slug, len(oldest_first)]
            for n in range(-(-len(oldest_first) // SIZE)):
                chunk = oldest_first[n * SIZE : (n + 1) * SIZE]
                files.append(MadeFile(f"{folder}{kind}/{group.slug}/{n}.json", chunk, make(chunk)))
    data = (json.dumps(index, ensure_ascii=False) + "\n").encode()
    files.append(MadeFile(f"{folder}index.json", None, lambda: data))
    return files
