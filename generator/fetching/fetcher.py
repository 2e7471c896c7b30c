"""`digest fetch`: subscriptions → feeds → (article pages) → records → the importer.

Feeds are downloaded in parallel threads (the HTTP client keeps each host's limits), each
item becomes a `SourceRecord`, and an item that carries only a summary gets its article
page downloaded (if robots.txt allows) and extracted. An item unchanged since the last run
is skipped without downloading its page; the records go through the importer's own
placement, so ids, merging, hand-edit protection and idempotency are the import's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from generator.core.config import Config
from generator.core.errors import ConfigError
from generator.core.identity import article_id
from generator.core.progress import Progress
from generator.core.workers import default_jobs, fork_map
from generator.fetching.extract import Extracted, extract_article
from generator.fetching.feeds import Feed, FeedItem, FeedProblem, parse_feed
from generator.fetching.http import Disallowed, FetchError, PoliteClient
from generator.fetching.report import FetchReport
from generator.fetching.robots import Robots
from generator.fetching.state import FetchState
from generator.fetching.subscriptions import Subscription, subscriptions
from generator.importing.importer import ImportOptions, import_records
from generator.importing.readers.html_markdown import html_to_markdown
from generator.importing.record import SourceRecord

FULL_TEXT_WORDS = 100  # fewer words in the feed's own text: download the article page
THREADS = 8
_PARALLEL_PAGES = 32  # fewer pages are extracted in this process: forking costs more
_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(frozen=True)
class FetchOptions:
    now: dt.datetime  # the clock, for 'updated' when a changed story names no time itself
    urls: tuple[str, ...] = ()  # feeds named on the command line, instead of digest.toml's
    dry_run: bool = False
    force: bool = False


@dataclass
class _Item:
    """One feed item on its way to a record."""

    sub: Subscription
    feed: Feed
    item: FeedItem
    fingerprint: str
    id: str
    markdown: str = ""
    extracted_title: str | None = None
    author: str | None = None
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    image: str | None = None
    retry: bool = False  # not remembered as done: considered again when its feed changes
    transient: bool = False  # failed for a reason that may pass: its feed is asked again


def fetch(config: Config, options: FetchOptions, progress: Progress | None = None) -> FetchReport:
    """Fetch every subscription and import what is new; bad input is reported, never raised."""
    started = time.perf_counter()
    report = FetchReport()
    subs = subscriptions(config, options.urls)
    if not subs:
        raise ConfigError(
            "name feed URLs to fetch, or set [fetch] feeds or [fetch] opml in digest.toml"
        )
    report.feeds = len(subs)
    state = FetchState.load(config.root, config.path("cache"))
    client = PoliteClient(config.fetch, config.base_url, options.now)
    try:
        fresh: dict[str, dict[str, str]] = {}  # feed → its new validators
        feeds = _parallel(lambda s: _feed(client, s, state, fresh, config, report), subs,
                          "Feeds", progress)  # fmt: skip
        items = _new_items(feeds, state)
        robots = Robots(client)
        wanted = [i for i in items if _needs_page(i.item, config)]
        pages = _parallel(lambda i: _download(client, robots, i, report), wanted, "Pages",
                          progress)  # fmt: skip
    finally:
        client.close()
    report.pages = sum(1 for page in pages if page)
    _extract_all([(e, p) for e, p in zip(wanted, pages, strict=True) if p], config, report,
                 progress)  # fmt: skip
    records = []
    for entry in items:
        record = _record(entry, config, report)
        if record is not None:
            records.append(record)
    import_options = ImportOptions(now=options.now, dry_run=options.dry_run, force=options.force)
    report.imported = import_records(config, records, import_options, progress)
    if not options.dry_run:
        failed = {i.id for i in report.imported.items if i.outcome == "failed"}
        for entry in items:
            if entry.id not in failed and not entry.retry:
                state.items[entry.id] = entry.fingerprint
        again = {e.sub.url for e in items if e.transient or e.id in failed}
        for url, validators in fresh.items():
            if url not in again:  # else no 304 next time: what failed is tried again
                state.remember(url, validators)
        if items or state.changed:
            state.save()
    report.seconds = time.perf_counter() - started
    return report


def _new_items(feeds: list[list[_Item]], state: FetchState) -> list[_Item]:
    """Items not seen as they are now on the last run. A story listed twice (by two feeds,
    or with two tracking parameters) is fetched once, as the fullest listing shows it, and
    remembered by all its listings together."""
    groups: dict[str, list[_Item]] = {}
    for entry in (i for items in feeds for i in items):
        groups.setdefault(entry.id, []).append(entry)
    found = []
    for ident, group in groups.items():
        fingerprint = group[0].fingerprint
        if len(group) > 1:
            joined = "|".join(sorted(e.fingerprint for e in group))
            fingerprint = hashlib.sha256(joined.encode()).hexdigest()[:20]
        if state.items.get(ident) != fingerprint:
            best = max(group, key=_richness)
            best.fingerprint = fingerprint
            found.append(best)
    return found


def _richness(entry: _Item) -> tuple[bool, int]:
    return entry.item.published is not None, len(entry.item.content or entry.item.summary)


def _parallel(
    work: Callable[[_T], _R], tasks: list[_T], stage: str, progress: Progress | None
) -> list[_R]:
    """`work` over `tasks` in threads (network-bound), results in the tasks' order."""
    results: list[_R] = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for done, result in enumerate(pool.map(work, tasks), start=1):
            results.append(result)
            if progress:
                progress(stage, done, len(tasks))
    return results


