"""What an import did, item by item: printed as one line, saved as JSON with --report."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from generator.core.wording import plural

OUTCOMES = ("new", "updated", "unchanged", "duplicate", "merged", "kept", "failed")


class ImportItem(NamedTuple):  # a tuple, not a dataclass: a settled import replays 40,000
    origin: str  # 'file.jsonl:12', or the file
    outcome: str  # one of OUTCOMES; 'merged': the same story under another URL
    reason: str = ""
    id: str | None = None
    path: str | None = None  # the content file, relative to content/


@dataclass
class ImportReport:
    items: list[ImportItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    # It wrote nothing, so the same input again gives this same report (the preview reuses
    # it while nothing it depended on changes). `placed`: the stories it resolved against
    # content/ (the rest were replayed, which needs only ids and source hashes);
    # `consulted`: the content files (relative to content/) whose text it read for that.
    settled: bool = False
    placed: int = 0
    consulted: set[str] = field(default_factory=set)
    # Paths or patterns the user named that found no file: the user's mistake, not a
    # scraper's (also reported as failed items).
    unfound: list[str] = field(default_factory=list)

    def add(
        self,
        origin: str,
        outcome: str,
        reason: str = "",
        id: str | None = None,
        path: str | None = None,
    ) -> None:
        self.items.append(ImportItem(origin, outcome, reason, id, path))

    def counts(self) -> Counter:
        return Counter(item.outcome for item in self.items)

    @property
    def failed(self) -> list[ImportItem]:
        return [item for item in self.items if item.outcome == "failed"]

    def summary(self) -> str:
        c = self.counts()
        line = (
            f"{'Would import' if self.dry_run else 'Imported'} {plural(len(self.items), 'item')} "
            f"in {self.seconds:.2f} s: {c['new']} new, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {plural(c['duplicate'], 'duplicate')} merged, "
        )
        if c["merged"]:
            line += f"{plural(c['merged'], 'copy', 'copies')} from other URLs merged, "
        line += f"{c['failed']} failed"
        if c["kept"]:
            line += f", {c['kept']} kept (edited by hand; --force overwrites)"
        return line

    def to_json(self) -> str:
        data = {
            "summary": {name: self.counts()[name] for name in OUTCOMES},
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
            "warnings": self.warnings,
            "items": [item._asdict() for item in self.items],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
