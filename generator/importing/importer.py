"""Source files → content/YYYY/MM/DD/<slug>.md. The only code that writes into content/.

One story, one article: a story's id comes from its normalised URL (else source, day
and title), so the same story met again changes nothing, and a changed version updates
its file in place, keeping id, date and slug. Each written file carries `digest_hash`,
the hash of the file as written, so a file edited by hand since is recognised and
never overwritten without --force (the check lives in the file, not in a cache that
could be deleted). Files are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from generator import __version__
from generator.core.config import Config
from generator.content.front_matter import split_front_matter
from generator.importing.content_cache import ContentIndex, Known
from generator.core.dates import iso, to_aware
from generator.core.errors import DigestError, Problem
from generator.core.identity import article_id, slugify
from generator.importing.report import ImportReport
from generator.importing.markdown_escape import body_to_markdown
from generator.importing.record import SourceRecord
from generator.importing.readers import FileRead, ReadContext, read_data
from generator.importing.source_cache import SourceCache, file_hash
from generator.core.workers import die_with_parent

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_HASH_LINE = re.compile(r"^digest_hash: *['\"]?([0-9a-f]+)['\"]? *\n", re.MULTILINE)
# Optional fields a newer version of a story may leave out; the older value is kept.
_KEEPABLE = ("topic", "tags", "source", "author", "dateline", "url", "image", "image_caption",
             "print_edition")  # fmt: skip
_PARALLEL_FILES = 64
_PARALLEL_BYTES = 16_000_000


@dataclass(frozen=True)
class ImportOptions:
    now: dt.datetime  # the clock, for 'updated' when a changed story names no time itself
    source: str | None = None
    topic: str | None = None
    date: dt.date | None = None
    dry_run: bool = False
    force: bool = False
    jobs: int | None = None  # worker processes; None picks by batch size


@dataclass(frozen=True)
class _Story:
    """A read record with what the importer derives from it before planning."""

    record: SourceRecord
    id: str
    source_hash: str
    markdown: str


def import_sources(
    config: Config,
    paths: Sequence[Path],
    options: ImportOptions,
    progress: Callable[[str, int, int], None] | None = None,
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
    index = ContentIndex(content, cache).load()
    sources = SourceCache(cache).load()
    key = f"{__version__}|{ctx!r}"
    stories: list[_Story] = []
    replayed: list[list[str]] = []
    tasks = [(path, shown, ctx, key, sources.hash_of(path)) for path, shown in files]
    for task, result in zip(tasks, _read_all(tasks, options.jobs, progress), strict=True):
        entry = sources.entries.get(str(task[0])) if result is None else None
        if entry is not None and _still_imported(entry, index):
            for origin, reason in entry["problems"]:
                report.add(origin, "failed", reason)
            report.warnings.extend(entry["warnings"])
            replayed.extend(entry["stories"])
            continue
        read, derived, digest = result or _read_one((*task[:4], None))  # type: ignore[misc]
        problems = [(_origin(p), _reason(p)) for p in read.problems]
        for origin, reason in problems:
            report.add(origin, "failed", reason)
        warnings = [str(w) for w in read.warnings]
        report.warnings.extend(warnings)
        stories.extend(derived)
        if digest:
            story_keys = [(s.record.origin, s.id, s.source_hash) for s in derived]
            sources.put(task[0], digest, story_keys, problems, warnings)
    writer = _Writer(content, index, config.tz, options, report)
    merged = _merge_duplicates(stories, report)
    for story in merged:
        writer.place(story)
    writer.flush(options.jobs, progress)
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
    config: Config, now: dt.datetime, progress: Callable[[str, int, int], None] | None = None
) -> tuple[ImportReport, list[Problem]]:
    """Import the `[import] paths` of digest.toml: what `digest build` and `digest serve` do
    before each build, so one command takes raw sources to a site."""
    paths = [config.root / p for p in config.import_.paths]
    report = import_sources(config, paths, ImportOptions(now=now), progress)
    return report, [Problem(i.origin, i.reason) for i in report.failed]


def _still_imported(entry: dict, index: ContentIndex) -> bool:
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


_Task = tuple[Path, str, ReadContext, str, str | None]
_Read = tuple[FileRead, list[_Story], str | None]


def _read_all(
    tasks: list[_Task], jobs: int | None, progress: Callable[[str, int, int], None] | None
) -> Iterator[_Read | None]:
    """Read each file (None: unchanged since the cached read), in processes for big batches."""
    total = len(tasks)
    if jobs is None:
        size = sum(_size(t[0]) for t in tasks) if total < _PARALLEL_FILES else _PARALLEL_BYTES
        jobs = min(os.cpu_count() or 1, 4) if size >= _PARALLEL_BYTES else 1
    with _pool(jobs, total) as pool:
        results = (
            pool.map(_read_one, tasks, chunksize=_chunk(total, jobs))
            if pool
            else map(_read_one, tasks)
        )
        for done, result in enumerate(results, start=1):
            if progress:
                progress("Reading", done, total)
            yield result


@contextmanager
def _pool(jobs: int, total: int) -> Iterator[ProcessPoolExecutor | None]:
    if jobs <= 1 or total < 2:
        yield None
        return
    # Workers end with the import: a killed import must not leave them writing content/.
    pool = ProcessPoolExecutor(jobs, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _chunk(total: int, jobs: int) -> int:
    return max(1, min(64, total // (jobs * 8)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_one(task: _Task) -> _Read | None:
    path, shown, ctx, key, cached = task
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileRead(problems=[Problem(shown, f"cannot be read: {exc.strerror}")]), [], None
    digest = file_hash(data, key)
    if digest == cached:
        return None
    read = read_data(data, path, shown, ctx)
    stories = [
        _Story(
            r,
            article_id(r.url, r.source, r.date, r.title),
            source_hash(r),
            body_to_markdown(r.body),
        )
        for r in read.records
    ]
    read.records = []  # the stories carry them; do not pickle them twice
    return read, stories, digest


def source_hash(record: SourceRecord) -> str:
    """What makes a new version of a story: its headline and its text."""
    digest = hashlib.sha256(f"{record.title}\x00{record.body}".encode())
    return digest.hexdigest()[:20]


def _merge_duplicates(stories: list[_Story], report: ImportReport) -> list[_Story]:
    """One story per id: the most recent version, its gaps filled from the others."""
    groups: dict[str, list[_Story]] = {}
    for story in stories:
        groups.setdefault(story.id, []).append(story)
    merged = []
    for group in groups.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        best = max(group, key=lambda s: s.record.updated or s.record.date)
        record = best.record
        for other in group:
            if other is best:
                continue
            record = _fill(record, other.record)
            report.add(
                other.record.origin, "duplicate", f"same story as {best.record.origin}", other.id
            )
        merged.append(replace(best, record=record))
    return merged


def _fill(record: SourceRecord, other: SourceRecord) -> SourceRecord:
    gaps = {
        name: getattr(other, name)
        for name in _KEEPABLE
        if not getattr(record, name) and getattr(other, name)
    }
    return replace(record, **gaps) if gaps else record


class _Writer:
    """Plans each story's file (new, updated, unchanged or kept) and writes it atomically."""

    def __init__(
        self,
        content: Path,
        index: ContentIndex,
        tz: dt.tzinfo,
        options: ImportOptions,
        report: ImportReport,
    ):
        self.content = content
        self.index = index
        self.tz = tz
        self.options = options
        self.report = report
        self.pending: list[tuple[str, dict, _Story, str]] = []

    def place(self, story: _Story) -> None:
        record = story.record
        known = self.index.by_id.get(story.id)
        if known is None:
            rel = self._free_path(record)
            meta = _front_matter(record, story.id, rel.rsplit("/", 1)[1][:-3], story)
            self._write(rel, meta, story, "new")
        elif known.source_hash == story.source_hash:
            self.report.add(record.origin, "unchanged", "", story.id, known.path)
        else:
            self._update(story, known)

    def _update(self, story: _Story, known: Known) -> None:
        record = story.record
        path = self.content / known.path
        try:
            text = path.read_text(encoding="utf-8")
            old, _ = split_front_matter(text, path)
        except (OSError, UnicodeDecodeError, DigestError):
            text, old = "", {}
        if not untouched(text) and not self.options.force:
            why = (
                "was written by hand" if "source_hash" not in old else "was edited by hand"
            ) + " since its import; pass --force to overwrite it with the new version"
            self.report.add(record.origin, "kept", f"{known.path} {why}", story.id, known.path)
            return
        date = _old_date(old.get("date"), self.tz) or record.date
        record = _fill(record, _record_from(old, record))
        newest = record.updated if record.updated and record.updated > date else None
        previous = _old_date(old.get("updated"), self.tz)
        if newest is None or (previous and newest <= previous):
            newest = max(self.options.now, date)
        record = replace(record, date=date, updated=newest)
        slug = str(old.get("slug") or Path(known.path).stem)
        self._write(known.path, _front_matter(record, story.id, slug, story), story, "updated")

    def _free_path(self, record: SourceRecord) -> str:
        """content/YYYY/MM/DD/<slug>.md on the site's local day, never a taken name."""
        day = record.date.astimezone(self.tz).strftime("%Y/%m/%d")
        base = slugify(record.title)
        slug, n = base, 1
        while f"{day}/{slug}.md" in self.index.by_path:
            n += 1
            slug = f"{base}-{n}"
        return f"{day}/{slug}.md"

    def _write(self, rel: str, meta: dict, story: _Story, outcome: str) -> None:
        self.index.add(Known(rel, story.id, story.source_hash))
        self.pending.append((rel, meta, story, outcome))

    def flush(
        self, jobs: int | None, progress: Callable[[str, int, int], None] | None = None
    ) -> None:
        """Render and write every planned file: in worker processes when there are many."""
        tasks = [(self.content, rel, meta, story.markdown) for rel, meta, story, _ in self.pending]
        if self.options.dry_run:
            errors: Iterable[str | None] = [None] * len(tasks)
        else:
            jobs = (
                jobs
                if jobs is not None
                else (min(os.cpu_count() or 1, 4) if len(tasks) > 500 else 1)
            )
            with _pool(jobs, len(tasks)) as pool:
                results = (
                    pool.map(_render_write, tasks, chunksize=_chunk(len(tasks), jobs))
                    if pool
                    else map(_render_write, tasks)
                )
                errors = []
                for done, error in enumerate(results, start=1):
                    errors.append(error)
                    if progress and (done % 100 == 0 or done == len(tasks)):
                        progress("Writing", done, len(tasks))
        for (rel, _, story, outcome), error in zip(self.pending, errors, strict=True):
            if error:
                self.report.add(story.record.origin, "failed", error, story.id, rel)
                continue
            if not self.options.dry_run:
                self.index.refresh(rel)
            self.report.add(story.record.origin, outcome, "", story.id, rel)
        self.pending = []


