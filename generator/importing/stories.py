"""Source files → stories: each file read once (in worker processes for big batches), each
record given its id, its hashes and its Markdown."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from generator.core.errors import Problem
from generator.core.identity import article_id
from generator.core.progress import Progress
from generator.core.workers import default_jobs, fork_map
from generator.importing.markdown_escape import body_to_markdown
from generator.importing.readers import FileRead, ReadContext, read_data
from generator.importing.record import SourceRecord
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
    source_hash: str  # the final headline and the source's own text (record.raw)
    markdown: str
    legacy_hash: str = ""  # how digest ≤ 0.1 hashed it (headline and cleaned text)

    @property
    def hashes(self) -> tuple[str, str]:
        """The hashes a content file written from this version may carry."""
        return self.source_hash, self.legacy_hash

    @functools.cached_property
    def summary(self) -> list[str]:
        """What the source cache keeps of the story to tell, unread, whether it is contested."""
        r = self.record
        return [r.origin, self.id, self.source_hash, self.legacy_hash,
                title_key(r.source, r.url, r.title), copy_key(r), r.title]  # fmt: skip


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
    stories = [story_of(r) for r in read.records]
    read.records = []  # the stories carry them; do not pickle them twice
    return read, stories, digest


def story_of(record: SourceRecord) -> Story:
    return Story(
        record,
        article_id(record.url, record.source, record.date, record.title),
        source_hash(record),
        body_to_markdown(record.body) if record.markdown is None else record.markdown,
        _hash(f"{record.title}\x00{record.body}"),
    )


def source_hash(record: SourceRecord) -> str:
    """What makes a new version of a story: its headline and the source's own text. Not the
    cleaned text: a digest upgrade with better clean-up rules is no new version."""
    return _hash(f"{record.title}\x00{record.raw or record.body}")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def source_name(source: str | None, url: str | None) -> str:
    """Who published it: the source's name, else the URL's host."""
    if source:
        return source.strip().casefold()
    return urlsplit(url).netloc.lower().removeprefix("www.") if url else ""


def plain_words(text: str) -> str:
    """Lower-case words only: how two headlines (or bodies) are compared."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def title_key(source: str | None, url: str | None, title: str) -> str:
    return f"{source_name(source, url)}|{plain_words(title)}"


def copy_key(record: SourceRecord) -> str:
    """Records with one key may be one story under two URLs: one source, day and headline."""
    return f"{title_key(record.source, record.url, record.title)}|{record.date.date()}"


def fill_gaps(record: SourceRecord, other: SourceRecord) -> SourceRecord:
    """`record` with its empty optional fields taken from `other`."""
    gaps = {
        name: getattr(other, name)
        for name in KEEPABLE
        if not getattr(record, name) and getattr(other, name)
    }
    return replace(record, **gaps) if gaps else record
