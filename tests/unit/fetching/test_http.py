"""The polite client against a real server on 127.0.0.1: what it sends, how it waits,
how it gives up, and the message each failure gets."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from generator import __version__
from generator.core.config import Fetch
from generator.fetching.http import FetchError, PoliteClient
from generator.fetching.robots import Robots, crawl_delay
from tests.support.feed_server import feed_server
from tests.support.sites import CLOCK

SITE = "https://me.github.io/news/"


def _client(**settings) -> PoliteClient:
    return PoliteClient(Fetch(**{"delay": 0.0, "retries": 0, **settings}), SITE, CLOCK)


def _error(client: PoliteClient, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        client.get(url)
    return str(caught.value)


def test_user_agent_names_digest_and_the_site_and_gzip_is_decoded():
    with feed_server() as server:
        client = _client()
        response = client.get(server.base + "rss.xml")
        client.close()
        hit = server.requests("/rss.xml")[0]
    assert hit.headers["User-Agent"] == f"digest/{__version__} (news digest; +{SITE})"
    assert "gzip" in hit.headers["Accept-Encoding"]
    assert response.status == 200 and response.body.startswith(b"<?xml")
    assert response.content_type == "application/rss+xml"


def test_retry_after_is_honoured_then_the_feed_arrives():
    with feed_server() as server:
        response = _client(retries=2).get(server.base + "flaky")
        assert [h.status for h in server.requests("/flaky")] == [503, 200]
    assert b"Harbour Radio" in response.body


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [
        ("7", 7.0),
        ("Thu, 01 Jan 2026 00:00:32 GMT", 12.0),  # the answer came 20 s into the run
        ("Wed, 31 Dec 2025 23:00:00 GMT", 0.0),  # already past
        ("soon", 0.1),  # unreadable: our own backoff
    ],
)
def test_retry_after_in_seconds_or_as_a_date_against_the_run_clock(retry_after, waited):
    """The date form is measured from the `now` the caller passed plus the monotonic time
    since, never from the machine's wall clock (CLOCK is years away from it)."""
    slept: list[float] = []
    ticks = itertools.count(0.0, 10.0)  # the client's monotonic clock: 10 s a reading
    with feed_server() as server:
        replies = iter([(503, {"Retry-After": retry_after}, b""), (200, {}, b"fine")])
        server.routes["/later"] = lambda: next(replies)
        client = PoliteClient(
            Fetch(delay=0.0, retries=1), SITE, CLOCK, sleep=slept.append,
            clock=lambda: next(ticks),
        )  # fmt: skip
        assert client.get(server.base + "later").body == b"fine"
        client.close()
    assert slept == [waited]


def test_each_failure_gets_its_message():
    with feed_server() as server:
        server.routes["/busy"] = lambda: (429, {"Retry-After": "3600"}, b"")
        client = _client(retries=1, timeout=0.5, max_bytes=1000)
        assert _error(client, server.base + "status/404") == (
            "not found (HTTP 404); the address has moved or is gone: look for it on the site"
        )
        assert _error(client, server.base + "status/500") == (
            "server error (HTTP 500, 2 tries); try again later"
        )
        assert len(server.requests("/status/500")) == 2  # bounded: retries + 1
        assert _error(client, server.base + "busy") == (
            "too many requests (HTTP 429, 1 try); raise [fetch] delay or try later"
        )  # an hour's Retry-After is left for the next run
        assert _error(client, server.base + "status/403") == (
            "refused (HTTP 403); the site does not let digest read it"
        )
        assert _error(client, server.base + "status/400") == (
            "failed with HTTP 400; check the address"
        )
        assert _error(client, server.base + "slow") == (
            "timed out after 0.5 s (2 tries); try again later, or raise [fetch] timeout"
        )
        assert _error(client, server.base + "huge") == (
            "is larger than 1,000 bytes; raise [fetch] max_bytes if it is really a feed "
            "or an article"
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    assert _error(_client(), f"http://127.0.0.1:{port}/rss.xml") == (
        "cannot be reached (connection refused); check the address, "
        "or try again later if the site is down"
    )


def test_requests_to_one_host_are_spaced_by_the_delay():
    with feed_server() as server:
        client = _client(delay=0.2, connections_per_host=2)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(client.get, [server.base + "rss.xml"] * 5))
        times = sorted(h.at for h in server.requests("/rss.xml"))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Server-side arrival times jitter on a loaded machine; the client's spacing shows in
    # the whole span (4 gaps of 0.2 s) and in no gap being near zero.
    assert len(times) == 5 and times[-1] - times[0] >= 0.75 and min(gaps) >= 0.1, gaps


