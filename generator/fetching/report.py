"""What a fetch did: failures and notes as one line each, and one summary line."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from generator.importing.report import ImportReport

_LOCK = threading.Lock()


@dataclass
class FetchReport:
    feeds: int = 0  # feeds asked for
    unchanged: int = 0  # answered 304 Not Modified
    pages: int = 0  # article pages downloaded
    failed: list[tuple[str, str]] = field(default_factory=list)  # (URL, what to do)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (URL, what happened)
    imported: ImportReport = field(default_factory=ImportReport)
    seconds: float = 0.0

    def note_unchanged(self) -> None:
        with _LOCK:  # feeds finish in several threads at once
            self.unchanged += 1

    def fail(self, url: str, reason: str) -> None:
        self.failed.append((url, reason))

    def note(self, url: str, text: str) -> None:
        self.notes.append((url, text))

    def lines(self, quiet: bool = False) -> list[str]:
        """One line per failure (and, unless quiet, per note and warning), for stderr."""
        # by URL: threads finish in any order, the output must not
        out = [f"failed: {url}: {reason}" for url, reason in sorted(self.failed)]
        for item in self.imported.items:
            if item.outcome == "failed":
                out.append(f"failed: {item.origin}: {item.reason}")
            elif item.outcome == "kept" and not quiet:
                out.append(f"kept: {item.origin}: {item.reason}")
        if not quiet:
            out += [f"note: {url}: {text}" for url, text in sorted(self.notes)]
            out += [f"warning: {line}" for line in self.imported.warnings]
        return out

    @property
    def problems(self) -> int:
        return len(self.failed) + self.imported.counts()["failed"]

    def summary(self) -> str:
        counts = self.imported.counts()
        verb = "Would fetch" if self.imported.dry_run else "Fetched"
        line = (
            f"{verb} {self.feeds} feeds ({self.unchanged} unchanged), {counts['new']} new articles"
        )
        if counts["updated"]:
            line += f", {counts['updated']} updated"
        if counts["kept"]:
            line += f", {counts['kept']} kept (edited by hand; --force overwrites)"
        return line + f", {self.problems} failed in {self.seconds:.0f} s"
