"""`BuildReport`: what a build did, printed by the CLI and asserted by tests."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field


@dataclass
class BuildReport:
    """What a build did; printed by the CLI and asserted by tests."""

    articles: int = 0
    pages: int = 0
    feeds: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    parsed: int = 0  # articles parsed (not taken from the cache)
    rendered: int = 0  # pages and feeds rendered (their inputs or files changed)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2) + "\n"

    def summary(self) -> str:
        line = (
            f"Built {self.articles} articles into {self.pages} pages and {self.feeds} feeds "
            f"in {self.seconds:.2f} s ({self.written} written, {self.unchanged} unchanged, "
            f"{self.removed} removed)"
        )
        if self.skipped:
            line += f"; skipped {len(self.skipped)} invalid"
        return line
