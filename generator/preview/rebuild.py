"""One preview rebuild: import and build into the preview folder, and remember how it went,
so the server can show the site, or the error that stands in its place until it is fixed."""

from __future__ import annotations

import datetime as dt
import html
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.build.import_and_build import import_and_build
from generator.build.loader import ArticleMemo
from generator.build.pipeline import BuildOptions
from generator.build.render import theme_dir
from generator.build.resident import PlanMemo
from generator.core.config import CONFIG_NAME, Config, load_config
from generator.core.errors import DigestError, Problem
from generator.core.locking import site_lock
from generator.importing.content_cache import IndexMemo
from generator.importing.importer import source_roots
from generator.importing.report import ImportReport
from generator.preview.changes import LastImport
from generator.preview.held_content import HeldContent

PREVIEW_DIR = ".digest-preview"  # beside digest.toml; site/ stays a production build

Echo = Callable[..., None]  # click.echo's shape: echo(message, err=False)


@dataclass(frozen=True)
class ServeOptions:
    port: int = 8000
    bind: str = "127.0.0.1"
    drafts: bool = False
    future: bool = False


@dataclass(frozen=True)
class State:
    """What the server answers from; replaced whole after each build, so reads need no lock."""

    base_path: str
    problems: tuple[Problem, ...] = ()
    builds: int = 0


