"""Raw sources to a site in one step: import `[import] paths` into content/, then build.

`digest build` and every preview rebuild run exactly this, so the two can never drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.build.pipeline import BuildOptions, build
from generator.build.report import BuildReport
from generator.core.config import Config
from generator.core.errors import DigestError, Problem
from generator.importing.importer import import_configured
from generator.importing.report import ImportReport


@dataclass(frozen=True)
class Outcome:
    imported: ImportReport | None  # None when digest.toml names no [import] paths
    built: BuildReport


def import_and_build(
    config: Config,
    options: BuildOptions,
    on_imported: Callable[[ImportReport, list[Problem]], None] | None = None,
) -> Outcome:
    """Import, then build. Source records that fail to import stop the build unless
    `options.skip_invalid`; `on_imported` hears the import's outcome before the build starts."""
    imported = None
    if config.import_.paths:
        imported, problems = import_configured(config, options.now, options.progress)
        if problems and not options.skip_invalid:
            raise DigestError(problems)
        if on_imported is not None:
            on_imported(imported, problems)
    return Outcome(imported, build(config, options))
