"""What `digest fetch` remembers between runs, in the cache folder: each feed's validators
(ETag, Last-Modified), so an unchanged feed costs a 304, and a fingerprint of each item as
the feed last showed it, so an unchanged item's article page is not downloaded again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.atomic import write_json

STATE_NAME = "fetch-state.json"
_VERSION = 1


@dataclass
class FetchState:
    path: Path
    validators: dict[str, dict[str, str]] = field(default_factory=dict)  # url → etag, modified
    items: dict[str, str] = field(default_factory=dict)  # article id → item fingerprint
    changed: bool = False  # validators differ from the file's

    @classmethod
    def load(cls, cache: Path) -> FetchState:
        """The last run's state; a missing or unreadable file means a first run (a full fetch
        costs bandwidth, never content)."""
        path = cache / STATE_NAME
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return cls(path)
        validators = data.get("validators")
        items = data.get("items")
        return cls(
            path,
            validators if isinstance(validators, dict) else {},
            items if isinstance(items, dict) else {},
        )

    def remember(self, url: str, validators: dict[str, str]) -> None:
        """A feed's new validators (a dict per URL: threads never share one)."""
        if self.validators.get(url) != validators:
            self.validators[url] = validators
            self.changed = True

    def save(self) -> None:
        write_json(
            self.path, {"version": _VERSION, "validators": self.validators, "items": self.items}
        )
