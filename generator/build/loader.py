"""content/ → Articles: every file checked, unchanged ones taken from the build cache,
changed ones parsed on all cores."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.build.build_cache import BuildCache, article_from_meta, article_meta, code_digest
from generator.content.article import Article
from generator.content.files import content_stats, read_limited
from generator.core.config import Config
from generator.core.errors import DigestError, Problem
from generator.core.progress import Progress
from generator.core.workers import fork_map

PARALLEL_PARSE = 200  # below this many changed files, forking workers costs more than it saves


# How workers parse a file: parse_article with the site's settings, the size limit, whether
# the cache is on, and the salt of content keys.
_ParseState = tuple[Callable[[Path, bytes], Article], int, bool, str]
_Parsed = DigestError | tuple[str, str, Article] | tuple[str, str, bytes, str]


class ArticleMemo:
    """The Articles of the last build by file and content key, for a process that builds
    again (the preview): an unchanged file's Article is taken as it was instead of being
    rebuilt from its cached metadata (a tenth of a second per 10,000 articles a save), and
    its file is checked against the stat it had then instead of against the cache's rows,
    which are read with every file's metadata (another tenth of a second)."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], Article] = {}
        self._rows: dict[str, tuple[str, int, int]] = {}  # file → (content key, size, mtime)
        self._cache: Path | None = None  # whose bodies the kept articles read
        self._sealed: tuple[int, bytes] | None = None  # the cache as the last build left it

    def lookup(self, cache: BuildCache) -> Callable[[str, str], Article | None]:
        """get(file, content key) for a build with `cache` (another cache: nothing kept)."""
        kept = self._kept if cache.path == self._cache else {}
        return lambda name, key: kept.get((name, key))

    def rows(self, cache: BuildCache) -> dict[str, tuple[str, int, int]] | None:
        """The kept files' content keys and stats, as the cache had them when they were kept:
        a file with the same stat has its kept Article. None unless the cache is the one the
        last build completed with, untouched since (another process's build may have
        changed its rows, and let go of the bodies the kept articles read)."""
        if cache.path != self._cache or self._sealed is None:
            return None
        return self._rows if self._sealed == _version(cache.path) else None

    def seal(self, cache: BuildCache) -> None:
        """The build that kept these articles completed: note the cache as it left it."""
        if cache.path == self._cache:
            self._sealed = _version(cache.path)

    def keep(self, loaded: Loaded, cache: BuildCache, scanned: Scanned) -> None:
        """Remember this build's articles only (an edited file's old Article is let go)."""
        names = {str(a.source_path): a for a in loaded.articles}
        self._kept = {(n, k): names[n] for n, k in loaded.keys.items() if n in names}
        stats = scanned.stats
        self._rows = {n: (k, *stats[n]) for n, k in loaded.keys.items() if n in names}
        self._cache, self._sealed = cache.path, None


def _version(database: Path) -> tuple[int, bytes] | None:
    """Which state an SQLite file is in: its inode and the change counter of its header,
    which every write transaction of any process moves (rollback journal mode)."""
    try:
        with open(database, "rb") as db:
            return os.fstat(db.fileno()).st_ino, db.read(28)[24:28]
    except OSError:
        return None


def content_key(salt: str, data: bytes) -> str:
    """What the cache knows a content file by: its bytes and what else decides its Article."""
    return f"{salt}-{hashlib.sha256(data).hexdigest()}"


def _parse_one(state: _ParseState, item: tuple[str, str, bytes | None]) -> _Parsed:
    """DigestError, or (name, key, article) uncached, or (name, key, metadata, body) to cache:
    flat values cross the process boundary faster than an Article, and the parent, which
    shares two cores with the workers, has less to do. A file the cache has never seen is
    read here rather than by the scan, so a cold build never holds every file's bytes."""
    parse, max_bytes, cached, salt = state
    name, path, data = item
    try:
        if data is None:
            data = read_limited(path, max_bytes)
        article = parse(Path(name), data)
    except OSError as exc:
        return DigestError([Problem(name, f"cannot be read: {exc.strerror}")])
    except DigestError as exc:
        return exc
    key = content_key(salt, data)
    meta = article_meta(article) if cached else None
    if meta is None:
        return name, key, article
    return name, key, meta, str(article.body_html)


