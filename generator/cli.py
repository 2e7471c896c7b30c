"""Command-line entry: flags → calls. No logic lives here beyond turning errors into exit codes.

Exit codes: 0 success, 1 content or build error, 2 usage or config error.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import click

from generator import __version__
from generator.config import Config, load_config
from generator.dates import to_aware
from generator.errors import ConfigError, DigestError


def _fail(exc: DigestError) -> None:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    count = len(exc.problems)
    if count > 1:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest: build a news-digest website from front-mattered Markdown."""


@main.command()
@config_option
@base_url_option
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: site/)."
)
@drafts_option
@future_option
@click.option("--clock", help="A fixed 'now' (ISO 8601) for drafts/future filtering and feeds.")
@click.option(
    "--skip-invalid", is_flag=True, help="Publish the valid articles and list the invalid ones."
)
@click.option("-v", "--verbose", is_flag=True, help="Print timings and every skipped article.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@reports_errors
def build(
    config_path, base_url, output, drafts, future, clock, skip_invalid, verbose, quiet
) -> None:
    """Build the site into site/ (or -o)."""
    from generator.build import BuildOptions
    from generator.build import build as run_build

    config = load_config(config_path, {"base_url": base_url})
    options = BuildOptions(
        now=parse_clock(clock, config),
        drafts=drafts or config.build.drafts,
        future=future or config.build.future,
        skip_invalid=skip_invalid,
        output=output.resolve() if output else None,
    )
    report = run_build(config, options)
    for line in report.skipped:
        if not quiet:
            click.echo(f"skipped: {line}", err=True)
    for line in report.warnings:
        if not quiet:
            click.echo(f"warning: {line}", err=True)
    if verbose:
        for stage, seconds in report.timings.items():
            click.echo(f"  {stage:>8}: {seconds:.3f} s")
    if not quiet:
        click.echo(report.summary())


@main.command()
@config_option
@click.option(
    "-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port to listen on; if taken, the next free one is used.",
)  # fmt: skip
@click.option(
    "--bind", default="127.0.0.1", show_default=True,
    help="Address to listen on; 0.0.0.0 shows the preview to your whole network.",
)  # fmt: skip
@drafts_option
@future_option
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your browser.")
@reports_errors
def serve(config_path, port, bind, drafts, future, open_browser) -> None:
    """Preview the site with live reload, at its real sub-path (builds into .digest-preview/)."""
    from generator.serve import ServeOptions
    from generator.serve import serve as run_serve

    run_serve(
        config_path,
        ServeOptions(port=port, bind=bind, drafts=drafts, future=future),
        clock=lambda: dt.datetime.now(dt.UTC),
        echo=click.echo,
        open_browser=open_browser,
    )