def _render_write(task: tuple[Path, str, dict, str]) -> str | None:
    """Write one content file; the reason it could not be written, or None."""
    content, rel, meta, markdown = task
    try:
        write_atomic(content / rel, stamp(render(meta, markdown)).encode("utf-8"), content)
    except OSError as exc:
        return f"content/{rel} cannot be written: {exc.strerror}"
    except DigestError as exc:
        return exc.problems[0].message
    return None


def _old_date(value: object, tz: dt.tzinfo) -> dt.datetime | None:
    try:
        return to_aware(value, tz) if value else None
    except ValueError:
        return None


def _record_from(meta: dict, like: SourceRecord) -> SourceRecord:
    """The optional fields of an existing file, shaped as a record for _fill."""
    values = {name: meta.get(name) for name in _KEEPABLE}
    values["tags"] = tuple(values["tags"] or ())
    return replace(like, **{k: v for k, v in values.items() if isinstance(v, str | tuple)})


def _front_matter(record: SourceRecord, ident: str, slug: str, story: _Story) -> dict:
    """Keys in a fixed order; empty ones left out; dates quoted ISO 8601 with offset."""
    meta = {
        "title": record.title,
        "date": iso(record.date),
        "updated": iso(record.updated) if record.updated else None,
        "topic": record.topic,
        "tags": list(record.tags) or None,
        "source": record.source,
        "author": record.author,
        "dateline": record.dateline,
        "url": record.url,
        "image": record.image,
        "image_caption": record.image_caption,
        "print_edition": record.print_edition,
        "id": ident,
        "slug": slug,
        "source_hash": story.source_hash,
    }
    return {k: v for k, v in meta.items() if v not in (None, "", [])}


