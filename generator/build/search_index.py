"""Search: a Pagefind index of every listed article in `<site>/pagefind/`, the last build stage.

Records are handed to Pagefind straight from the catalog (title, plain body text, topic and
source filters), so no page is parsed again. Pagefind cannot update an index in place, so a
changed article means a new index; an unchanged set of articles (same URLs, same files, same
code) means no search work at all: a stamp inside the index folder names what it was built from.

Crash safety: the index is written into a hidden folder beside the site, stamped, then renamed
into place (the old one renamed away first and deleted by a detached process). A build killed
at any moment leaves the old index, or none for the instant between the two renames, never a
half-written one; the next build finds the stamp missing or different and indexes again.

The Pagefind service is driven directly (`pagefind --service`, base64 JSON messages ended by a
comma) rather than through the `pagefind` package's asyncio client, which waits 0.1 s after
each message it reads (17 minutes for 10,000 articles) and whose write_files returns before the
files are on disk. The package still finds the binary (its `pagefind_bin` dependency ships it).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from generator.build.render import datefmt
from generator.build.writer import DETACHED_DELETE, delete_detached, safe_relpath
from generator.core.errors import DigestError, Problem
from generator.core.sanitise import plain_text
from generator.site.catalog import Entry

INDEX = "pagefind"  # the index's folder in the site; the search page loads pagefind.js from it
STAMP = "digest-index.txt"  # inside it: the digest of what it was built from


def index_digest(entries: Iterable[Entry], keys: dict[str, str], salt: str) -> str:
    """What an index is built from: every article's URL, file content key and local time,
    plus `salt` (digest's code, the site's language). Cheap: no article body is read."""
    digest = hashlib.sha256(salt.encode())
    for e in entries:
        digest.update(f"{e.url}\0{keys.get(e.article.id, '')}\0{e.local.isoformat()}\n".encode())
    return digest.hexdigest()


def record(entry: Entry, language: str) -> dict[str, Any]:
    """One Pagefind record: what a result shows (meta) and what it can be filtered by."""
    a = entry.article
    meta = {
        "title": a.title,
        "date": datefmt(entry.local, "day"),
        "datetime": entry.local.isoformat(),
        "topic": a.topic,
    }
    filters = {"topic": [a.topic]}
    if a.source:
        meta["source"] = a.source
        filters["source"] = [a.source]
    return {
        "type": "AddRecord",
        "url": entry.url,
        "content": f"{a.title}. {plain_text(str(a.body_html))}",
        "language": language,
        "meta": meta,
        "filters": filters,
        "sort": {"date": meta["datetime"]},
    }


def read_stamp(output: Path) -> str | None:
    try:
        return (output / INDEX / STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def update_search_index(
    output: Path, entries: Sequence[Entry], keys: dict[str, str], language: str, salt: str
) -> int | None:
    """Index `entries` into `output/pagefind/` unless the index there was built from exactly
    these; returns the number of records indexed, None when nothing needed doing."""
    stamp = index_digest(entries, keys, f"{salt}|{language}")
    live = output / INDEX
    if not entries:  # nothing to find: no index, and the search page says so
        if live.exists():
            _retire(output, live, DETACHED_DELETE)  # its size is unknown: maybe thousands
            return 0
        return None
    if read_stamp(output) == stamp:
        return None
    fresh = output.parent / f".{output.name}.search-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        _run_pagefind((record(e, language) for e in entries), language, fresh)
        (fresh / STAMP).write_text(stamp + "\n", encoding="utf-8")
        if live.exists():
            _keep_unchanged(live, fresh)
            _retire(output, live, len(entries))
        os.rename(fresh, live)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return len(entries)


def _keep_unchanged(live: Path, fresh: Path) -> None:
    """Move each old index file whose bytes the new index repeats into the new index, so
    an unchanged file keeps its mtime (mirrors and the daily loop see only real changes)."""
    for root, _dirs, names in os.walk(fresh):
        for name in names:
            new = Path(root, name)
            old = live / new.relative_to(fresh)
            try:
                same = old.stat().st_size == new.stat().st_size and (
                    old.read_bytes() == new.read_bytes()
                )
            except OSError:
                continue
            if same:
                os.replace(old, new)


def _retire(output: Path, folder: Path, size: int) -> None:
    """Move an old index of about `size` articles out of the site at once; a big one (a file
    per article) is deleted by a detached process, as the writer does with replaced pages."""
    trash = output.parent / f".{output.name}.trash-search-{os.getpid()}-{time.time_ns()}"
    os.rename(folder, trash)
    if size < DETACHED_DELETE:
        shutil.rmtree(trash, ignore_errors=True)
    else:
        delete_detached(trash)


def _message(number: int, payload: dict[str, Any]) -> bytes:
    text = json.dumps({"message_id": number, "payload": payload}, ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")) + b","


class _Replies:
    """Pagefind's replies, one at a time, from its stdout (the last one holds the whole index)."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.buffer, self.scanned = stream, bytearray(), 0

    def next(self) -> dict[str, Any]:
        while (end := self.buffer.find(b",", self.scanned)) < 0:
            self.scanned = len(self.buffer)
            chunk = self.stream.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                raise _failed("pagefind stopped before it wrote the index")
            self.buffer += chunk
        text = bytes(self.buffer[:end])
        del self.buffer[: end + 1]
        self.scanned = 0
        reply = json.loads(base64.b64decode(text))["payload"]
        if reply.get("type") == "Error":
            raise _failed(f"pagefind refused the index: {reply.get('message')}")
        return reply