class Preview:
    """Rebuilds the site into the preview folder and remembers how the last build went."""

    def __init__(
        self,
        config_path: Path | None,
        config: Config,
        origin: str,
        options: ServeOptions,
        clock: Callable[[], dt.datetime],
        echo: Echo,
    ):
        self.config_path = config_path
        self.config = config
        self.origin = origin
        self.options = options
        self.clock = clock
        self.echo = echo
        self.folder = config.root / PREVIEW_DIR
        self.state = State(config.base_path)
        self.written: list[str] = []  # content files this process's imports wrote, until taken
        self._import_notes: tuple[str, ...] = ()  # skipped records and warnings last shown
        self._warnings: tuple[str, ...] = ()  # the build's warnings last shown
        self._import: LastImport | None = None  # the last import, while it is settled
        self._articles = ArticleMemo()  # the last build's, for the next
        self._plan = PlanMemo()  # likewise
        self._content = HeldContent()  # content/'s files, followed from the watcher's reports
        self._index = IndexMemo()  # content/'s import index, as the last import saved it

    def roots(self) -> list[Path]:
        """Everything a build reads: watched for changes."""
        c = self.config
        found = [
            c.path("content"),
            c.path("templates"),
            c.path("static"),
            theme_dir(),
            self.config_path or c.root / CONFIG_NAME,
            *source_roots(c),
        ]
        return list(dict.fromkeys(found))

    def _load(self) -> Config:
        """The config as written, with its origin swapped for this server's (path kept)."""
        config = load_config(self.config_path)
        return config.model_copy(update={"base_url": self.origin + config.base_path})

    def take_written(self) -> list[str]:
        """The files the last rebuild's own import wrote, once (the watcher absorbs them)."""
        written, self.written = self.written, []
        return written

    def rebuild(self, changed: list[str] | None = None) -> bool:
        """Build once, after the files `changed` did (None: any may have); True when the
        browser should reload."""
        before = self.state
        # Kept only once these changes are seen not to matter to it (a rebuild that fails
        # before that, on a broken digest.toml say, must not let them pass unchecked).
        last, self._import = self._import, None
        try:
            config = self._load()
            now = self.clock()
            # One writer at a time of content/ and the shared cache, as for `digest build`.
            # The search index is built on the first build only: updating it (0.15-0.25 s a
            # save at 34,000 articles) stays out of the save-to-reload path.
            options = BuildOptions.for_site(
                config, now, self.options.drafts, self.options.future, output=self.folder,
                search=before.builds == 0, articles=self._articles, plan=self._plan,
            )  # fmt: skip
            with site_lock(config.path("cache"), "serve"):
                if last is not None and changed is not None and last.holds(config, changed):
                    self._import = last
                kept = self._import
                settled = None if kept is None else (kept.report, kept.problems)
                report = import_and_build(
                    config,
                    options,
                    lambda done, skipped: self._imported(config, done, skipped),
                    settled,
                    self._content.current(config.path("content"), changed),
                    self._index,
                ).built
        except DigestError as exc:
            self._content.drop()  # an import that stopped may have written files unrecorded
            self._failed(tuple(exc.problems), "")
            return True
        except Exception as exc:  # a bug in digest: keep serving and show it
            self._content.drop()
            problem = Problem("digest", f"internal error: {type(exc).__name__}: {exc}")
            self._failed((problem,), traceback.format_exc())
            return True
        self.config = config
        self.state = State(config.base_path, (), before.builds + 1)
        if tuple(report.warnings) != self._warnings:  # the same warnings: said already
            for line in report.warnings:
                self.echo(f"warning: {line}", err=True)
        self._warnings = tuple(report.warnings)
        self.echo(report.summary(report_hint=False))
        return bool(before.problems or report.written or report.removed)

    def settle(self) -> None:
        """Between rebuilds: work the next one would otherwise do while the user waits."""
        self._plan.prepare()
        self._settle_import()

    def _settle_import(self) -> None:
        """After an import that wrote files, the next one reads every source file the source
        cache cannot skip (seconds on a large archive) before it settles: it runs now, so
        that the next save of a content file replays its report. Files it writes (a source
        saved meanwhile: the watcher reports it, and the rebuild sees them in the held map)
        are its own, taken by `take_written` like a rebuild's, so they never set off one."""
        config = self.config
        if self._import is not None or not config.import_.paths or self.state.problems:
            return
        from generator.importing.importer import import_configured

        try:
            with site_lock(config.path("cache"), "serve"):
                seen = self._content.current(config.path("content"), ())
                imported, problems = import_configured(
                    config, self.clock(), None, seen, self._index
                )
        except Exception:  # the next rebuild imports again, and says why
            self._content.drop()
            return
        self._imported(config, imported, problems)

    def _imported(self, config: Config, imported: ImportReport, problems: list[Problem]) -> None:
        """Remember what the import wrote; print skipped records and warnings when they
        change, not on every rebuild (the site is built from the rest either way)."""
        content = config.path("content")
        self.written += [  # until taken: a rebuild's and the idle import's, at start-up
            str(content / item.path)
            for item in imported.items
            if item.path and item.outcome in ("new", "updated")
        ]
        notes = tuple(f"skipped: {p}" for p in problems) + tuple(
            f"warning: {line}" for line in imported.warnings
        )
        if notes != self._import_notes:
            for line in notes:
                self.echo(line, err=True)
        self._import_notes = notes
        if self._import is None and imported.settled:
            self._import = LastImport(config, imported, problems)
        counts = imported.counts()
        if counts["new"] or counts["updated"]:
            self.echo(imported.summary())

    def _failed(self, problems: tuple[Problem, ...], trace: str) -> None:
        """The terminal shows an error once; the browser shows it until it is fixed."""
        if problems != self.state.problems:
            if trace:
                self.echo(trace, err=True)
            for problem in problems:
                self.echo(f"error: {problem}", err=True)
            self.echo("The preview shows this error until you fix it.", err=True)
        self.state = replace(self.state, problems=problems, builds=self.state.builds + 1)


def error_page(problems: tuple[Problem, ...]) -> str:
    """A self-contained page naming each file, line and field; live-reload is added on the way out."""
    items = []
    for p in problems:
        where = [f"<code>{html.escape(str(p.path))}</code>"]
        if p.line is not None:
            where.append(f"line {p.line}")
        if p.field:
            where.append(f"field <code>{html.escape(p.field)}</code>")
        items.append(f"<li><p>{', '.join(where)}</p><p>{html.escape(p.message)}</p></li>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Build failed · digest preview</title><style>"
        "body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
        "h1{color:#b00020}li{margin:1rem 0;padding:.5rem 1rem;background:#fff3f3;"
        "border-left:4px solid #b00020;list-style:none}ul{padding:0}"
        "</style></head><body><h1>Build failed</h1>"
        f'<ul class="problems">{"".join(items)}</ul>'
        "<p>Fix the file and save it: this page reloads by itself.</p></body></html>"
    )
