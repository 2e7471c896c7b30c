"""`BuildReport`: what a build did, printed by the CLI and asserted by tests."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from generator.core.wording import plural


@dataclass
class BuildReport:
    """What a build did; printed by the CLI and asserted by tests."""

    articles: int = 0
    pages: int = 0
    feeds: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)  # content/ files left out (--skip-invalid)
    sources_skipped: list[str] = field(default_factory=list)  # source records that failed
    search_records: int = 0  # articles indexed for search; 0 when the index was up to date
    parsed: int = 0  # articles parsed (not taken from the cache)
    rendered: int = 0  # pages and feeds rendered (their inputs or files changed)
    # outputs whose fingerprints were digested; the others' were kept from the last build,
    # whose plan this one shares (build/delta.py)
    fingerprinted: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2) + "\n"

    def summary(self, report_hint: bool = True) -> str:
        """One line; `report_hint` points at `digest build --report` for the skipped records."""
        line = (
            f"Built {plural(self.articles, 'article')} into {plural(self.pages, 'page')} and "
            f"{plural(self.feeds, 'feed')} in {self.seconds:.2f} s ({self.written} written, "
            f"{self.unchanged} unchanged, {self.removed} removed)"
        )
        if self.skipped:
            line += f"; {plural(len(self.skipped), 'invalid content file')} skipped"
        if self.sources_skipped:
            line += f"; {plural(len(self.sources_skipped), 'source record')} skipped"
            line += ", see --report" if report_hint else ""
        return line
