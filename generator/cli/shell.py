"""The command line's shell: the `digest` group, the options several commands share, and the
one place where user errors become messages and exit codes, never tracebacks.

Exit codes: 0 success, 1 content or build error, 2 usage or config error.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

from generator import __version__
from generator.core.config import Config
from generator.core.dates import to_aware
from generator.core.errors import ConfigError, DigestError
from generator.core.locking import DEFAULT_WAIT


def _fail(exc: DigestError) -> None:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    count = len(exc.problems)
    if exc.advice:
        click.echo(exc.advice, err=True)
    elif count > 1:
        click.echo(f"{count} problems; nothing was written.", err=True)
    sys.exit(2 if isinstance(exc, ConfigError) else 1)


def reports_errors(func: Callable) -> Callable:
    """User errors become messages and exit codes, never tracebacks."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DigestError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


def parse_clock(value: str | None, config: Config) -> dt.datetime:
    """The build's 'now': --clock, else the wall clock (read here, never in the pipeline)."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        return to_aware(value, config.tz)
    except ValueError as exc:
        raise ConfigError(f"--clock: {exc}") from None


config_option = click.option(
    "-c", "--config", "config_path", type=click.Path(path_type=Path),
    help="digest.toml to use (default: ./digest.toml if present).",
)  # fmt: skip
base_url_option = click.option(
    "--base-url", help="Override base_url, e.g. https://user.github.io/news/."
)
drafts_option = click.option("--drafts", is_flag=True, help="Include articles marked draft.")
future_option = click.option("--future", is_flag=True, help="Include articles dated after now.")
wait_option = click.option(
    "--wait", type=click.FloatRange(0), default=DEFAULT_WAIT, show_default=True,
    help="Seconds to wait for another digest build/import in this site before giving up.",
)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest: build a news-digest website from front-mattered Markdown."""


def run() -> None:
    """The `digest` program (its console script and `python -m generator`). A build leaves a
    million objects that the interpreter would free one by one on its way out (0.13 s of a
    daily build at 34,000 articles); once the command and every exit handler are done, the
    process ends and the kernel takes its memory back whole."""
    code = 0
    try:
        main(prog_name="digest")
    except SystemExit as exc:
        if not isinstance(exc.code, int | None):
            raise  # a message: the interpreter prints it
        code = exc.code or 0
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)  # the interpreter's own exit waits for them
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the interpreter would give 120
            code = code or 120
    os._exit(code)
