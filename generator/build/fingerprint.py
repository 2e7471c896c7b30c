"""Stable digests of page contexts, so a page whose inputs did not change is not re-rendered.

Sound because templates see nothing but their page's context and the site view
(StrictUndefined, no globals with state): equal inputs give equal bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from generator.content.article import Article
from generator.site.catalog import Catalog, Day, Entry, Group

# Separators that no repr, key or URL holds, so joined digests never run together.
_SEP, _OPEN, _CLOSE = "\0", "\1", "\2"
_SHORT = 64  # an inner text up to this long is kept as it is rather than hashed


class Fingerprinter:
    """Digests values; objects shared by many pages (groups, days) are digested once."""

    def __init__(
        self,
        salt: str,
        article_keys: dict[str, str],
        entries: Iterable[Entry] = (),
        stamps: dict[str, str] | None = None,
    ):
        self.salt = self._hash(salt)  # hashed once, not with every page
        self.article_keys = article_keys  # article id → content key
        # Each of the catalog's `entries` (one per URL) digested once, not on every page
        # listing it: its article's content key and its URL (`entry_stamps`). A process
        # that keeps its plan keeps them, and gives them here brought up to date.
        self.stamps = entry_stamps(entries, article_keys) if stamps is None else stamps
        self._memo: dict[int, str] = {}
        self._keep: list[Any] = []  # keep memoised objects alive so ids stay unique
        self._fields: dict[type, tuple[str, ...]] = {}  # dataclasses.fields is slow

    def page(self, context: Mapping[str, Any], extra: str = "") -> str:
        # Context keys come in the fixed order pages.py passes them: no need to sort.
        digest = self._digest
        parts = [f"{k}:{digest(v)}" for k, v in context.items()]
        return self._hash(self.salt + extra + _SEP + _SEP.join(parts))

    @staticmethod
    def _hash(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def _digest(self, value: Any) -> str:
        kind = type(value)
        if kind is Entry:  # hot: one per listed article; local times follow from the key's zone
            stamp = self.stamps.get(value.url)
            if stamp is not None:
                return stamp
            key = self.article_keys.get(value.article.id)
            if key is not None:
                return key + value.url
        elif kind in SCALARS:
            return repr(value)
        elif kind is tuple and value and type(value[0]) is Entry:
            # Hot: a page's own listing, a new tuple each page, so not worth remembering.
            return _OPEN + self._entries(value) + _CLOSE
        elif kind is dt.date or kind is dt.datetime:
            return value.isoformat()
        elif kind is Article:
            return self.article_keys.get(value.id) or self._hash(repr(dataclasses.astuple(value)))
        found = self._memo.get(id(value))
        if found is not None:
            return found
        if kind is Day:  # its topic groups are derived from its entries: digest those once
            inner = value.date.isoformat() + self._digest(value.entries)
        elif kind is Catalog:  # likewise everything in a catalog derives from its entries
            inner = self._digest(value.entries)
        elif kind is Group:  # hot: a day page's stories, one per topic; mostly new tuples
            inner = f"Group{value.name!r}{_SEP}{value.slug!r}{_SEP}{self._entries(value.entries)}"
        elif isinstance(value, dict):
            inner = _SEP.join(f"{k!r}:{self._digest(v)}" for k, v in sorted(value.items()))
        elif isinstance(value, list | tuple):
            inner = _SEP.join([self._digest(v) for v in value])
        elif dataclasses.is_dataclass(value):
            names = self._fields.get(kind)
            if names is None:
                names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
            inner = kind.__name__ + _SEP.join([self._digest(getattr(value, n)) for n in names])
        elif isinstance(value, Path):
            inner = str(value)
        else:
            raise TypeError(f"cannot fingerprint {kind.__name__}")
        # A short text (a page's pagination, a topic's name) is its own digest.
        digest = _OPEN + inner + _CLOSE if len(inner) <= _SHORT else self._hash(inner)
        self._memo[id(value)] = digest
        self._keep.append(value)
        return digest

    def _entries(self, entries: tuple[Entry, ...]) -> str:
        """What `_digest` gives each of a tuple of entries, joined, without a call per entry."""
        stamps = self.stamps
        try:
            return _SEP.join([stamps[e.url] for e in entries])
        except (KeyError, AttributeError):  # not the catalog's, or not all entries
            return _SEP.join([self._digest(v) for v in entries])


SCALARS = frozenset({type(None), str, int, float, bool})


def entry_stamps(entries: Iterable[Entry], article_keys: Mapping[str, str]) -> dict[str, str]:
    """What the Fingerprinter digests each entry to: its article's content key and its URL
    (none for an article without a key)."""
    return {e.url: key + e.url for e in entries if (key := article_keys.get(e.article.id))}


def files_digest(folders: list[Path]) -> str:
    """A digest of every file under the given folders (templates, static): names and bytes."""
    digest = hashlib.sha256()
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                    digest.update(path.read_bytes())
    return digest.hexdigest()
