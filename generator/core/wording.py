"""Words for the lines a user reads: '1 article', never '1 articles'."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and the noun, in the singular for exactly one."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
