"""What planning hands to rendering: a `Page` to render and an `OutputFile` to write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.site.contexts import PageContext


@dataclass(frozen=True, slots=True)
class Page:
    """A page to render: its kind, where it lives, which template, and what that template sees."""

    kind: str
    url: str  # site-relative, starts with base_path
    output: str  # path relative to the output folder, '/'-separated
    template: str
    context: PageContext  # what the template receives (site/contexts.py)


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # relative to the output folder, '/'-separated
    data: bytes
