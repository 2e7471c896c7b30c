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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from generator.config import Config
from generator.content import split_front_matter
from generator.content_index import ContentIndex, Known
from generator.dates import iso, to_aware
from generator.errors import DigestError, Problem
from generator.identity import article_id, slugify
from generator.import_report import ImportReport
from generator.markdown_escape import body_to_markdown
from generator.models import SourceRecord
from generator.readers import FileRead, ReadContext, read_file

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
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every source file under `paths`; bad input is reported, never raised."""
    started = time.perf_counter()
    report = ImportReport(dry_run=options.dry_run)
    content = config.path("content")
    files = discover(paths, content, config.path("cache"), report)
    ctx = ReadContext(
        timezone=config.timezone,
        zones=dict(config.import_.timezones),
        source=options.source,
        topic=options.topic,
        date=options.date,
    )
    stories: list[_Story] = []
    for read, derived in _read_all(files, ctx, options.jobs, progress):
        for problem in read.problems:
            report.add(_origin(problem), "failed", _reason(problem))
        report.warnings.extend(str(w) for w in read.warnings)
        stories.extend(derived)
    index = ContentIndex(content, config.path("cache")).load()
    writer = _Writer(content, index, config.tz, options, report)
    for story in _merge_duplicates(stories, report):
        writer.place(story)
    if not options.dry_run:
        index.save()
    report.seconds = time.perf_counter() - started
    return report


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


def _read_all(
    files: list[tuple[Path, str]],
    ctx: ReadContext,
    jobs: int | None,
    progress: Callable[[int, int], None] | None,
) -> Iterable[tuple[FileRead, list[_Story]]]:
    """Read (and hash, and turn into Markdown) each file, in worker processes for big batches."""
    total = len(files)
    if jobs is None:
        size = sum(_size(p) for p, _ in files) if total < _PARALLEL_FILES else _PARALLEL_BYTES
        jobs = min(os.cpu_count() or 1, 4) if size >= _PARALLEL_BYTES else 1
    tasks = [(path, shown, ctx) for path, shown in files]
    if jobs <= 1 or total < 2:
        results: Iterable = map(_read_one, tasks)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_read_one, tasks, chunksize=max(1, min(64, total // (jobs * 8))))
    try:
        for done, result in enumerate(results, start=1):
            if progress:
                progress(done, total)
            yield result
    finally:
        if jobs > 1 and total >= 2:
            pool.shutdown(cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_one(task: tuple[Path, str, ReadContext]) -> tuple[FileRead, list[_Story]]:
    path, shown, ctx = task
    read = read_file(path, shown, ctx)
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
    return read, stories


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

    def place(self, story: _Story) -> None:
        record = story.record
        known = self.index.by_id.get(story.id)
        if known is None:
            rel = self._free_path(record)
            meta = _front_matter(record, story.id, rel.rsplit("/", 1)[1][:-3], None, story)
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
        self._write(known.path, _front_matter(record, story.id, slug, old, story), story, "updated")

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
        text = stamp(render(meta, story.markdown))
        target = self.content / rel
        if not self.options.dry_run:
            write_atomic(target, text.encode("utf-8"), self.content)
        self.index.add(Known(rel, story.id, story.source_hash))
        if not self.options.dry_run:
            self.index.refresh(rel)
        self.report.add(story.record.origin, outcome, "", story.id, rel)


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


def _front_matter(
    record: SourceRecord, ident: str, slug: str, old: dict | None, story: _Story
) -> dict:
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


def write_atomic(target: Path, data: bytes, content: Path) -> None:
    """Write to a hidden temporary file beside the target, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(content.resolve()):
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


def _origin(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else str(problem.path)


def _reason(problem: Problem) -> str:
    return f"field '{problem.field}': {problem.message}" if problem.field else problem.message
