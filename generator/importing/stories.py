"""Source files → stories: each file read once (in worker processes for big batches), each
record given its id and Markdown, and records that are one story merged into one."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from generator.core.errors import Problem
from generator.core.identity import article_id
from generator.core.progress import Progress
from generator.core.workers import default_jobs, fork_map
from generator.importing.markdown_escape import body_to_markdown
from generator.importing.readers import FileRead, ReadContext, read_data
from generator.importing.record import SourceRecord
from generator.importing.report import ImportReport
from generator.importing.source_cache import file_hash

# Optional fields a newer version of a story may leave out; the older value is kept.
KEEPABLE = ("topic", "tags", "source", "author", "dateline", "url", "image", "image_caption",
            "print_edition")  # fmt: skip
_PARALLEL_FILES = 64
_PARALLEL_BYTES = 16_000_000


@dataclass(frozen=True)
class Story:
    """A read record with what the importer derives from it before planning."""

    record: SourceRecord
    id: str
    source_hash: str
    markdown: str


# (path, path as shown, how to read it, the cache key of the reading rules, last run's hash)
ReadTask = tuple[Path, str, ReadContext, str, str | None]
FileStories = tuple[FileRead, list[Story], str | None]


def read_all(
    tasks: list[ReadTask], jobs: int | None, progress: Progress | None
) -> Iterator[FileStories | None]:
    """Each file's stories, in the tasks' order (None: unchanged since the cached read)."""
    total = len(tasks)
    if jobs is None:
        size = sum(_size(t[0]) for t in tasks) if total < _PARALLEL_FILES else _PARALLEL_BYTES
        jobs = default_jobs() if size >= _PARALLEL_BYTES else 1
    chunk = max(1, min(64, total // (jobs * 8)))
    results = fork_map(read_file, None, tasks, jobs, chunksize=chunk, ordered=True)
    for done, result in enumerate(results, start=1):
        if progress:
            progress("Reading", done, total)
        yield result


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_file(_state: None, task: ReadTask) -> FileStories | None:
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
        Story(
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


def merge_duplicates(stories: list[Story], report: ImportReport) -> list[Story]:
    """One story per id: the most recent version, its gaps filled from the others."""
    groups: dict[str, list[Story]] = {}
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
            record = fill_gaps(record, other.record)
            report.add(
                other.record.origin, "duplicate", f"same story as {best.record.origin}", other.id
            )
        merged.append(replace(best, record=record))
    return merged


def fill_gaps(record: SourceRecord, other: SourceRecord) -> SourceRecord:
    """`record` with its empty optional fields taken from `other`."""
    gaps = {
        name: getattr(other, name)
        for name in KEEPABLE
        if not getattr(record, name) and getattr(other, name)
    }
    return replace(record, **gaps) if gaps else record
