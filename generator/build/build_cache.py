"""The persistent build cache: parsed articles by content hash, and page fingerprints.

SQLite, never pickle: a cache file is data, so a corrupt or foreign one can be
detected and thrown away (with a warning) instead of trusted or executed. Article
metadata is a marshalled tuple of plain values (strings, numbers, tuples, dicts):
decoded three times faster than JSON, and marshal builds no objects but those.
Portable: every path in it is relative to the site root, and each record carries a
content hash, so a cache restored on another machine or checkout path (where every
file's mtime is new) is trusted by hashes after a cheap stat mismatch.
Article bodies live in their own table and are read only when a page or feed
that shows them is rendered, so a rebuild neither decodes nor holds them all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import marshal
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from generator import __version__
from generator.content.article import Article, LazyText
from generator.core.errors import DigestError, Problem
from generator.site.related import Outline

SCHEMA = "8"
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (path TEXT PRIMARY KEY, key TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, meta BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (site TEXT NOT NULL, output TEXT NOT NULL,
    fingerprint TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    hash TEXT NOT NULL, PRIMARY KEY (site, output));
CREATE TABLE IF NOT EXISTS plans (site TEXT PRIMARY KEY, key TEXT NOT NULL, now TEXT NOT NULL,
    until TEXT NOT NULL, counts TEXT NOT NULL, links BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS stories (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_FIELDS = [f.name for f in dataclasses.fields(Article)]
_BODY = _FIELDS.index("body_html")  # the one field not in the metadata
_META = [name for name in _FIELDS if name != "body_html"]
_DATES = (_META.index("date"), _META.index("updated"))
_EXTRA, _PATH = _META.index("extra"), _META.index("source_path")
PageRecord = tuple[str, int, int, str]  # fingerprint, size, mtime_ns, content hash
LinksOutline = Outline


@dataclasses.dataclass(frozen=True)
class PlanStamp:
    """What the last complete build of a site was made from (`key`: every input but the
    clock), and the span of clock times over which those inputs give the same output."""

    key: str
    now: dt.datetime
    until: dt.datetime
    counts: dict[str, Any]  # the report's figures, and the search index's stamp
    # The story links it showed, by URL (site/related.py: outline), marshalled: 3.9 MB at
    # 34,000 articles, decoded only by a build that may reuse them (build/delta.py).
    links: bytes

    def outline(self) -> LinksOutline:
        outline: LinksOutline = marshal.loads(self.links)
        return outline


def packed(outline: LinksOutline) -> bytes:
    """An outline as a PlanStamp keeps it."""
    return marshal.dumps(outline)


def output_hash(data: bytes) -> str:
    """The content hash a page record keeps of an output file."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def site_key(output: Path, root: Path) -> str:
    """An output folder as the cache knows it: relative to the site root, so the cache
    stays valid when the checkout moves."""
    return Path(os.path.relpath(output, root.resolve())).as_posix()


# The subpackages whose code decides what a build writes; editing the CLI, the importer,
# the preview or publishing must not throw away every user's cache.
OUTPUT_CODE = ("core", "content", "site", "build")


