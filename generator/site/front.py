"""The front page: the newest stories, never near-empty, grouped by day and topic.

It shows every story of the last `[pages] home_hours` before the newest one, and at least
`[pages] home_min_articles` stories, so just after midnight the new day's first story does
not push yesterday's behind a link. The window is anchored on the newest article, not the
clock, so an unchanged site keeps its front page; only the "Today" / "Yesterday" labels
follow the build's clock.
"""

from __future__ import annotations

import datetime as dt

from generator.core.config import Config
from generator.site.catalog import Catalog, Day, Group
from generator.site.contexts import FrontDay, HomeContext


def _label(day: dt.date, today: dt.date | None) -> str:
    if today is None:
        return ""
    return {today: "Today", today - dt.timedelta(days=1): "Yesterday"}.get(day, "")


def _part(day: Day, shown: int, today: dt.date | None) -> FrontDay:
    """The day's newest `shown` stories, grouped as the catalog groups the whole day."""
    if shown == len(day.entries):
        topics = day.topics
    else:
        keep = {id(e) for e in day.entries[:shown]}
        groups = [
            Group(g.name, g.slug, tuple(e for e in g.entries if id(e) in keep)) for g in day.topics
        ]
        topics = tuple(g for g in groups if g.entries)
    return FrontDay(day.date, _label(day.date, today), topics, shown, len(day.entries))


def front_page(catalog: Catalog, config: Config, now: dt.datetime | None) -> HomeContext:
    """The home page's context; `now` only names today and yesterday (None: no labels)."""
    entries, days = catalog.entries, catalog.days
    if not entries:
        return HomeContext(day=None, front=(), earlier_days=days[: config.pages.home_days])
    since = entries[0].article.date - dt.timedelta(hours=config.pages.home_hours)
    in_window = next((i for i, e in enumerate(entries) if e.article.date < since), len(entries))
    left = max(in_window, min(config.pages.home_min_articles, len(entries)))
    today = now.astimezone(config.tz).date() if now is not None else None
    front: list[FrontDay] = []
    for day in days:
        if left <= 0:
            break
        shown = min(left, len(day.entries))
        front.append(_part(day, shown, today))
        left -= shown
    rest = len(front) if front[-1].count == front[-1].total else len(front) - 1
    return HomeContext(
        day=days[0], front=tuple(front), earlier_days=days[rest : rest + config.pages.home_days]
    )
