"""Reading the GitHub workflows `digest init` writes."""

from __future__ import annotations


def build_cache_step(steps: list[dict]) -> dict:
    """The workflow's actions/cache step for the build, checked to come before the build."""
    names = [s.get("name", "") for s in steps]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert names.index(cache["name"]) < names.index("Build")
    return cache