def code_digest() -> str:
    """A hash of the code that shapes output, and the version: output from other code is
    never reused."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    for name in OUTPUT_CODE:
        for path in sorted((package / name).rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def article_meta(article: Article) -> bytes | None:
    """Everything but the body, marshalled; None when `extra` holds a value marshal cannot
    carry exactly (a date from YAML, NaN): such an article is parsed on every build."""
    values = [getattr(article, name) for name in _META]
    for i in _DATES:
        values[i] = values[i].isoformat() if values[i] else None
    values[_PATH] = str(values[_PATH])
    try:
        blob = marshal.dumps(tuple(values))
    except ValueError:
        return None
    return blob if marshal.loads(blob)[_EXTRA] == article.extra else None


def article_from_meta(blob: bytes, body: str | LazyText) -> Article:
    values = list(marshal.loads(blob))
    for i in _DATES:
        values[i] = values[i] and dt.datetime.fromisoformat(values[i])
    values.insert(_BODY, body)
    return Article(*values)


class BuildCache:
    """One build's view of `.digest-cache/cache.sqlite`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "cache.sqlite"
        self.warnings: list[str] = []
        self._pid = os.getpid()
        self._closed = False
        self.db = self._open()

    def templates(self) -> Path:
        """The folder for compiled templates: one per version of the code, which also fixes
        how templates compile (Jinja keys them by name, path and source only); the
        folders of other versions are removed."""
        parent = self.folder / "templates"
        folder = parent / code_digest()[:16]
        if not folder.is_dir():
            if parent.is_dir():
                for other in parent.iterdir():
                    shutil.rmtree(other, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            return self._checked(sqlite3.connect(self.path, timeout=30))
        except sqlite3.OperationalError as exc:
            why = (
                "is in use by another digest process; run again when it ends"
                if "locked" in str(exc)
                else f"cannot be used ({exc}); check its permissions, or delete {self.folder}"
            )
            raise DigestError(Problem(self.path, why)) from None
        except sqlite3.DatabaseError as exc:
            self.warnings.append(f"{self.path}: cache is unreadable ({exc}); discarded and rebuilt")
            self.path.unlink(missing_ok=True)
            return self._checked(sqlite3.connect(self.path))

    def _checked(self, db: sqlite3.Connection) -> sqlite3.Connection:
        db.executescript(_TABLES)
        found = dict(db.execute("SELECT key, value FROM meta"))
        wanted = {"schema": f"{SCHEMA}.{marshal.version}", "code": code_digest()}
        if found != wanted:
            if found:
                self.warnings.append(
                    f"{self.path}: cache made by another digest version; starting afresh"
                )
            # Dropped, not emptied: another schema's tables may have other columns.
            db.executescript(
                "DROP TABLE articles; DROP TABLE bodies; DROP TABLE pages; DROP TABLE meta; "
                "DROP TABLE IF EXISTS plans; DROP TABLE IF EXISTS stories;" + _TABLES
            )
            db.executemany("INSERT INTO meta VALUES (?, ?)", list(wanted.items()))
            db.commit()
        return db

    def rows(self) -> dict[str, tuple[str, int, int, bytes]]:
        """source path → (content key, size, mtime_ns, article metadata: all but the body)."""
        return {p: (k, s, m, d) for p, k, s, m, d in self.db.execute("SELECT * FROM articles")}

    def row(self, path: str) -> tuple[str, int, int, bytes] | None:
        """One file's row of rows(), or None."""
        found = self.db.execute("SELECT * FROM articles WHERE path = ?", (path,)).fetchone()
        return None if found is None else found[1:]

    def body(self, key: str) -> str:
        """An article body by content key; safe to call from forked worker processes."""
        query = "SELECT html FROM bodies WHERE key = ?"
        if os.getpid() != self._pid:  # a forked worker must not share the parent's connection
            self._pid, self.db, self._closed = os.getpid(), sqlite3.connect(self.path), False
        if self._closed:  # an article kept past its build (loader.ArticleMemo): none kept open
            with contextlib.closing(sqlite3.connect(self.path)) as db:
                row = db.execute(query, (key,)).fetchone()
        else:
            row = self.db.execute(query, (key,)).fetchone()
        if row is None:
            raise LookupError(f"{self.path}: body {key} is missing; delete the cache folder")
        return row[0]

    def lazy_body(self, key: str) -> LazyText:
        return LazyText(self.body, key)

    def store(self, path: str, key: str, stat: tuple[int, int], meta: bytes, body: str) -> None:
        """Record a parsed file: `stat` is its (size, mtime_ns)."""
        self.db.execute("INSERT OR REPLACE INTO bodies VALUES (?, ?)", (key, body))
        self.touch(path, key, stat, meta)

    def touch(self, path: str, key: str, stat: tuple[int, int], meta: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                        (path, key, *stat, meta))  # fmt: skip

    def forget_except(self, paths: set[str]) -> None:
        """Drop rows of files that are gone, and bodies no row points at; then commit."""
        gone = [(p,) for (p,) in self.db.execute("SELECT path FROM articles") if p not in paths]
        self.db.executemany("DELETE FROM articles WHERE path = ?", gone)
        if gone:
            self.db.execute("DELETE FROM bodies WHERE key NOT IN (SELECT key FROM articles)")
        self.db.commit()

    def pages(self, site: str) -> dict[str, PageRecord]:
        """output path → (fingerprint, size, mtime_ns, content hash) as of the last successful
        build of `site` (the output folder relative to the site root: the preview and site/
        do not evict each other)."""
        rows = self.db.execute(
            "SELECT output, fingerprint, size, mtime_ns, hash FROM pages WHERE site = ?", (site,)
        )
        return {o: (f, s, m, h) for o, f, s, m, h in rows}

    def save_pages(
        self, site: str, pages: dict[str, PageRecord], previous: dict[str, PageRecord]
    ) -> None:
        """Record the output of a successful build of `site`: only rows that differ are written."""
        with self.db:
            self.db.executemany(
                "DELETE FROM pages WHERE site = ? AND output = ?",
                [(site, o) for o in previous.keys() - pages.keys()],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                [(site, o, *v) for o, v in pages.items() if previous.get(o) != v],
            )

    def plan(self, site: str) -> PlanStamp | None:
        row = self.db.execute(
            "SELECT key, now, until, counts, links FROM plans WHERE site = ?", (site,)
        ).fetchone()
        if row is None:
            return None
        key, now, until, counts, links = row
        return PlanStamp(
            key,
            dt.datetime.fromisoformat(now),
            dt.datetime.fromisoformat(until),
            json.loads(counts),
            links,
        )

    def save_plan(self, site: str, stamp: PlanStamp | None) -> None:
        """Record (None: forget) the plan of `site`'s last complete build. Forgotten before a
        build changes anything, so a build that fails half-way never leaves a stale stamp."""
        with self.db:
            self.db.execute("DELETE FROM plans WHERE site = ?", (site,))
            if stamp is not None:
                self.db.execute(
                    "INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)",
                    (site, stamp.key, stamp.now.isoformat(), stamp.until.isoformat(),
                     json.dumps(stamp.counts), stamp.links),
                )  # fmt: skip

    def stories(self) -> dict[str, str]:
        """Story clusters' memo of the last build (site/clusters.py: find_stories)."""
        return dict(self.db.execute("SELECT key, value FROM stories"))

    def save_stories(self, memo: dict[str, str], previous: dict[str, str]) -> None:
        """Keep this build's memo only: rows that differ are written, others dropped."""
        with self.db:
            self.db.executemany(
                "DELETE FROM stories WHERE key = ?", [(k,) for k in previous.keys() - memo.keys()]
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?, ?)",
                [(k, v) for k, v in memo.items() if previous.get(k) != v],
            )

    def close(self) -> None:
        self.db.close()
        self._closed = True
