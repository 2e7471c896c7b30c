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
from generator.importing.content_cache import ImportView
from generator.importing.importer import source_roots
from generator.importing.report import ImportReport


class LastImport:
    """An import the preview ran that wrote nothing (so it is settled), with its config."""

    def __init__(self, config: Config, report: ImportReport, problems: list[Problem]):
        self.config = config
        self.report = report
        self.problems = problems
        content, cache = config.path("content"), config.path("cache")
        self._view = ImportView(content, cache, config.tz, report.consulted, bool(report.placed))

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
            if content in path.parents and not self._view.holds(
                path.relative_to(content).as_posix()
            ):
                return False
        return True
