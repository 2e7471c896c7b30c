"""Source files → content/YYYY/MM/DD/<slug>.md. The only code that writes into content/.

One story, one article: a story's id comes from its normalised URL (else source, day
and title), so the same story met again changes nothing, and a changed version updates
its file in place, keeping id, date and slug. Files are read (stories.py), placed against
what content/ holds and written atomically (placement.py), in that order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.content.files import content_stats
from generator.core.atomic import remove_temporaries
from generator.core.collector import collector_paused
from generator.core.config import Config
from generator.core.errors import Problem
from generator.core.progress import Progress
from generator.importing.content_cache import ImportView, IndexMemo
from generator.importing.discovery import SourceFile, discover
from generator.importing.readers import ReadContext
from generator.importing.record import SourceRecord
from generator.importing.report import ImportReport
from generator.importing.source_cache import SettledBatch, forget_settled

if TYPE_CHECKING:
    from generator.importing.content_cache import ContentCache
    from generator.importing.source_cache import SourceCache
    from generator.importing.stories import FileStories, ReadTask, Story
    from generator.importing.story_cache import StoryCache

# The modules that read, resolve and place stories are imported where they are used: an
# import with nothing to do (the usual case before a build) never loads them.


@dataclass(frozen=True)
class ImportOptions:
    now: dt.datetime  # the clock, for 'updated' when a changed story names no time itself
    source: str | None = None
    topic: str | None = None
    date: dt.date | None = None
    dry_run: bool = False
    force: bool = False
    jobs: int | None = None  # worker processes; None picks by batch size
    shown_from: Path | None = None  # files are named relative to this folder in messages
    index: IndexMemo | None = None  # a process that imports again keeps content/'s index


def import_sources(
    config: Config,
    paths: Sequence[Path],
    options: ImportOptions,
    progress: Progress | None = None,
    seen: dict[str, tuple[int, int]] | None = None,
) -> ImportReport:
    """Import every source file under `paths`; bad input is reported, never raised. `seen`:
    content/'s files as `content_stats` found them just before, walked by the caller, who
    finds each file this import writes updated in it."""
    with collector_paused():  # in the preview, beside its held plan: a third of the time
        return _import_sources(config, paths, options, progress, seen)


def _import_sources(
    config: Config,
    paths: Sequence[Path],
    options: ImportOptions,
    progress: Progress | None,
    seen: dict[str, tuple[int, int]] | None,
) -> ImportReport:
    started = time.perf_counter()
    report = ImportReport(dry_run=options.dry_run)
    content, cache = config.path("content"), config.path("cache")
    files = discover(paths, content, cache, report, options.shown_from)
    ctx = ReadContext(
        timezone=config.timezone,
        zones=dict(config.import_.timezones),
        source=options.source,
        topic=options.topic,
        date=options.date,
        date_fallback=config.import_.date_fallback,
    )
    stats = content_stats(content) if seen is None else seen
    # Nothing changed since an import that had nothing to do: its report, nothing read.
    junk = config.import_.junk_titles
    key = f"{__version__}|{ctx!r}|{junk!r}|{options.force}|{config.tz}|{content}"
    view = partial(ImportView, content, cache, config.tz)
    settled = SettledBatch(cache, key, files, stats, view)
    report.settled = settled.replay(report, keep=not options.dry_run)
    if not report.settled:
        mark = (len(report.items), len(report.warnings))  # discover's own are made each run
        if not options.dry_run:
            settled.clear()
            # none is left beside a settled report (nor by a process's own earlier imports)
            if options.index is None or not options.index.holds(content):
                remove_temporaries(content)
        written = _import_files(config, files, ctx, stats, options, report, progress)
        if not written and not options.dry_run:
            settled.save(report, mark)
            report.settled = True
    report.seconds = time.perf_counter() - started
    return report


def _import_files(
    config: Config,
    files: list[SourceFile],
    ctx: ReadContext,
    content: dict[str, tuple[int, int]],
    options: ImportOptions,
    report: ImportReport,
    progress: Progress | None,
) -> int:
    """Read what changed since the source cache's entries, replay the rest, resolve and
    place; the number of content files written."""
    from generator.importing.content_cache import ContentCache
    from generator.importing.resolve import JUNK_TITLES, junk_keys, junk_pattern
    from generator.importing.source_cache import SourceCache
    from generator.importing.stories import read_all
    from generator.importing.story_cache import StoryCache

    cache = config.path("cache")
    index = ContentCache(config.path("content"), cache, config.tz, options.index).load(content)
    sources = SourceCache(cache).load()
    rules = f"{__version__}|{ctx!r}"
    patterns = JUNK_TITLES + config.import_.junk_titles
    tasks: dict[Path, ReadTask] = {}
    stats: dict[Path, list[int] | None] = {}
    for real, shown, stat in files:
        path = Path(real)
        # The name is in the key: a cached entry's messages name the file as it was given.
        tasks[path] = (path, shown, ctx, f"{rules}|{shown}", sources.hash_of(path))
        stats[path] = list(stat) if stat else None  # as JSON keeps it
    # Files whose size and mtime are as last read are not even opened: a re-run over an
    # unchanged archive costs a stat per file.
    todo = [t for t in tasks.values() if not sources.unchanged(t[0], t[3], stats[t[0]])]
    results = dict(zip((t[0] for t in todo), read_all(todo, options.jobs, progress), strict=True))
    fresh: dict[Path, FileStories] = {}
    replay: dict[Path, dict[str, Any]] = {}
    unheld: list[Path] = []  # unchanged, but content/ does not hold their stories as read
    for task in tasks.values():
        result = results.get(task[0])
        entry = sources.entry(task[0]) if result is None else None
        if entry is not None and _still_imported(entry, index):
            replay[task[0]] = entry
        elif result is not None:
            fresh[task[0]] = result
        else:
            unheld.append(task[0])
    kept = StoryCache(cache).load()
    fresh.update(_read_again(unheld, tasks, sources, kept, options.jobs))
    # A file read last time is replayed unread only when none of its stories meets another
    # record of this batch: duplicates, copies and repeated titles are resolved over all of
    # their records on every run, or the winner would depend on which file changed.
    summaries = [s.summary for _, found, _ in fresh.values() for s in found]
    summaries += [list(s) for entry in replay.values() for s in entry["stories"]]
    repeated = junk_keys(summaries)
    counts = Counter(k for s in summaries for k in (s[1], s[5]))

    def contested(found: Iterable[Sequence[str]]) -> bool:
        return any(
            counts[s[1]] > 1 or counts[s[5]] > 1 or s[4] in repeated
            or junk_pattern(s[6], patterns) for s in found
        )  # fmt: skip

    again = [path for path, entry in replay.items() if contested(entry["stories"])]
    for path in again:
        del replay[path]
    fresh.update(_read_again(again, tasks, sources, kept, options.jobs))
    stories: list[Story] = []
    for path in tasks:
        if path in replay:
            entry = replay[path]
            for origin, reason in entry["problems"]:
                report.add(origin, "failed", reason)
            report.warnings.extend(entry["warnings"])
            for origin, ident, *_ in entry["stories"]:
                report.add(origin, "unchanged", "", ident, index.by_id[ident].path)
            continue
        read, derived, digest = fresh[path]
        problems = [(_origin(p), _reason(p)) for p in read.problems]
        for origin, reason in problems:
            report.add(origin, "failed", reason)
        warnings = [str(w) for w in read.warnings]
        report.warnings.extend(warnings)
        stories.extend(derived)
        if digest:
            sources.put(
                path,
                digest,
                tasks[path][3],
                stats[path],
                [s.summary for s in derived],
                problems,
                warnings,
            )
    report.placed = len(stories)
    written = _resolve_and_place(
        stories, repeated, patterns, index, config, options, report, progress
    )
    if not options.dry_run:
        index.save()
        sources.save()
        # The files the next run will resolve again: their stories kept, parsed.
        kept.keep(f for f in fresh.values() if contested(s.summary for s in f[1]))
        kept.save()
    return written


def _read_again(
    paths: list[Path],
    tasks: dict[Path, ReadTask],
    sources: SourceCache,
    kept: StoryCache,
    jobs: int | None,
) -> dict[Path, FileStories]:
    """The stories of unchanged files that must be resolved again: kept by the last run,
    else read."""
    from generator.importing.stories import read_all

    found: dict[Path, FileStories] = {}
    unread = []
    for path in paths:
        stories = kept.get(sources.hash_of(path))
        if stories is None:
            unread.append(path)
        else:
            found[path] = stories
    redo: list[ReadTask] = [(*tasks[p][:4], None) for p in unread]
    for path, result in zip(unread, read_all(redo, jobs, None), strict=True):
        found[path] = result  # type: ignore[assignment]
    return found


def import_records(
    config: Config,
    records: Sequence[SourceRecord],
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Place records found elsewhere than in source files (`digest fetch`), each with its
    body already as Markdown, through the same ids, title rules, version choice, copy
    merging and placement as a file import."""
    from generator.importing.content_cache import ContentCache
    from generator.importing.resolve import JUNK_TITLES, junk_keys
    from generator.importing.stories import story_of

    started = time.perf_counter()
    report = ImportReport(dry_run=options.dry_run)
    content, cache = config.path("content"), config.path("cache")
    if not options.dry_run:
        forget_settled(cache)
        remove_temporaries(content)
    index = ContentCache(content, cache, config.tz).load(content_stats(content))
    stories = [story_of(record) for record in records]
    patterns = JUNK_TITLES + config.import_.junk_titles
    repeated = junk_keys(s.summary for s in stories)
    _resolve_and_place(stories, repeated, patterns, index, config, options, report, progress)
    if not options.dry_run:
        index.save()
    report.seconds = time.perf_counter() - started
    return report


