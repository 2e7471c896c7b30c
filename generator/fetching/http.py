"""A polite HTTP client: one User-Agent naming digest and the site, at most
`connections_per_host` requests in flight and `delay` seconds between request starts per
host (a larger robots.txt Crawl-delay wins), timeouts, bounded retries with backoff on
5xx and 429 (honouring Retry-After), a size limit per response, gzip and redirects.

Failures are `FetchError`s whose message says what went wrong and what to do; the
fetcher reports them as one line each and goes on.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import httpx

from generator import __version__
from generator.core.config import Fetch

MAX_REDIRECTS = 10
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is tried on the next run
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A request that failed; the message is the reason and what to do, for the user."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # the HTTP status, when the server answered


class Disallowed(FetchError):
    """A redirect to a page robots.txt does not let digest read."""

    def __init__(self, url: str):
        super().__init__(f"redirects to {url}, which robots.txt disallows for digest")
        self.url = url


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    moved: str | None = None  # the new address, when the URL asked for redirects permanently

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def user_agent(site_url: str) -> str:
    """Who is asking and where to find them, as site owners expect from a crawler."""
    return f"digest/{__version__} (news digest; +{site_url})"


@dataclass
class _Host:
    """One host's gate: a connection limit and the earliest time of its next request."""

    slots: threading.Semaphore
    delay: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0


class PoliteClient:
    """`now` is the run's wall-clock time as the caller read it (the CLI); later wall-clock
    times, for a Retry-After given as a date, are it plus the monotonic time since."""

    def __init__(
        self,
        settings: Fetch,
        site_url: str,
        now: dt.datetime,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self.agent = user_agent(site_url)
        self._sleep = sleep
        self._clock = clock
        self._started = (now, clock())
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._client = httpx.Client(
            headers={"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # followed in get(), each hop through its host's gate
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=32),
        )

    def close(self) -> None:
        self._client.close()

    def host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            gate = self._hosts.get(key)
            if gate is None:
                gate = _Host(threading.Semaphore(self.settings.connections_per_host),
                             self.settings.delay)  # fmt: skip
                self._hosts[key] = gate
            return gate

    def slow_down(self, url: str, seconds: float) -> None:
        """A host's robots.txt asks for more time between requests than [fetch] delay."""
        gate = self.host(url)
        with gate.lock:
            gate.delay = max(gate.delay, seconds)

    def get(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        allowed: Callable[[str], bool] | None = None,
    ) -> Response:
        """GET `url`, following redirects ourselves so that every hop waits its own host's
        turn and, with `allowed` (robots.txt), goes nowhere it may not. A 304 is a
        `Response` too; any other status of 400 or more is a `FetchError`."""
        moved: str | None = None  # where permanent redirects from the start lead
        permanent = True
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._get_once(url, headers or {})
            location = response.headers.get("location")
            if response.status not in _REDIRECTS or not location:
                return replace(response, moved=moved) if moved else response
            url = urljoin(url, location.strip())
            permanent = permanent and response.status in (301, 308)
            if permanent:
                moved = url
            if urlsplit(url).scheme not in ("http", "https"):
                raise FetchError(f"redirects to {url}, which is not an http(s) address")
            if allowed is not None and not allowed(url):
                raise Disallowed(url)
        raise FetchError(f"redirects more than {MAX_REDIRECTS} times; check the address")

    def _get_once(self, url: str, headers: Mapping[str, str]) -> Response:
        """One URL, retrying 5xx, 429 and network failures a bounded number of times."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._once(url, headers)
            except httpx.TimeoutException:
                if last:
                    raise FetchError(
                        f"timed out after {self.settings.timeout:g} s ({_tries(attempts)}); "
                        "try again later, or raise [fetch] timeout"
                    ) from None
                self._sleep(self._backoff(attempt))
                continue
            except httpx.RequestError as exc:
                if last:
                    raise FetchError(
                        f"cannot be reached ({_reason(exc)}); check the address, "
                        "or try again later if the site is down"
                    ) from None
                self._sleep(self._backoff(attempt))
                continue
            if response.status in _RETRY_STATUS:
                wait = _retry_after(
                    response.headers.get("retry-after"), self._backoff(attempt), self._now()
                )
                if last or wait > MAX_RETRY_AFTER:
                    raise FetchError(_status_message(response.status, attempt + 1), response.status)
                self._sleep(wait)
                continue
            if response.status >= 400:
                raise FetchError(_status_message(response.status, attempt + 1), response.status)
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    def _now(self) -> dt.datetime:
        now, at = self._started
        return now + dt.timedelta(seconds=self._clock() - at)

    def _backoff(self, attempt: int) -> float:
        return max(0.1, self.settings.delay) * 2**attempt

    def _once(self, url: str, headers: Mapping[str, str]) -> Response:
        gate = self.host(url)
        with gate.slots:
            with gate.lock:
                now = self._clock()
                start = max(now, gate.next_start)
                gate.next_start = start + gate.delay
            if start > now:
                self._sleep(start - now)
            with self._client.stream("GET", url, headers=dict(headers)) as reply:
                body = b""
                if reply.status_code == 200:
                    body = self._read(reply)
                return Response(str(reply.url), reply.status_code, dict(reply.headers), body)

    def _read(self, reply: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        too_big = FetchError(
            f"is larger than {limit:,} bytes; raise [fetch] max_bytes if it is really a feed "
            "or an article"
        )
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and "content-encoding" not in reply.headers:
            raise too_big
        chunks, size = [], 0
        for chunk in reply.iter_bytes():  # decompressed: the limit also stops gzip bombs
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)


def _retry_after(value: str | None, default: float, now: dt.datetime) -> float:
    """Seconds to wait: Retry-After as seconds or an HTTP date (less `now`), else our own
    backoff."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:  # '-0000': a date in UTC, says RFC 5322
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _status_message(status: int, tries: int) -> str:
    if status in (404, 410):
        return (
            f"not found (HTTP {status}); the address has moved or is gone: look for it on the site"
        )
    if status == 429:
        return f"too many requests (HTTP 429, {_tries(tries)}); raise [fetch] delay or try later"
    if status >= 500:
        return f"server error (HTTP {status}, {_tries(tries)}); try again later"
    if status in (401, 403):
        return f"refused (HTTP {status}); the site does not let digest read it"
    return f"failed with HTTP {status}; check the address"


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


def _reason(exc: httpx.RequestError) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "no such host"
    if "Connection refused" in text:
        return "connection refused"
    return text.splitlines()[0][:120]