def _failed(why: str) -> DigestError:
    return DigestError(
        Problem(INDEX, f"search index not built: {why}; the pages are written, and the next "
                "build tries the index again")
    )  # fmt: skip


def _binary() -> str:
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = None
    else:
        found = get_executable()
    if found is None:
        raise _failed("the pagefind binary is missing (pip install 'pagefind[bin]')")
    return str(found)


# What the search page loads; Pagefind's own UIs and its highlighter are left out.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


def _run_pagefind(records: Iterable[dict[str, Any]], language: str, folder: Path) -> None:
    """Feed every record to one `pagefind --service`, then write the index it returns into
    `folder`. Its own WriteFiles answers before the files are on disk and it may quit with
    some still empty (seen under load), so the files are asked for and written here."""
    try:
        proc = subprocess.Popen(
            [_binary(), "--service"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError as exc:
        raise _failed(f"pagefind could not be started ({exc.strerror})") from None
    assert proc.stdin is not None and proc.stdout is not None
    try:
        replies = _Replies(proc.stdout)
        try:
            proc.stdin.write(
                _message(1, {"type": "NewIndex", "config": {"force_language": language}})
            )
            proc.stdin.flush()
        except BrokenPipeError:
            pass  # it stopped at once: the reply below says so
        index_id = replies.next()["index_id"]
        outcome: list[DigestError | list[dict[str, str]]] = []

        def drain() -> None:  # a thread, so Pagefind's replies never fill the pipe and stall it
            try:
                while (reply := replies.next()).get("type") != "GetFiles":
                    pass
                outcome.append(reply["files"])
            except DigestError as exc:
                outcome.append(exc)
            except (ValueError, KeyError):  # not the service this code was written for
                outcome.append(_failed("pagefind's reply could not be read"))

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:  # bodies come from the build cache's SQLite, which only this thread may use
            n = 1
            for n, payload in enumerate(records, start=2):
                proc.stdin.write(_message(n, {**payload, "index_id": index_id}))
            proc.stdin.write(_message(n + 1, {"type": "GetFiles", "index_id": index_id}))
            proc.stdin.flush()
        except BrokenPipeError:
            pass  # pagefind stopped; the reader says why
        reader.join()
    finally:
        proc.kill()
        proc.wait()
        with contextlib.suppress(BrokenPipeError):  # unsent bytes to a stopped pagefind
            proc.stdin.close()
        proc.stdout.close()
    if isinstance(outcome[0], DigestError):
        raise outcome[0]
    for item in outcome[0]:
        rel = item["path"]
        if rel.startswith(UNUSED):
            continue
        target = folder / safe_relpath(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(item["content"]))