def _resolve_and_place(
    stories: list[Story],
    repeated: set[str],
    patterns: tuple[str, ...],
    index: ContentCache,
    config: Config,
    options: ImportOptions,
    report: ImportReport,
    progress: Progress | None,
) -> int:
    """Stories → files: boilerplate titles replaced, one version per id, copies under other
    URLs merged, then each placed in content/ and written; the number of files written."""
    from generator.importing.placement import Placement, PlacementRules
    from generator.importing.resolve import fix_titles, merge_copies, pick_versions

    rules = PlacementRules(options.now, config.tz, options.dry_run, options.force)
    placement = Placement(config.path("content"), index, rules, report)
    stories = fix_titles(stories, repeated, patterns, report)
    stories = pick_versions(stories, report)
    stories, attach = merge_copies(
        stories, index.by_id, index.by_copy_key, lambda rel: placement.read(rel)[2], report
    )
    # Placed in an order of their own, so two stories with one slug on one day get the
    # same names whatever order the files came in.
    for story in sorted(stories, key=lambda s: (s.record.date, s.id)):
        placement.place(story)
    for held, copies in attach:
        placement.add_urls(held, [c.record.url for c in copies if c.record.url])
    return placement.write(options.jobs, progress)


def import_configured(
    config: Config,
    now: dt.datetime,
    progress: Progress | None = None,
    seen: dict[str, tuple[int, int]] | None = None,
    index: IndexMemo | None = None,
) -> tuple[ImportReport, list[Problem]]:
    """Import the `[import] paths` of digest.toml: what `digest build` and `digest serve` do
    before each build, so one command takes raw sources to a site (`seen` as import_sources
    takes it, `index` as ImportOptions)."""
    paths = [config.root / p for p in config.import_.paths]
    options = ImportOptions(now=now, shown_from=config.root, index=index)
    report = import_sources(config, paths, options, progress, seen)
    return report, [Problem(i.origin, i.reason) for i in report.failed]


def _still_imported(entry: dict[str, Any], index: ContentCache) -> bool:
    """A cached file's stories are all still in content/, unchanged since this import."""
    for _, ident, digest, legacy, *_ in entry.get("stories", ()):
        known = index.by_id.get(ident)
        if known is None or known.source_hash not in (digest, legacy):
            return False
    return True


def source_roots(config: Config) -> list[Path]:
    """The files and folders `[import] paths` can read from: a glob's folder before its
    first wildcard ('imports/*.jsonl' → imports/), so the preview can watch them."""
    roots = []
    for given in config.import_.paths:
        parts = Path(given).parts
        fixed = next((i for i, part in enumerate(parts) if set(part) & set("*?[")), len(parts))
        roots.append((config.root / Path(*parts[:fixed])).resolve())
    return roots


def _origin(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else str(problem.path)


def _reason(problem: Problem) -> str:
    return f"field '{problem.field}': {problem.message}" if problem.field else problem.message
