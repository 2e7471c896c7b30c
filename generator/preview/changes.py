"""Whether a preview rebuild must import `[import] paths` again, from the files it was told
changed.

`digest build` imports before every build; an import with nothing to do replays its settled
report, but only after walking and stat-ing every source and content file (0.5 s and more
at 32,000 articles, on every save). The preview's watcher names the files that changed, so
the preview can tell when an import would decide exactly as its last one did, and reuse
that import's report: nothing the import reads changed, or only content files whose index
entries (path, id, source hash, and copy key if it placed any story: all the import knows
of a file it does not open) are as that import saw them and whose text it did not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.core.config import Config
from generator.core.errors import Problem
from generator.importing.content_cache import ContentCache, ContentEntry, read_entry
from generator.importing.importer import source_roots
from generator.importing.report import ImportReport


class LastImport:
    """An import the preview ran that wrote nothing (so it is settled), with its config."""

    def __init__(self, config: Config, report: ImportReport, problems: list[Problem]):
        self.config = config
        self.report = report
        self.problems = problems
        self._entries: dict[str, ContentEntry] | None = None  # read when first needed

    def holds(self, config: Config, changed: Iterable[str]) -> bool:
        """Would importing now, after these files changed, give this same report?"""
        if config != self.config:
            return False
        content = config.path("content")
        feeding = [content, *source_roots(config)]
        for path in map(Path, changed):
            if any(path == root or path in root.parents for root in feeding):
                return False  # a root itself (moved, deleted) or a folder holding one
            if any(root in path.parents for root in feeding[1:]):
                return False  # a source file
            if content in path.parents and not self._same_entry(content, path):
                return False
        return True

    def _same_entry(self, content: Path, path: Path) -> bool:
        """The content file is, for the import, as it was: same index entry, text unread."""
        rel = path.relative_to(content).as_posix()
        if rel in self.report.consulted:
            return False
        if self._entries is None:
            self._entries = ContentCache(content, self.config.path("cache"), self.config.tz).saved()
        before = self._entries.get(rel)
        if not path.exists():  # deleted or moved: a file it knew, or a folder of them
            return before is None and not any(k.startswith(rel + "/") for k in self._entries)
        if not path.is_file():
            return False
        if not rel.endswith(".md"):
            return True  # not an article: the import never lists it
        after = read_entry(path, rel, self.config.tz)
        return before is not None and self._key(before) == self._key(after)

    def _key(self, entry: ContentEntry) -> tuple[str | None, ...]:
        """What the import knew of the file: a replayed story needs its id and source hash;
        a placed one (a record that met another, say) also every file's copy key (a title
        edit changes it) and path."""
        if self.report.placed:
            return (entry.id, entry.source_hash, entry.copy_key)
        return (entry.id, entry.source_hash)