def render(meta: dict, markdown: str) -> str:
    head = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)
    return f"---\n{head}---\n\n{markdown}"


def stamp(text: str) -> str:
    """Add `digest_hash`, the hash of the file without that line, as the last front-matter key."""
    head, sep, rest = text.partition("\n---\n")
    return f"{head}\ndigest_hash: {_hash(text)}{sep}{rest}"


def untouched(text: str) -> bool:
    """True when a file is exactly as the importer wrote it."""
    match = _HASH_LINE.search(text)
    if not match:
        return False
    return _hash(text[: match.start()] + text[match.end() :]) == match.group(1)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def write_atomic(target: Path, data: bytes, inside: Path | None) -> None:
    """Write to a hidden temporary file beside the target, then rename it into place.

    `inside`: the folder the file must stay in, checked after symlinks are resolved.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if inside is not None and not target.parent.resolve().is_relative_to(inside.resolve()):
        raise DigestError(
            Problem(target, "resolves outside the content folder (a symlink?); not written")
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_temporaries(content: Path) -> None:
    """Delete write_atomic's temporary files left by an import killed mid-write. Safe because
    one import runs at a time (the CLI holds the site lock)."""
    for root, _dirs, names in os.walk(content):
        for name in names:
            if name.startswith(".") and name.endswith(".tmp"):
                Path(root, name).unlink(missing_ok=True)


def _origin(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else str(problem.path)


def _reason(problem: Problem) -> str:
    return f"field '{problem.field}': {problem.message}" if problem.field else problem.message
