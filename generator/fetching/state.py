"""What `digest fetch` remembers between runs: each feed's validators (ETag,
Last-Modified), so an unchanged feed costs a 304, and a fingerprint of each item as the feed
last showed it, so an unchanged item's article page is not downloaded again and an article
deleted from content/ is not fetched back.

It lives beside digest.toml, not in the cache folder: losing it loses no bandwidth only, it
brings deleted articles back. The scheduled workflow commits it with content/ (a CI cache
may be evicted at any time). Written sorted, one entry a line, so a commit's diff is small.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.atomic import write_atomic

STATE_NAME = "fetch-state.json"
_VERSION = 1


@dataclass
class FetchState:
    path: Path
    validators: dict[str, dict[str, str]] = field(default_factory=dict)  # url → etag, modified
    items: dict[str, str] = field(default_factory=dict)  # article id → item fingerprint
    changed: bool = False  # validators differ from the file's

    @classmethod
    def load(cls, root: Path, cache: Path) -> FetchState:
        """The last run's state (digest 0.1 kept it in the cache folder: read there when
        the site has none yet); a missing or unreadable file means a first run."""
        path = root / STATE_NAME
        for where in (path, cache / STATE_NAME):
            try:
                data: Any = json.loads(where.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict) or data.get("version") != _VERSION:
                continue
            validators = data.get("validators")
            items = data.get("items")
            return cls(
                path,
                validators if isinstance(validators, dict) else {},
                items if isinstance(items, dict) else {},
                changed=where != path,
            )
        return cls(path)

    def remember(self, url: str, validators: dict[str, str]) -> None:
        """A feed's new validators (a dict per URL: threads never share one)."""
        if self.validators.get(url) != validators:
            self.validators[url] = validators
            self.changed = True

    def save(self) -> None:
        data = {"version": _VERSION, "validators": self.validators, "items": self.items}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomic(self.path, text.encode("utf-8"))
