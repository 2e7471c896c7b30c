"""User-facing errors: each names the file (and field or line) and says how to fix it.

The CLI prints these without a traceback; anything else reaching the top is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file."""

    path: Path | str
    message: str
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path == "":  # a message that names its own file (an importer's warning)
            return self.message
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class DigestError(Exception):
    """An error caused by the user's input or setup, reported as one or more Problems."""

    def __init__(self, problems: list[Problem] | Problem | str, advice: str = ""):
        if isinstance(problems, str):
            problems = [Problem("digest", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        self.advice = advice  # one closing line: what happened to the output, what to do
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):
        # Keep the problems intact when raised in a worker process.
        return (type(self), (self.problems, self.advice))


class ConfigError(DigestError):
    """digest.toml or a command-line override is wrong (exit code 2)."""
