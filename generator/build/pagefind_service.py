"""Driving `pagefind --service`: one process per index, records in, index files out.

The service is driven directly (base64 JSON messages ended by a comma) rather than through the
`pagefind` package's asyncio client, which waits 0.1 s after each message it reads (17 minutes
for 10,000 articles) and whose write_files returns before the files are on disk. The package
still finds the binary (its `pagefind_bin` dependency ships it).
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from typing import IO, Any

from generator.build.search_filters import result_meta
from generator.core.errors import DigestError, Problem
from generator.core.sanitise import plain_text
from generator.site.catalog import Entry

INDEX = "pagefind"  # the index's folder in the site, and the name its problems are filed under

# What the search page loads; Pagefind's own UIs and its highlighter are left out.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")

# Pagefind's process grows with the text it indexes and with its records (measured: 335 MiB
# for 3,000 records of 4 KB; 483 MiB for 4,700 short scraped records, 0.9 MB of them), so an
# index with more of either is built in parts, each a Pagefind of its own (about 200 MiB).
PART_TEXT = 6_000_000
PART_RECORDS = 2_000


def record(entry: Entry, language: str) -> dict[str, Any]:
    """One Pagefind record: what a result shows (meta) and what it can be filtered by."""
    a = entry.article
    meta = result_meta(entry)
    filters = {"topic": [a.topic]}
    if a.source:
        filters["source"] = [a.source]
    return {
        "type": "AddRecord",
        "url": entry.url,
        "content": f"{a.title}. {plain_text(str(a.body_html))}",
        "language": language,
        "meta": meta,
        "filters": filters,
    }


class Parts:
    """An index's records cut, as they are fed, in parts of at most PART_RECORDS records and
    PART_TEXT characters of text each (a longer record is a part alone), in catalog order
    (newest first): a busy month costs Pagefind bounded memory, and no month's records are
    ever all held at once."""

    def __init__(self, records: Iterable[dict[str, Any]]):
        self._records = iter(records)
        self._next = next(self._records, None)
        self.count = 0  # parts begun

    def more(self) -> bool:
        return self._next is not None

    def next_part(self, urls: list[str]) -> Iterator[dict[str, Any]]:
        """The next part's records (their URLs go in `urls` as they are taken)."""
        self.count += 1
        return self._part(urls)

    def _part(self, urls: list[str]) -> Iterator[dict[str, Any]]:
        size = taken = 0
        while self._next is not None and (
            not size or (size + len(self._next["content"]) <= PART_TEXT and taken < PART_RECORDS)
        ):
            # taken before it is handed over: a reader that stops early never gets it twice
            record, self._next = self._next, next(self._records, None)
            size += len(record["content"]) or 1
            taken += 1
            urls.append(record["url"])
            yield record


def failed(why: str) -> DigestError:
    return DigestError(
        Problem(INDEX, f"search index not built: {why}; the pages are written, and the next "
                "build tries the index again")
    )  # fmt: skip


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
                raise failed("pagefind stopped before it wrote the index")
            self.buffer += chunk
        with memoryview(self.buffer) as view:  # not copied: the last reply is the whole index
            reply = json.loads(base64.b64decode(view[:end]))["payload"]
        del self.buffer[: end + 1]
        self.scanned = 0
        if reply.get("type") == "Error":
            raise failed(f"pagefind refused the index: {reply.get('message')}")
        return reply


def _binary() -> str:
    """Where `pagefind.service.get_executable` looks, in its order (its variable, the extended
    then the plain binary package, the PATH), without importing that module: it loads
    asyncio, 0.07 s of every build that indexes."""
    found = os.environ.get("PAGEFIND_BINARY_PATH")
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        if found:
            break
        try:
            found = str(importlib.import_module(package).get_executable())
        except (ImportError, FileNotFoundError):
            continue
    found = found or shutil.which("pagefind_extended") or shutil.which("pagefind")
    if not found:
        raise failed("the pagefind binary is missing (pip install 'pagefind[bin]')")
    return found


class Indexing:
    """One `pagefind --service` building one index. Records are written from the calling
    thread (bodies come from the build cache's SQLite, which only that thread may use); the
    replies are read on a thread of its own, so they never fill the pipe and stall Pagefind,
    and so the next index can be fed while this one is assembled."""

    def __init__(self, language: str):
        try:
            self.proc = subprocess.Popen(
                [_binary(), "--service"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError as exc:
            raise failed(f"pagefind could not be started ({exc.strerror})") from None
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.replies = self.proc.stdin, _Replies(self.proc.stdout)
        self.outcome: list[DigestError | list[dict[str, str]]] = []
        self.reader = threading.Thread(target=self._drain, daemon=True)
        try:
            self._send(_message(1, {"type": "NewIndex", "config": {"force_language": language}}))
            self.index_id = self.replies.next()["index_id"]
        except BaseException:
            self.close()
            raise

    def _send(self, data: bytes) -> None:
        try:
            self.stdin.write(data)
            self.stdin.flush()
        except BrokenPipeError:
            pass  # it stopped: the replies say why

    def _drain(self) -> None:
        try:
            while (reply := self.replies.next()).get("type") != "GetFiles":
                pass
            self.outcome.append(reply["files"])
        except DigestError as exc:
            self.outcome.append(exc)
        except (ValueError, KeyError):  # not the service this code was written for
            self.outcome.append(failed("pagefind's reply could not be read"))

    def add(self, records: Iterable[dict[str, Any]]) -> None:
        """Hand over every record, then ask for the index; returns before it is assembled."""
        self.reader.start()
        n = 1
        try:
            for n, payload in enumerate(records, start=2):
                self.stdin.write(_message(n, {**payload, "index_id": self.index_id}))
            self.stdin.write(_message(n + 1, {"type": "GetFiles", "index_id": self.index_id}))
            self.stdin.flush()
        except BrokenPipeError:
            pass  # pagefind stopped; the reader says why

    def files(self) -> Iterator[tuple[str, bytes]]:
        """The index's files (path inside the index, bytes), once Pagefind has assembled it,
        each decoded as it is taken and its encoded copy let go (an index is megabytes,
        and two may be in hand at once). Its own WriteFiles answers before the files are on
        disk and it may quit with some still empty (seen under load), so the files are
        asked for and written by digest."""
        self.reader.join()
        self.close()
        outcome = self.outcome.pop()
        if isinstance(outcome, DigestError):
            raise outcome
        outcome.reverse()
        while outcome:
            item = outcome.pop()
            if not item["path"].startswith(UNUSED):
                yield item["path"], base64.b64decode(item["content"])

    def close(self) -> None:
        """Stop the process (idempotent): done, failed or interrupted."""
        self.proc.kill()
        self.proc.wait()
        with contextlib.suppress(BrokenPipeError):  # unsent bytes to a stopped pagefind
            self.stdin.close()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
