"""Where each story goes in content/ (new, updated, unchanged or kept as hand-edited), and
writing the planned files, each atomically, in worker processes when there are many."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.content.front_matter import split_front_matter
from generator.core.atomic import write_atomic
from generator.core.dates import is_day_only, to_aware
from generator.core.errors import DigestError
from generator.core.identity import free_slug, slugify
from generator.core.progress import Progress
from generator.core.workers import default_jobs, fork_map
from generator.importing.content_cache import ContentCache, ContentEntry
from generator.importing.content_file import file_text, front_matter, untouched
from generator.importing.record import SourceRecord
from generator.importing.report import ImportReport
from generator.importing.stories import KEEPABLE, Story, copy_key, fill_gaps

_PARALLEL_WRITES = 500


@dataclass(frozen=True)
class PlacementRules:
    """What placing needs from the import's options."""

    now: dt.datetime  # the clock, for 'updated' when a changed story names no time itself
    tz: dt.tzinfo  # the site's zone: a story's folder is its local day
    dry_run: bool
    force: bool


# (file under content/, front matter, Markdown, origin and id of the story, outcome to
# report: None for a file rewritten only to list another URL of its story)
Plan = tuple[str, dict[str, Any], str, str, str, str | None]


class Placement:
    """Plans each story's file against what content/ holds, then writes the plan."""

    def __init__(
        self, content: Path, index: ContentCache, rules: PlacementRules, report: ImportReport
    ):
        self.content = content
        self.index = index
        self.rules = rules
        self.report = report
        self.pending: list[Plan] = []

    def place(self, story: Story) -> None:
        record = story.record
        known = self.index.by_id.get(story.id)
        if known is None:
            rel = self._free_path(record)
            slug = rel.rsplit("/", 1)[1][:-3]
            meta = front_matter(record, story.id, slug, story.source_hash)
            self._plan(rel, meta, story, "new")
        elif known.source_hash in story.hashes:
            self.report.add(record.origin, "unchanged", "", story.id, known.path)
            if record.also_at:
                self.add_urls(known, record.also_at)
        else:
            self._update(story, known)

    def read(self, rel: str) -> tuple[str, dict[str, Any], str]:
        """A content file's text, front matter and body ('', {}, '' when unreadable)."""
        self.report.consulted.add(rel)
        path = self.content / rel
        try:
            text = path.read_text(encoding="utf-8")
            old, body = split_front_matter(text, path)
        except (OSError, UnicodeDecodeError, DigestError):
            return "", {}, ""
        return text, old, body

    def add_urls(self, known: ContentEntry, urls: Iterable[str]) -> None:
        """List more URLs of a story in its file's `also_at`, unless it was edited by hand."""
        text, old, body = self.read(known.path)
        had = _urls(old)
        also = sorted((set(had) | set(urls)) - {str(old.get("url"))})
        if not untouched(text) or also == had:
            return
        meta = {k: v for k, v in old.items() if k not in ("also_at", "digest_hash")}
        at = list(meta).index("id") if "id" in meta else len(meta)
        items = list(meta.items())
        meta = dict([*items[:at], ("also_at", also), *items[at:]])
        plan = (known.path, meta, body.lstrip("\n"), known.path, known.id or "", None)
        self.pending.append(plan)

    def _update(self, story: Story, known: ContentEntry) -> None:
        record = story.record
        text, old, _ = self.read(known.path)
        if not untouched(text) and not self.rules.force:
            why = (
                "was written by hand" if "source_hash" not in old else "was edited by hand"
            ) + " since its import; pass --force to overwrite it with the new version"
            self.report.add(record.origin, "kept", f"{known.path} {why}", story.id, known.path)
            return
        date = _old_date(old.get("date"), self.rules.tz) or record.date
        day_only = is_day_only(old["date"]) if old.get("date") else record.day_only
        record = fill_gaps(record, _record_from(old, record))
        # The newest time the record states, else the clock: the text did change.
        stated = [t for t in (record.updated, record.retrieved) if t and t > date]
        newest = max(stated) if stated else None
        previous = _old_date(old.get("updated"), self.rules.tz)
        if newest is None or (previous and newest <= previous):
            newest = max(self.rules.now, date)
        had = _urls(old)
        also = tuple(sorted((set(had) | set(record.also_at)) - {record.url or ""}))
        record = replace(record, date=date, day_only=day_only, updated=newest, also_at=also)
        slug = str(old.get("slug") or Path(known.path).stem)
        meta = front_matter(record, story.id, slug, story.source_hash)
        self._plan(known.path, meta, story, "updated")

    def _free_path(self, record: SourceRecord) -> str:
        """content/YYYY/MM/DD/<slug>.md on the site's local day (a day the source named
        stays that day), never a taken name."""
        local = record.date.date() if record.day_only else record.date.astimezone(self.rules.tz)
        day = local.strftime("%Y/%m/%d")
        slug = free_slug(slugify(record.title), lambda s: f"{day}/{s}.md" in self.index.by_path)
        return f"{day}/{slug}.md"

    def _plan(self, rel: str, meta: dict[str, Any], story: Story, outcome: str) -> None:
        self.index.add(ContentEntry(rel, story.id, story.source_hash, copy_key(story.record)))
        self.pending.append((rel, meta, story.markdown, story.record.origin, story.id, outcome))

    def write(self, jobs: int | None, progress: Progress | None = None) -> int:
        """Write every planned file and report each outcome; the number of files planned
        (written, or tried: a failed write counts, so the import is not settled)."""
        planned = len(self.pending)
        tasks = [(self.content, rel, meta, markdown) for rel, meta, markdown, *_ in self.pending]
        if self.rules.dry_run:
            errors: Iterable[str | None] = [None] * len(tasks)
        else:
            if jobs is None:
                jobs = default_jobs() if len(tasks) > _PARALLEL_WRITES else 1
            chunk = max(1, min(64, len(tasks) // (jobs * 8)))
            results = fork_map(_write_one, None, tasks, jobs, chunksize=chunk, ordered=True)
            errors = []
            for done, error in enumerate(results, start=1):
                errors.append(error)
                if progress and (done % 100 == 0 or done == len(tasks)):
                    progress("Writing", done, len(tasks))
        for (rel, _, _, origin, ident, outcome), error in zip(self.pending, errors, strict=True):
            if error:
                self.report.add(origin, "failed", error, ident, rel)
                self.index.unwritten(rel)
                continue
            if not self.rules.dry_run:
                self.index.refresh(rel)
            if outcome:
                self.report.add(origin, outcome, "", ident, rel)
        self.pending = []
        return planned


def _write_one(_state: None, task: tuple[Path, str, dict[str, Any], str]) -> str | None:
    """Write one content file; the reason it could not be written, or None."""
    content, rel, meta, markdown = task
    try:
        write_atomic(content / rel, file_text(meta, markdown).encode("utf-8"), content)
    except OSError as exc:
        return f"content/{rel} cannot be written: {exc.strerror}"
    except DigestError as exc:
        return exc.problems[0].message
    return None


def _urls(meta: dict[str, Any]) -> list[str]:
    value = meta.get("also_at")
    return [str(v) for v in value] if isinstance(value, list) else []


def _old_date(value: object, tz: dt.tzinfo) -> dt.datetime | None:
    try:
        return to_aware(value, tz) if value else None
    except ValueError:
        return None


def _record_from(meta: dict[str, Any], like: SourceRecord) -> SourceRecord:
    """The optional fields of an existing file, shaped as a record for fill_gaps."""
    values: dict[str, Any] = {name: meta.get(name) for name in KEEPABLE}
    values["tags"] = tuple(values["tags"] or ())
    kept: dict[str, Any] = {k: v for k, v in values.items() if isinstance(v, str | tuple)}
    return replace(like, **kept)
