"""Raw sources to a site in one step: import `[import] paths` into content/, then build.

`digest build` and every preview rebuild run exactly this, so the two can never drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.build.pipeline import BuildOptions, build, strict_advice
from generator.build.report import BuildReport
from generator.content.files import content_stats
from generator.core.config import Config
from generator.core.errors import DigestError, Problem
from generator.importing.content_cache import IndexMemo
from generator.importing.report import ImportReport


@dataclass(frozen=True)
class Outcome:
    imported: ImportReport | None  # None when digest.toml names no [import] paths
    built: BuildReport


def import_and_build(
    config: Config,
    options: BuildOptions,
    on_imported: Callable[[ImportReport, list[Problem]], None] | None = None,
    settled: tuple[ImportReport, list[Problem]] | None = None,
    content: dict[str, tuple[int, int]] | None = None,
    index: IndexMemo | None = None,
) -> Outcome:
    """Import, then build from everything that imported.

    A source record that fails to import is the scraper's problem, not the editor's: it is
    a warning, counted in the build's summary, and the site is built from the rest. With
    `options.strict` it stops the run before the site is touched (the good records are
    already in content/, as `digest import` would have left them). `on_imported` hears the
    import's outcome before the build starts. `settled`: the outcome of an import that
    wrote nothing, known to be what importing again would give (the preview's, when none
    of the files it depended on changed): taken instead of importing. `content`: content/'s
    files as `content_stats` would find them now, when the caller knows (the preview keeps
    them from its watcher); walked here otherwise. `index`: content/'s import index, kept
    by a process that imports again (ImportOptions.index).
    """
    imported = None
    skipped: list[str] = []
    seen = content  # content/ as the import left it: the build walks it no more
    if config.import_.paths:
        if settled is not None:
            imported, problems = settled
        else:  # imported here: a site without [import] paths never loads the importer
            from generator.importing.importer import import_configured

            if seen is None:
                seen = content_stats(config.path("content"))
            imported, problems = import_configured(
                config, options.now, options.progress, seen, index
            )
        if on_imported is not None:
            on_imported(imported, problems)
        if options.strict and (problems or imported.warnings):
            fatal = problems + [Problem("", line) for line in imported.warnings]
            raise DigestError(fatal, strict_advice(len(fatal)))
        skipped = [str(p) for p in problems]
    built = build(config, options, seen)
    built.sources_skipped = skipped
    return Outcome(imported, built)