@dataclass
class Loaded:
    articles: list[Article]
    problems: list[Problem]
    keys: dict[str, str]  # source path → content key
    parsed: int = 0  # files parsed, not taken from the cache


def _content_salt(config: Config) -> str:
    """What besides a file's bytes decides its Article: digest's code and two settings."""
    text = f"{code_digest()}|{config.timezone}|{config.build.max_article_bytes}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Scanned:
    """content/ as stat and the cache see it, before any article is built: enough to tell
    whether anything changed at all."""

    salt: str  # what besides a file's bytes goes into its content key
    # (file, content key, article metadata) cached; no metadata: its Article is kept (memo)
    cached: list[tuple[str, str, bytes | None]]
    # files to parse: path, its bytes when the scan had to read them (None: unread), and
    # its (size, mtime_ns)
    todo: dict[str, tuple[str, bytes | None, tuple[int, int]]]
    problems: list[Problem]
    # each changed file of `todo` that the cache knew: its former (content key, metadata)
    before: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # every file's (size, mtime)


def _stats(
    folder: Path, seen: Mapping[str, tuple[int, int]] | None
) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each content file's path and (size, mtime_ns): from `seen` when given (content_stats,
    as an import that ran just before found and left them), else walked here."""
    base = f"{folder}{os.sep}"
    stats = content_stats(folder) if seen is None else seen
    for rel in sorted(stats):
        mtime, size = stats[rel]
        yield base + rel.replace("/", os.sep), (size, mtime)


def scan_content(
    config: Config,
    cache: BuildCache | None,
    seen: Mapping[str, tuple[int, int]] | None = None,
    memo: ArticleMemo | None = None,
) -> Scanned:
    """Every file under content/, checked against the cache; `seen`: the files and stats an
    import that ran just before found and left (see _stats), so they are not walked twice;
    `memo`: the last build's articles in this process, whose files are checked against the
    stats they had then (another file's row is read from the cache alone).

    A file whose size and mtime match the cache row is not even read (as git does);
    otherwise its bytes are hashed and only a changed hash is parsed again.
    """
    salt = _content_salt(config)
    held = memo.rows(cache) if memo is not None and cache is not None else None
    known = cache.rows() if cache is not None and held is None else {}
    root = str(config.root.resolve()) + os.sep
    scanned = Scanned(salt, [], {}, [])
    for path, stat in _stats(config.path("content"), seen):
        name = path[len(root) :] if path.startswith(root) else path  # shown in messages
        scanned.stats[name] = stat
        try:
            if held is not None:
                kept = held.get(name)
                if kept is not None and kept[1:] == stat and kept[0].startswith(salt):
                    scanned.cached.append((name, kept[0], None))  # its Article is kept
                    continue
                assert cache is not None
                row = cache.row(name)
            else:
                row = known.get(name)
            fresh = row is not None and row[0].startswith(salt)
            if row is None:  # new to the cache: read when parsed (a cold build: every file)
                scanned.todo[name] = (path, None, stat)
                continue
            if not (fresh and row[1:3] == stat):
                data = read_limited(path, config.build.max_article_bytes)
                key = content_key(salt, data)
                if cache is None or row[0] != key:
                    scanned.todo[name] = (path, data, stat)
                    scanned.before[name] = (row[0], row[3])
                    continue
                cache.touch(name, key, stat, row[3])
        except OSError as exc:
            scanned.problems.append(Problem(name, f"cannot be read: {exc.strerror}"))
            continue
        assert row is not None  # rows come only from a cache
        scanned.cached.append((name, row[0], row[3]))
    return scanned


def load_articles(
    config: Config,
    cache: BuildCache | None,
    jobs: int,
    progress: Progress | None = None,
    scanned: Scanned | None = None,
    memo: ArticleMemo | None = None,
) -> Loaded:
    """Every article under content/ and every problem; unchanged files come from `memo`
    (the last build's, in this process) or the cache."""
    if scanned is None:
        scanned = scan_content(config, cache)
    loaded = Loaded([], list(scanned.problems), {})
    if scanned.cached:
        assert cache is not None
        kept = memo.lookup(cache) if memo is not None else lambda name, key: None
        for name, key, meta in scanned.cached:
            article = kept(name, key)
            if article is None:
                if meta is None:  # a kept file's row, if the memo changed hands meanwhile
                    meta = cache.row(name)[3]  # type: ignore[index]
                article = article_from_meta(meta, cache.lazy_body(key))
            loaded.articles.append(article)
            loaded.keys[name] = key
    todo = scanned.todo
    items = [(name, path, data) for name, (path, data, _stat) in todo.items()]
    if not items:
        return _finished(loaded, cache, memo, scanned)
    # Imported here, before workers fork, so they inherit them: YAML and Markdown are loaded
    # only by a build that parses a file.
    from generator.content.front_matter import parse_article
    from generator.content.markup import MarkdownRenderer

    max_bytes = config.build.max_article_bytes
    parse = partial(
        parse_article, tz=config.tz, render=MarkdownRenderer().render, max_bytes=max_bytes
    )
    state: _ParseState = (parse, max_bytes, cache is not None, scanned.salt)
    loaded.parsed = len(items)
    jobs = jobs if len(items) > PARALLEL_PARSE else 1
    for n, result in enumerate(fork_map(_parse_one, state, items, jobs), start=1):
        if isinstance(result, DigestError):
            loaded.problems.extend(result.problems)
        else:
            name, key = result[0], result[1]
            stat = todo[name][2]
            if len(result) == 4:  # the body moves to the cache; memory keeps only metadata
                assert cache is not None
                cache.store(name, key, stat, result[2], result[3])
                article = article_from_meta(result[2], cache.lazy_body(key))
            else:
                article = result[2]
            loaded.articles.append(article)
            loaded.keys[name] = key
        if progress and n % 100 == 0:
            progress("parse", n, len(items))
    return _finished(loaded, cache, memo, scanned)


def _finished(
    loaded: Loaded, cache: BuildCache | None, memo: ArticleMemo | None, scanned: Scanned
) -> Loaded:
    if memo is not None and cache is not None:
        memo.keep(loaded, cache, scanned)
    if cache is not None:
        cache.forget_except(set(loaded.keys))  # commits, so render workers see new bodies
    loaded.problems.sort(key=lambda p: str(p.path))
    return loaded


def resolve_duplicates(articles: list[Article]) -> tuple[list[Article], list[Problem]]:
    """Two files with one id are one story saved twice: the site shows the more recently
    updated one (on a tie, the first by path) and a warning names both files."""
    if len({a.id for a in articles}) == len(articles):
        return articles, []  # the usual case: no grouping, no sorting of 40,000 paths
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.id, []).append(a)
    dropped: set[int] = set()
    warnings = []
    for same in groups.values():
        if len(same) < 2:
            continue
        same.sort(key=lambda a: str(a.source_path))
        winner = max(same, key=lambda a: a.modified)  # the first of equals wins
        for a in same:
            if a is winner:
                continue
            dropped.add(id(a))
            why = "updated more recently" if winner.modified > a.modified else "first by name"
            warnings.append(
                Problem(a.source_path, f"has the same id {a.id!r} as {winner.source_path} (the "
                        f"same story twice); the site shows {winner.source_path} ({why}); delete "
                        "one of them or give this one another id", field="id")
            )  # fmt: skip
    warnings.sort(key=lambda p: str(p.path))
    return [a for a in articles if id(a) not in dropped], warnings
