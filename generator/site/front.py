"""The front page: the newest stories, never near-empty, grouped by day and topic.

It shows every story of the last `[pages] home_hours` before the newest one, and at least
`[pages] home_min_articles` stories, so just after midnight the new day's first story does
not push yesterday's behind a link. The window is anchored on the newest article, not the
clock, so an unchanged site keeps its front page; only the "Today" / "Yesterday" labels
follow the build's clock.

A story reported by several sources is listed once (clusters.fold), with its other reports
under it as on the day pages, and counts as one story: on the newest day of the page that
reported it, under that day's first report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from generator.core.config import Config
from generator.site.catalog import Catalog, Day, Entry
from generator.site.clusters import fold, without
from generator.site.contexts import FrontDay, HomeContext

Folded = tuple[set[str], dict[str, tuple[Entry, ...]]]


def _label(day: dt.date, today: dt.date | None) -> str:
    if today is None:
        return ""
    return {today: "Today", today - dt.timedelta(days=1): "Yesterday"}.get(day, "")


def _parts(days: tuple[Day, ...], k: int) -> list[tuple[Day, int]]:
    """The days of the site's newest `k` entries, newest first, with how many of each."""
    parts = []
    for day in days:
        if k <= 0:
            break
        parts.append((day, min(k, len(day.entries))))
        k -= parts[-1][1]
    return parts


def _fold(parts: list[tuple[Day, int]], also: Mapping[str, tuple[Entry, ...]]) -> Folded:
    """Each story once: on the newest day of the page that reported it, under that day's
    first report (the day pages' rule, clusters.fold)."""
    return fold((e for day, n in parts for e in reversed(day.entries[:n])), also)


def _stories(days: tuple[Day, ...], k: int, also: Mapping[str, tuple[Entry, ...]]) -> int:
    return k - len(_fold(_parts(days, k), also)[0])


def front_page(
    catalog: Catalog,
    config: Config,
    now: dt.datetime | None,
    also: Mapping[str, tuple[Entry, ...]] | None = None,
) -> HomeContext:
    """The home page's context; `now` only names today and yesterday (None: no labels);
    `also` (a story's other reports, site/clusters.py) folds a story's reports into one."""
    entries, days, also = catalog.entries, catalog.days, also or {}
    if not entries:
        return HomeContext(day=None, front=(), also={}, earlier_days=days[: config.pages.home_days])
    since = entries[0].article.date - dt.timedelta(hours=config.pages.home_hours)
    k = next((i for i, e in enumerate(entries) if e.article.date < since), len(entries))
    # top up to the minimum: each missing story takes at least one more report
    while (
        k < len(entries) and (short := config.pages.home_min_articles - _stories(days, k, also)) > 0
    ):
        k = min(k + short, len(entries))
    parts = _parts(days, k)
    hidden, shown = _fold(parts, also)
    today = now.astimezone(config.tz).date() if now is not None else None
    front, rest = [], None  # rest: the first day not shown whole, listed among earlier days
    for i, (day, n) in enumerate(parts):
        listed = {e.url for e in day.entries[:n]} - hidden
        topics = without(day.topics, {e.url for e in day.entries} - listed)
        total = len(day.entries) - len(fold(reversed(day.entries), also)[0])  # as its page
        if listed:  # else all its reports are listed under a newer day's: no part
            front.append(FrontDay(day.date, _label(day.date, today), topics, len(listed), total))
        if rest is None and (not listed or n < len(day.entries)):
            rest = i
    rest = len(parts) if rest is None else rest
    return HomeContext(
        day=days[0],
        front=tuple(front),
        also=shown,
        earlier_days=days[rest : rest + config.pages.home_days],
    )
