"""Source files → content/YYYY/MM/DD/<slug>.md. The only code that writes into content/.

One story, one article: a story's id comes from its normalised URL (else source, day
and title), so the same story met again changes nothing, and a changed version updates
its file in place, keeping id, date and slug. Files are read (stories.py), placed against
what content/ holds and written atomically (placement.py), in that order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__
from generator.core.atomic import remove_temporaries
from generator.core.config import Config
from generator.core.errors import Problem
from generator.core.identity import article_id
from generator.core.progress import Progress
from generator.importing.content_cache import ContentCache
from generator.importing.placement import Placement, PlacementRules
from generator.importing.readers import ReadContext
from generator.importing.record import SourceRecord
from generator.importing.report import ImportReport
from generator.importing.source_cache import SourceCache
from generator.importing.stories import (
    ReadTask,
    Story,
    merge_duplicates,
    read_all,
    read_file,
    source_hash,
)


@dataclass(frozen=True)
class ImportOptions:
    now: dt.datetime  # the clock, for 'updated' when a changed story names no time itself
    source: str | None = None
    topic: str | None = None
    date: dt.date | None = None
    dry_run: bool = False
    force: bool = False
    jobs: int | None = None  # worker processes; None picks by batch size


def import_sources(
    config: Config,
    paths: Sequence[Path],
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every source file under `paths`; bad input is reported, never raised."""
    started = time.perf_counter()
    report = ImportReport(dry_run=options.dry_run)
    content, cache = config.path("content"), config.path("cache")
    if not options.dry_run:
        remove_temporaries(content)
    files = discover(paths, content, cache, report)
    ctx = ReadContext(
        timezone=config.timezone,
        zones=dict(config.import_.timezones),
        source=options.source,
        topic=options.topic,
        date=options.date,
    )
    index = ContentCache(content, cache, config.tz).load()
    sources = SourceCache(cache).load()
    key = f"{__version__}|{ctx!r}"
    stories: list[Story] = []
    replayed: list[list[str]] = []
    tasks: list[ReadTask] = [
        (path, shown, ctx, key, sources.hash_of(path)) for path, shown in files
    ]
    for task, result in zip(tasks, read_all(tasks, options.jobs, progress), strict=True):
        entry = sources.entries.get(str(task[0])) if result is None else None
        if entry is not None and _still_imported(entry, index):
            for origin, reason in entry["problems"]:
                report.add(origin, "failed", reason)
            report.warnings.extend(entry["warnings"])
            replayed.extend(entry["stories"])
            continue
        read, derived, digest = result or read_file(None, (*task[:4], None))  # type: ignore[misc]
        problems = [(_origin(p), _reason(p)) for p in read.problems]
        for origin, reason in problems:
            report.add(origin, "failed", reason)
        warnings = [str(w) for w in read.warnings]
        report.warnings.extend(warnings)
        stories.extend(derived)
        if digest:
            story_keys = [(s.record.origin, s.id, s.source_hash) for s in derived]
            sources.put(task[0], digest, story_keys, problems, warnings)
    rules = PlacementRules(options.now, config.tz, options.dry_run, options.force)
    placement = Placement(content, index, rules, report)
    merged = merge_duplicates(stories, report)
    for story in merged:
        placement.place(story)
    placement.write(options.jobs, progress)
    seen = {story.id: story.record.origin for story in merged}
    for origin, ident, _ in replayed:
        if ident in seen:
            report.add(origin, "duplicate", f"same story as {seen[ident]}", ident)
        else:
            seen[ident] = origin
            report.add(origin, "unchanged", "", ident, index.by_id[ident].path)
    if not options.dry_run:
        index.save()
        sources.save()
    report.seconds = time.perf_counter() - started
    return report


def import_configured(
    config: Config, now: dt.datetime, progress: Progress | None = None
) -> tuple[ImportReport, list[Problem]]:
    """Import the `[import] paths` of digest.toml: what `digest build` and `digest serve` do
    before each build, so one command takes raw sources to a site."""
    paths = [config.root / p for p in config.import_.paths]
    report = import_sources(config, paths, ImportOptions(now=now), progress)
    return report, [Problem(i.origin, i.reason) for i in report.failed]


def import_records(
    config: Config,
    records: Sequence[tuple[SourceRecord, str]],
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Place records found elsewhere than in source files (`digest fetch`), each with its
    body already as Markdown, through the same ids, merging and placement as a file import."""
    started = time.perf_counter()
    report = ImportReport(dry_run=options.dry_run)
    content, cache = config.path("content"), config.path("cache")
    if not options.dry_run:
        remove_temporaries(content)
    index = ContentCache(content, cache, config.tz).load()
    stories = [
        Story(r, article_id(r.url, r.source, r.date, r.title), source_hash(r), markdown)
        for r, markdown in records
    ]
    rules = PlacementRules(options.now, config.tz, options.dry_run, options.force)
    placement = Placement(content, index, rules, report)
    for story in merge_duplicates(stories, report):
        placement.place(story)
    placement.write(options.jobs, progress)
    if not options.dry_run:
        index.save()
    report.seconds = time.perf_counter() - started
    return report


def _still_imported(entry: dict[str, Any], index: ContentCache) -> bool:
    """A cached file's stories are all still in content/, unchanged since this import."""
    for _, ident, digest in entry.get("stories", ()):
        known = index.by_id.get(ident)
        if known is None or known.source_hash != digest:
            return False
    return True


def discover(
    paths: Iterable[Path], content: Path, cache: Path, report: ImportReport
) -> list[tuple[Path, str]]:
    """Files named, and files under folders named (hidden ones skipped), in a stable order."""
    found: dict[Path, str] = {}
    skip = (content.resolve(), cache.resolve())
    for given in paths:
        if given.is_file():
            found.setdefault(given.resolve(), str(given))
        elif given.is_dir():
            for path in sorted(given.rglob("*")):
                rel = path.relative_to(given).parts
                if any(p.startswith(".") for p in rel) or not path.is_file():
                    continue
                real = path.resolve()
                if any(real.is_relative_to(s) for s in skip):
                    continue
                found.setdefault(real, str(path))
        else:
            report.add(str(given), "failed", "no such file or folder; check the path")
    return list(found.items())


def _origin(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else str(problem.path)


def _reason(problem: Problem) -> str:
    return f"field '{problem.field}': {problem.message}" if problem.field else problem.message
