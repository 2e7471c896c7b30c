"""Source files → content/YYYY/MM/DD/<slug>.md. The only code that writes into content/.

One story, one article: a story's id comes from its normalised URL (else source, day
and title), so the same story met again changes nothing, and a changed version updates
its file in place, keeping id, date and slug. Files are read (stories.py), placed against
what content/ holds and written atomically (placement.py), in that order.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__
from generator.core.atomic import remove_temporaries
from generator.core.config import Config
from generator.core.errors import Problem
from generator.core.progress import Progress
from generator.core.wording import plural
from generator.importing.content_cache import ContentCache
from generator.importing.placement import Placement, PlacementRules
from generator.importing.readers import JSONL_SUFFIXES, ReadContext
from generator.importing.record import SourceRecord
from generator.importing.report import ImportReport
from generator.importing.resolve import (
    JUNK_TITLES,
    fix_titles,
    junk_keys,
    junk_pattern,
    merge_copies,
    pick_versions,
)
from generator.importing.source_cache import SourceCache, file_stat
from generator.importing.stories import (
    FileStories,
    ReadTask,
    Story,
    read_all,
    read_file,
    story_of,
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
    shown_from: Path | None = None  # files are named relative to this folder in messages


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
    files = discover(paths, content, cache, report, options.shown_from)
    ctx = ReadContext(
        timezone=config.timezone,
        zones=dict(config.import_.timezones),
        source=options.source,
        topic=options.topic,
        date=options.date,
        date_fallback=config.import_.date_fallback,
    )
    index = ContentCache(content, cache, config.tz).load()
    sources = SourceCache(cache).load()
    key = f"{__version__}|{ctx!r}"
    patterns = JUNK_TITLES + config.import_.junk_titles
    tasks = {path: (path, shown, ctx, key, sources.hash_of(path)) for path, shown in files}
    stats = {path: file_stat(path) for path in tasks}
    # Files whose size and mtime are as last read are not even opened: a re-run over an
    # unchanged archive costs a stat per file.
    todo = [t for t in tasks.values() if not sources.unchanged(t[0], key, stats[t[0]])]
    results = dict(zip((t[0] for t in todo), read_all(todo, options.jobs, progress), strict=True))
    fresh: dict[Path, FileStories] = {}
    replay: dict[Path, dict[str, Any]] = {}
    for task in tasks.values():
        result = results.get(task[0])
        entry = sources.entry(task[0]) if result is None else None
        if entry is not None and _still_imported(entry, index):
            replay[task[0]] = entry
        else:
            fresh[task[0]] = result or read_file(None, (*task[:4], None))  # type: ignore[assignment]
    # A file read last time is replayed unread only when none of its stories meets another
    # record of this batch: duplicates, copies and repeated titles are resolved over all of
    # their records on every run, or the winner would depend on which file changed.
    summaries = [s.summary for _, found, _ in fresh.values() for s in found]
    summaries += [list(s) for entry in replay.values() for s in entry["stories"]]
    repeated = junk_keys(summaries)
    counts = Counter(k for s in summaries for k in (s[1], s[5]))
    again = [
        path
        for path, entry in replay.items()
        if any(
            counts[s[1]] > 1 or counts[s[5]] > 1 or s[4] in repeated
            or junk_pattern(s[6], patterns) for s in entry["stories"]
        )
    ]  # fmt: skip
    redo: list[ReadTask] = [(*tasks[p][:4], None) for p in again]
    for path, result in zip(again, read_all(redo, options.jobs, None), strict=True):
        del replay[path]
        fresh[path] = result  # type: ignore[assignment]
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
                path, digest, key, stats[path], [s.summary for s in derived], problems, warnings
            )
    _resolve_and_place(stories, repeated, patterns, index, config, options, report, progress)
    if not options.dry_run:
        index.save()
        sources.save()
    report.seconds = time.perf_counter() - started
    return report


def import_records(
    config: Config,
    records: Sequence[SourceRecord],
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Place records found elsewhere than in source files (`digest fetch`), each with its
    body already as Markdown, through the same ids, title rules, version choice, copy
    merging and placement as a file import."""
    started = time.perf_counter()
    report = ImportReport(dry_run=options.dry_run)
    content, cache = config.path("content"), config.path("cache")
    if not options.dry_run:
        remove_temporaries(content)
    index = ContentCache(content, cache, config.tz).load()
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
) -> None:
    """Stories → files: boilerplate titles replaced, one version per id, copies under other
    URLs merged, then each placed in content/ and written."""
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
    placement.write(options.jobs, progress)


