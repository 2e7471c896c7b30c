"""The persistent build cache: parsed articles by content hash, and page fingerprints.

SQLite, never pickle: a cache file is data, so a corrupt or foreign one can be
detected and thrown away (with a warning) instead of trusted or executed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator import __version__
from generator.models import Article

SCHEMA = "1"
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (path TEXT PRIMARY KEY, key TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (output TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
                                  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
"""


def code_digest() -> str:
    """A hash of digest's own code and version: output from other code is never reused."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


_DATES = ("date", "updated")


def article_to_json(article: Article) -> str | None:
    """JSON for the cache; None when `extra` holds values JSON cannot carry exactly."""
    data = dataclasses.asdict(article)
    for name in _DATES:
        data[name] = data[name].isoformat() if data[name] else None
    data["source_path"] = str(article.source_path)
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return text if json.loads(text)["extra"] == article.extra else None


def article_from_json(text: str) -> Article:
    data: dict[str, Any] = json.loads(text)
    for name in _DATES:
        data[name] = dt.datetime.fromisoformat(data[name]) if data[name] else None
    data["tags"] = tuple(data["tags"])
    data["source_path"] = Path(data["source_path"])
    return Article(**data)


class BuildCache:
    """One build's view of `.digest-cache/cache.sqlite`; writes happen only via save()."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "cache.sqlite"
        self.warnings: list[str] = []
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path)
            db.executescript(_TABLES)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            version = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
            if row is None or row[0] != SCHEMA or version is None or version[0] != code_digest():
                if row is not None:
                    self.warnings.append(
                        f"{self.path}: cache made by another digest version; starting afresh"
                    )
                db.executescript("DELETE FROM articles; DELETE FROM pages; DELETE FROM meta;")
                db.executemany(
                    "INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA), ("code", code_digest())]
                )
                db.commit()
            return db
        except sqlite3.DatabaseError as exc:
            self.warnings.append(f"{self.path}: cache is unreadable ({exc}); discarded and rebuilt")
            self.path.unlink(missing_ok=True)
            db = sqlite3.connect(self.path)
            db.executescript(_TABLES)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA), ("code", code_digest())]
            )
            db.commit()
            return db

    def rows(self) -> Iterator[tuple[str, str, str]]:
        """(source path, content key, article JSON), streamed."""
        yield from self.db.execute("SELECT path, key, data FROM articles")

    def pages(self) -> dict[str, tuple[str, int, int]]:
        """output path → (fingerprint, size, mtime_ns) as of the last successful build."""
        return {o: (f, s, m) for o, f, s, m in self.db.execute("SELECT * FROM pages")}

    def save(
        self,
        articles: dict[str, tuple[str, str | None]],
        pages: dict[str, tuple[str, int, int]],
    ) -> None:
        """Record a successful build: path → (key, JSON or None if the row is current)."""
        with self.db:
            known = {p for (p,) in self.db.execute("SELECT path FROM articles")}
            self.db.executemany(
                "DELETE FROM articles WHERE path = ?", [(p,) for p in known - articles.keys()]
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                [(p, key, text) for p, (key, text) in articles.items() if text is not None],
            )
            self.db.execute("DELETE FROM pages")
            self.db.executemany(
                "INSERT INTO pages VALUES (?, ?, ?, ?)", [(o, *v) for o, v in pages.items()]
            )

    def close(self) -> None:
        self.db.close()
