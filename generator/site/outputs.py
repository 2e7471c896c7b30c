"""What planning hands to rendering: a `Page` to render, an `OutputFile` to write, and a
`MadeFile` made by code only when its file may be stale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True, slots=True)
class MadeFile:
    """An output made whole by code rather than a template. Its bytes are a pure function of
    `basis` (with the build's code and settings), so a build that finds the same basis and an
    untouched file need not make it; None when making it is cheaper than digesting a basis."""

    path: str
    basis: Any
    make: Callable[[], bytes]
