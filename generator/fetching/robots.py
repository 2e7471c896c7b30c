"""robots.txt for article pages: read once per host per run, through the same polite
client. Its Crawl-delay for us, when longer than [fetch] delay, becomes the host's delay.

As RFC 9309 says: no robots.txt (4xx) allows everything; a server error while reading it
(5xx, unreachable) disallows everything for this run.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from generator.fetching.http import FetchError, PoliteClient

AGENT = "digest"


class Robots:
    def __init__(self, client: PoliteClient):
        self.client = client
        self._rules: dict[str, RobotFileParser | bool] = {}
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}

    def allowed(self, url: str) -> bool:
        rules = self._for(url)
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(AGENT, url)

    def _for(self, url: str) -> RobotFileParser | bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            host_lock = self._host_locks.setdefault(origin, threading.Lock())
        with host_lock:  # one download per host, however many pages wait for it
            if origin not in self._rules:
                self._rules[origin] = self._read(origin)
            return self._rules[origin]

    def _read(self, origin: str) -> RobotFileParser | bool:
        try:
            response = self.client.get(f"{origin}/robots.txt")
        except FetchError as exc:
            status = exc.status or 0
            return 400 <= status < 500 and status != 429
        lines = response.body.decode("utf-8", "replace").splitlines()
        parser = RobotFileParser()
        parser.parse(lines)
        delay = crawl_delay(lines)
        if delay:
            self.client.slow_down(origin + "/", delay)
        return parser


def crawl_delay(lines: list[str]) -> float | None:
    """Crawl-delay for digest (its own group first, else '*'), in seconds; fractions too,
    which Python's robotparser ignores."""
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in lines:
        key, _, value = raw.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key:
            in_rules = True
            if key == "crawl-delay":
                try:
                    seconds = float(value)
                except ValueError:
                    continue
                for agent in agents:
                    delays.setdefault(agent, seconds)
    found = delays.get(AGENT, delays.get("*"))
    return found if found is not None and 0 < found < 3600 else None