def import_configured(
    config: Config, now: dt.datetime, progress: Progress | None = None
) -> tuple[ImportReport, list[Problem]]:
    """Import the `[import] paths` of digest.toml: what `digest build` and `digest serve` do
    before each build, so one command takes raw sources to a site."""
    paths = [config.root / p for p in config.import_.paths]
    options = ImportOptions(now=now, shown_from=config.root)
    report = import_sources(config, paths, options, progress)
    return report, [Problem(i.origin, i.reason) for i in report.failed]


def _still_imported(entry: dict[str, Any], index: ContentCache) -> bool:
    """A cached file's stories are all still in content/, unchanged since this import."""
    for _, ident, digest, legacy, *_ in entry.get("stories", ()):
        known = index.by_id.get(ident)
        if known is None or known.source_hash not in (digest, legacy):
            return False
    return True


# What a folder import reads; other files are named on the command line to be read.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".json", *JSONL_SUFFIXES})
GLOB = re.compile(r"[*?\[]")


def discover(
    paths: Iterable[Path],
    content: Path,
    cache: Path,
    report: ImportReport,
    shown_from: Path | None = None,
) -> list[tuple[Path, str]]:
    """Files named (or matched by a glob), and the text files under folders named (hidden
    ones skipped), in a stable order; one warning sums up what a folder held that is not
    a scraped article (a CSV, an image)."""
    found: dict[Path, str] = {}
    skipped: Counter[str] = Counter()
    skip = (content.resolve(), cache.resolve())
    for given in paths:
        if given.is_file():
            found.setdefault(given.resolve(), str(given))
        elif given.is_dir():
            for path, real in _files_under(given, skip):
                if not _readable(path):
                    skipped[path.suffix.lower() or "(no extension)"] += 1
                    continue
                found.setdefault(real, str(path))
        elif GLOB.search(str(given)) and not given.exists():
            matches = _glob(given)
            if not matches:
                report.add(str(given), "failed", "matches no file; check the pattern")
            for path in matches:
                found.setdefault(path.resolve(), str(path))
        else:
            report.add(str(given), "failed", "no such file or folder; check the path")
    if skipped:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        total = sum(skipped.values())
        report.warnings.append(
            f"skipped {plural(total, 'file')} that {'is' if total == 1 else 'are'} not "
            f"scraped text or JSON ({kinds}); name a file to import it anyway"
        )
    if shown_from is not None:  # digest.toml's [import] paths: named as written there
        base = shown_from.resolve()
        found = {
            real: os.path.relpath(shown, base) if Path(shown).is_relative_to(base) else shown
            for real, shown in found.items()
        }
    return sorted(found.items())


def _files_under(folder: Path, skip: tuple[Path, ...]) -> list[tuple[Path, Path]]:
    """(path, resolved path) of every file under a folder, sorted; hidden files and folders,
    and folders inside `skip`, left out. Walks with strings: an archive holds 40,000 files
    and a re-import should cost little more than a stat of each."""
    found = []
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real_root = os.path.realpath(root)  # one per folder; files are many, folders few
        if real_root in seen or any(Path(real_root).is_relative_to(s) for s in skip):
            dirs[:] = []
            continue
        seen.add(real_root)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            full = os.path.join(root, name)
            if name.startswith(".") or not os.path.isfile(full):
                continue
            if os.path.islink(full):
                real = Path(os.path.realpath(full))
                if any(real.is_relative_to(s) for s in skip):
                    continue
            else:
                real = Path(real_root, name)
            found.append((Path(full), real))
    return sorted(found)


def source_roots(config: Config) -> list[Path]:
    """The files and folders `[import] paths` can read from: a glob's folder before its
    first wildcard ('imports/*.jsonl' → imports/), so the preview can watch them."""
    roots = []
    for given in config.import_.paths:
        parts = Path(given).parts
        fixed = next((i for i, part in enumerate(parts) if set(part) & set("*?[")), len(parts))
        roots.append((config.root / Path(*parts[:fixed])).resolve())
    return roots


def _glob(pattern: Path) -> list[Path]:
    """Files a pattern such as 'imports/*.jsonl' matches ('**' reaches into subfolders)."""
    anchor = Path(pattern.anchor) if pattern.is_absolute() else Path(".")
    rel = pattern.relative_to(anchor) if pattern.is_absolute() else pattern
    return sorted(p for p in anchor.glob(str(rel)) if p.is_file())


def _readable(path: Path) -> bool:
    """A scraped article by its name, or, without a known extension, by its first bytes."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return True
    if suffix and not suffix[1:].isdigit():
        return False  # .csv, .png, .html: not a shape digest reads
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return True  # let the reader report why it cannot be read
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
    return b"\x00" not in head


def _origin(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else str(problem.path)


def _reason(problem: Problem) -> str:
    return f"field '{problem.field}': {problem.message}" if problem.field else problem.message