def _feed(
    client: PoliteClient,
    sub: Subscription,
    state: FetchState,
    fresh: dict[str, dict[str, str]],
    config: Config,
    report: FetchReport,
) -> list[_Item]:
    """One feed's items (its new validators into `fresh`); failures are reported, give none."""
    known = state.validators.get(sub.url, {})
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, */*;q=0.8"}  # fmt: skip
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("modified"):
        headers["If-Modified-Since"] = known["modified"]
    try:
        response = client.get(sub.url, headers)
    except FetchError as exc:
        report.fail(sub.url, str(exc))
        return []
    if response.moved:
        report.note(sub.url, f"has moved to {response.moved}; subscribe to that address")
    if response.not_modified:
        report.note_unchanged()
        return []
    try:
        feed = parse_feed(response.body, response.url, response.content_type, config.tz)
    except FeedProblem as exc:
        report.fail(sub.url, str(exc))
        return []
    if feed.warning:
        report.note(sub.url, feed.warning)
    validators = {
        "etag": response.headers.get("etag", ""),
        "modified": response.headers.get("last-modified", ""),
    }
    fresh[sub.url] = {k: v for k, v in validators.items() if v}
    items = []
    for item in feed.items:
        source = sub.source or feed.title
        ident = article_id(item.url, source, item.published, item.title)
        items.append(_Item(sub, feed, item, _fingerprint(item), ident))
    return items


def _fingerprint(item: FeedItem) -> str:
    """What the feed says about an item: when it changes, the item is fetched again."""
    parts = [item.title, item.url or "", str(item.published), str(item.updated),
             item.summary, item.content]  # fmt: skip
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:20]


def _needs_page(item: FeedItem, config: Config) -> bool:
    if not config.fetch.full_text or not item.url:
        return False
    text = html_to_markdown(item.content or item.summary)
    return len(text.split()) < FULL_TEXT_WORDS


def _download(
    client: PoliteClient, robots: Robots, entry: _Item, report: FetchReport
) -> tuple[str, str] | None:
    """The item's article page (final URL, text) if robots.txt allows it and it arrives;
    on any failure the feed's own text stays."""
    url = entry.item.url or ""
    if not robots.allowed(url):
        report.note(url, "robots.txt disallows digest here; the feed's own text was kept")
        return None
    try:
        accept = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
        response = client.get(url, accept, robots.allowed)
    except Disallowed as exc:
        report.note(url, f"{exc}; the feed's own text was kept")
        return None
    except FetchError as exc:
        report.fail(url, f"{exc}; the feed's own text was kept")
        entry.retry = entry.transient = True
        return None
    return response.url, _decode(response.body, response.headers.get("content-type", ""))


def _extract_all(
    pages: list[tuple[_Item, tuple[str, str]]],
    config: Config,
    report: FetchReport,
    progress: Progress | None,
) -> None:
    """Extract the downloaded pages on all cores (trafilatura is CPU-bound: threads would
    take turns on the GIL); a page without article text keeps the feed's text."""
    jobs = default_jobs() if len(pages) >= _PARALLEL_PAGES else 1
    tasks = [(url, html, config.tz) for _, (url, html) in pages]
    results = fork_map(_extract_one, None, tasks, jobs, chunksize=4, ordered=True)
    for done, ((entry, _), found) in enumerate(zip(pages, results, strict=True), start=1):
        if progress:
            progress("Extract", done, len(pages))
        if found is None:
            report.fail(entry.item.url or "", "has no article text digest can extract; the "
                        "feed's own text was kept (if the site needs JavaScript or a login, it "
                        "cannot be fetched)")  # fmt: skip
            continue
        entry.markdown = found.markdown
        entry.extracted_title = found.title
        entry.author = found.author
        entry.published = found.published
        entry.modified = found.modified
        entry.image = found.image


def _extract_one(_state: None, task: tuple[str, str, dt.tzinfo]) -> Extracted | None:
    url, html, tz = task
    return extract_article(html, url, tz)


def _decode(body: bytes, content_type: str) -> str:
    """A page's text: in the charset its Content-Type names, else as its <meta> tag or the
    bytes themselves suggest (trafilatura's detection)."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            try:
                return body.decode(value.strip('"'), "replace")
            except LookupError:
                break
    from trafilatura.utils import decode_file

    return decode_file(body)


def _record(entry: _Item, config: Config, report: FetchReport) -> SourceRecord | None:
    """The item as a record with its Markdown body; a failure is reported and gives None."""
    item = entry.item
    where = item.url or entry.sub.url
    title = item.title or entry.extracted_title
    markdown = entry.markdown or html_to_markdown(item.content or item.summary, item.url)
    date = item.published or entry.published or item.updated or entry.modified
    entry.retry = entry.retry or not (title and markdown.strip() and date)
    if not title:
        report.fail(where, "item has no title in the feed or on its page; skipped")
        return None
    if not markdown.strip():
        report.fail(where, "item has no text in the feed or on its page; skipped")
        return None
    if date is None:
        report.fail(where, "item has no date in the feed or on its page; skipped "
                    "(a date is never invented)")  # fmt: skip
        return None
    later = [d for d in (item.updated, entry.modified) if d and d > date]
    updated = max(later) if later else None
    topic = entry.sub.topic or (item.tags[0] if item.tags else None)
    record = SourceRecord(
        title=title,
        body=markdown,
        date=date,
        origin=where,
        updated=updated,
        topic=topic,
        tags=tuple(t for t in item.tags if t != topic),
        source=entry.sub.source or entry.feed.title,
        author=item.author or entry.author,
        url=item.url,
        image=item.image or entry.image,
        markdown=markdown,
    )
    return record