def test_at_most_connections_per_host_requests_in_flight():
    active, peak, lock = 0, 0, threading.Lock()

    def slow_page():
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.3)
        with lock:
            active -= 1
        return 200, {"Content-Type": "text/html"}, b"<p>x</p>"

    with feed_server() as server:
        server.routes["/page"] = slow_page
        client = _client(connections_per_host=2)
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(client.get, [server.base + "page"] * 6))
    assert peak == 2


def test_robots_txt_is_read_once_and_a_longer_crawl_delay_wins():
    robots_txt = b"User-agent: *\nCrawl-delay: 5\n\nUser-agent: digest\nDisallow: /private/\nCrawl-delay: 0.4\n"
    with feed_server() as server:
        server.routes["/robots.txt"] = lambda: (200, {"Content-Type": "text/plain"}, robots_txt)
        client = _client(delay=0.05)
        robots = Robots(client)
        assert not robots.allowed(server.base + "private/memo.html")
        assert robots.allowed(server.base + "valley/school-opens.html")
        client.get(server.base + "rss.xml")
        client.get(server.base + "atom.xml")
        assert len(server.requests("/robots.txt")) == 1
        hits = [h for h in server.hits if h.path != "/robots.txt"]
    assert 0.35 <= hits[1].at - hits[0].at < 3  # digest's own group wins over '*' (5 s)


def test_missing_robots_allows_and_a_broken_one_forbids():
    with feed_server() as server:
        assert Robots(_client()).allowed(server.base + "anything.html")  # 404: no rules
        server.routes["/robots.txt"] = lambda: (500, {}, b"")
        assert not Robots(_client()).allowed(server.base + "anything.html")


def test_redirects_are_followed_hop_by_hop_and_a_loop_is_named():
    with feed_server() as server:
        server.routes["/old-feed"] = lambda: (301, {"Location": "/moved"}, b"")
        server.routes["/moved"] = lambda: (302, {"Location": server.base + "atom.xml"}, b"")
        server.routes["/loop"] = lambda: (302, {"Location": "/loop"}, b"")
        server.routes["/ftp"] = lambda: (302, {"Location": "ftp://x.example/f"}, b"")
        client = _client()
        response = client.get(server.base + "old-feed")
        assert response.url == server.base + "atom.xml" and b"Northern Ledger" in response.body
        assert response.moved == server.base + "moved"  # the 302 after it is not permanent
        assert [h.path for h in server.hits] == ["/old-feed", "/moved", "/atom.xml"]
        assert _error(client, server.base + "loop") == (
            "redirects more than 10 times; check the address"
        )
        assert len(server.requests("/loop")) == 11
        assert _error(client, server.base + "ftp") == (
            "redirects to ftp://x.example/f, which is not an http(s) address"
        )


def test_crawl_delay_is_read_for_digest_else_for_everyone():
    assert crawl_delay(["User-agent: *", "Crawl-delay: 2.5"]) == 2.5
    assert crawl_delay(["User-agent: other", "Crawl-delay: 9", "", "User-agent: *",
                        "Disallow: /x", "Crawl-delay: 1 # be gentle"]) == 1.0  # fmt: skip
    assert crawl_delay(["User-agent: Digest", "User-agent: b", "Crawl-delay: 3"]) == 3.0
    assert crawl_delay(["User-agent: *", "Crawl-delay: soon"]) is None
    assert crawl_delay(["Crawl-delay: 4"]) is None  # outside any group
