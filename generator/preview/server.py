"""`digest serve`: build into a preview folder, serve it at the site's real sub-path, and
reload the browser when a rebuild finishes. The `livereload` package lives behind this module.

From livereload we use the browser side: its vendored livereload.js, its websocket
handshake, its script-injecting output transform and its never-304 file handler. Its
Server and watcher we do not use, because they cannot meet the preview's promises:
they rebuild once per changed file and drop reloads that come within 3 s of the last
one (see watcher.py), serve only at '/', answer traversal with 403, run the build on the
thread that serves pages, and keep browser connections on class attributes shared by
every server in the process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import json
import os
import signal
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError

from generator.core.config import load_config
from generator.core.errors import ConfigError, Problem
from generator.preview.rebuild import Echo, Preview, ServeOptions, error_page
from generator.preview.watcher import Watcher

PORT_TRIES = 20


# Loads livereload.js from this server, whatever host name the browser used.
_LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var p=window.location.port||(window.location.protocol=="https:"?443:80);'
    b's.src="//"+window.location.hostname+":"+p+"/livereload.js?port="+p;'
    b"document.head.appendChild(s);})();</script>"
)


class _Hub:
    """The browsers connected to one server (livereload keeps them on a class attribute)."""

    def __init__(self) -> None:
        self.sockets: set[LiveReloadHandler] = set()

    def reload(self) -> None:
        message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
        for sock in list(self.sockets):
            try:
                sock.write_message(message)
            except WebSocketClosedError:
                self.sockets.discard(sock)


class _ReloadSocket(LiveReloadHandler):
    """livereload's handshake, with the connected browsers kept on this server's hub."""

    def initialize(self, hub: _Hub) -> None:
        self.hub = hub

    def on_message(self, message: str | bytes) -> None:
        if json.loads(message).get("command") == "info":
            self.hub.sockets.add(self)
        else:
            super().on_message(message)

    def on_close(self) -> None:
        self.hub.sockets.discard(self)


class _Injector(LiveScriptInjector):
    script = _LIVE_SCRIPT


def _is_page(rel: str) -> bool:
    """Would this URL show an HTML page (so a failed build should show the error instead)?"""
    name = rel.rsplit("/", 1)[-1]
    return name == "" or name.endswith(".html") or "." not in name


class _PreviewFiles(StaticFileHandler):
    """The preview folder under the site's base path; anything outside it is a 404."""

    def initialize(self, preview: Preview) -> None:
        super().initialize(path=str(preview.folder), default_filename="index.html")
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> None:
        return None  # tornado caches ETags per path for good: an edited page could get a 304

    async def get(self, path: str, include_body: bool = True) -> None:
        state = self.preview.state
        url = "/" + path
        if "\0" in url or "\\" in url or ".." in url.split("/"):
            raise web.HTTPError(404)
        if not url.startswith(state.base_path):
            if url in ("/", state.base_path.rstrip("/")):
                self.redirect(state.base_path)
                return
            raise web.HTTPError(404)
        rel = url[len(state.base_path) :]
        if state.problems and _is_page(rel):
            self.set_status(500)
            self.finish(error_page(state.problems))
            return
        try:
            await super().get(rel, include_body)
        except web.HTTPError as exc:
            if exc.status_code == 403:  # tornado's "outside the root": no hint it exists
                raise web.HTTPError(404) from None
            raise

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        """Symlinks leading out of the preview are 404s."""
        real_root = os.path.realpath(root)
        real = os.path.realpath(absolute_path)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise web.HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Like GitHub Pages: a missing page shows the site's own 404.html."""
        page = Path(self.root) / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(page.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


def bind(port: int, host: str, echo: Echo) -> tuple[list[socket.socket], int]:
    """Listen on `port`, or the next free one after it (saying so); port 0 picks any."""
    last = port if port == 0 else min(port + PORT_TRIES - 1, 65535)
    for candidate in range(port, last + 1):
        try:
            sockets = bind_sockets(candidate, address=host)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and candidate < last:
                echo(f"Port {candidate} is in use; trying {candidate + 1}.", err=True)
                continue
            raise ConfigError(
                Problem(
                    f"{host}:{candidate}",
                    f"cannot listen there ({exc.strerror or exc}); choose another --port or --bind",
                )
            ) from None
        return sockets, sockets[0].getsockname()[1]
    raise AssertionError("unreachable")


def _origin(host: str, port: int) -> str:
    """The origin a browser on this machine uses for the server."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _quiet(handler: web.RequestHandler) -> None:
    """No access log: the terminal is for build results and errors."""


class PreviewServer:
    """The HTTP server, the live-reload websocket and the rebuild thread, for one preview."""

    def __init__(self, preview: Preview, watcher: Watcher, sockets: list[socket.socket]):
        self.preview = preview
        self.watcher = watcher
        self.sockets = sockets
        self.hub = _Hub()
        self.port = sockets[0].getsockname()[1]
        self.url = preview.origin + preview.state.base_path
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._loop: IOLoop | None = None

    def _application(self) -> web.Application:
        return web.Application(
            [
                (r"/livereload", _ReloadSocket, {"hub": self.hub}),
                (r"/livereload.js", LiveReloadJSHandler),
                (r"/(.*)", _PreviewFiles, {"preview": self.preview}),
            ],
            transforms=[_Injector],
            log_function=_quiet,
        )

    def _rebuild_forever(self) -> None:
        root = self.preview.config.root
        self.preview.settle()  # the first build's leftovers, once the server listens
        self.watcher.absorb(self.preview.take_written())
        while (files := self.watcher.wait(self._stop)) is not None:
            shown = _relative(files[0], root) if len(files) == 1 else f"{len(files)} files"
            self.preview.echo(f"Changed: {shown}; rebuilding")
            reload = self.preview.rebuild(files)
            self.watcher.absorb(self.preview.take_written())  # its own writes are no edit
            if reload and self._loop is not None and not self._stop.is_set():
                self._loop.add_callback(self.hub.reload)
            self.preview.settle()  # once the tabs are told
            self.watcher.absorb(self.preview.take_written())  # its import's writes too
        self.watcher.close()

    def run(self) -> None:
        """Serve until stop() or Ctrl-C (which propagates, after everything is closed)."""
        asyncio.set_event_loop(asyncio.new_event_loop())  # one loop per server, any thread
        self._loop = IOLoop.current()
        http = HTTPServer(self._application())
        http.add_sockets(self.sockets)
        rebuilder = threading.Thread(target=self._rebuild_forever, daemon=True)
        rebuilder.start()
        self._loop.add_callback(self.ready.set)
        try:
            self._loop.start()
        finally:
            self._stop.set()
            http.stop()
            self._loop.close(all_fds=True)
            asyncio.set_event_loop(None)
            rebuilder.join(timeout=10)  # let a running build finish its atomic swap

    def stop(self) -> None:
        """Stop from any thread."""
        self._stop.set()
        if self._loop is not None:
            self._loop.add_callback(self._loop.stop)


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def open_preview(
    config_path: Path | None,
    options: ServeOptions,
    clock: Callable[[], dt.datetime],
    echo: Echo,
) -> PreviewServer:
    """Bind, build once, and return the server ready to run (a broken config is fatal here)."""
    config_path = config_path.resolve() if config_path else None
    config = load_config(config_path)
    sockets, port = bind(options.port, options.bind, echo)
    preview = Preview(config_path, config, _origin(options.bind, port), options, clock, echo)
    # Watching first: edits made during the build count.
    watcher = Watcher(preview.roots, say=lambda line: echo(f"warning: {line}", err=True))
    echo(f"Building the preview into {preview.folder} ...")
    started = time.perf_counter()
    preview.rebuild()
    watcher.absorb(preview.take_written())
    server = PreviewServer(preview, watcher, sockets)
    echo(f"Serving {server.url} (ready in {time.perf_counter() - started:.2f} s; Ctrl-C stops)")
    return server


def serve(
    config_path: Path | None,
    options: ServeOptions,
    clock: Callable[[], dt.datetime],
    echo: Echo,
    open_browser: bool = False,
) -> None:
    """Run the preview until Ctrl-C (or SIGTERM)."""
    _stop_on_signals()
    server = open_preview(config_path, options, clock, echo)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        echo("Stopped.")


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the preview cleanly, even when it was started in the
    background of a script, where the shell hands it SIGINT ignored and Ctrl-C would
    otherwise leave it running."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
