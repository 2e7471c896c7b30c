"""`digest build`, `digest import` and `digest fetch`: the commands that bring articles in
and turn them into a site. Flags → calls; no logic beyond presenting results."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from generator.importing.report import ImportReport

from generator.cli.shell import (
    base_url_option,
    config_option,
    drafts_option,
    future_option,
    main,
    parse_clock,
    reports_errors,
    wait_option,
)
from generator.core.atomic import write_atomic
from generator.core.config import CONFIG_NAME, Config, load_config
from generator.core.errors import ConfigError, DigestError, Problem
from generator.core.locking import site_lock
from generator.core.progress import terminal_progress

SKIPPED_NOTE = (
    "note: the skipped source records are left out of the site; fix them where they come "
    "from, or import them once by hand with `digest import PATH` (its --date gives a day to "
    "records that state none); --strict makes this an error"
)


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
    "--skip-invalid",
    is_flag=True,
    help="Build without content/ files that have errors, listing them (source records "
    "that fail to import are always skipped with a warning).",
)
@click.option(
    "--strict", is_flag=True, help="Fail on warnings too (skipped source records, one id twice)."
)
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 256), help="Worker processes (default: all cores)."
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .digest-cache/.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    help="Write counts and timings as JSON.",
)
@click.option("-v", "--verbose", is_flag=True, help="Print timings and every skipped article.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@wait_option
@reports_errors
def build(
    config_path: Path | None,
    base_url: str | None,
    output: Path | None,
    drafts: bool,
    future: bool,
    clock: str | None,
    skip_invalid: bool,
    strict: bool,
    jobs: int | None,
    no_cache: bool,
    report_path: Path | None,
    verbose: bool,
    quiet: bool,
    wait: float,
) -> None:
    """Build the site into site/ (or -o)."""
    from generator.build.import_and_build import import_and_build
    from generator.build.pipeline import BuildOptions

    config = load_config(config_path, {"base_url": base_url})
    _refuse_empty_folder(config, config_path)
    now = parse_clock(clock, config)

    def imported(report: ImportReport, problems: list[Problem]) -> None:
        if quiet:
            return
        if not strict:  # with --strict they are listed once, as errors
            for problem in problems:
                click.echo(f"skipped: {problem}", err=True)
            if problems:
                click.echo(SKIPPED_NOTE, err=True)
            for line in report.warnings:
                click.echo(f"warning: {line}", err=True)
        click.echo(report.summary())

    with site_lock(config.path("cache"), "build", wait), terminal_progress(not quiet) as progress:
        options = BuildOptions.for_site(
            config,
            now,
            drafts,
            future,
            skip_invalid=skip_invalid,
            strict=strict,
            output=output.resolve() if output else None,
            use_cache=not no_cache,
            progress=progress,
            **({"jobs": jobs} if jobs else {}),
        )
        report = import_and_build(config, options, imported).built
    if report_path:
        _write_report(report_path, report.to_json())
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


def _refuse_empty_folder(config: Config, given: Path | None) -> None:
    """A build where there is nothing to build is a mistake (the wrong folder), not an
    empty site: say so instead of writing one."""
    nothing = not (config.root / CONFIG_NAME).exists() and not config.path("content").is_dir()
    if given is None and nothing:
        raise ConfigError(
            Problem(
                config.root,
                "has no digest.toml and no content/ folder; run digest in your site's "
                "folder, or create a site here with `digest init`",
            )
        )


def _write_report(path: Path, text: str) -> None:
    try:
        write_atomic(path.resolve(), text.encode("utf-8"))
    except OSError as exc:
        raise DigestError(Problem(path, f"cannot be written: {exc.strerror}")) from None


@main.command("import")
@config_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--source", help="Source name for items that name none (e.g. Dawn).")
@click.option(
    "--topic", help="Topic for items that name none (plain text: instead of the folder name)."
)
@click.option("--date", "day", help="Publication day (YYYY-MM-DD) for items that state none.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite content files edited by hand since import.")
@click.option(
    "--report", "report_path", type=click.Path(path_type=Path),
    help="Write every item's outcome and reason to this JSON file.",
)  # fmt: skip
@click.option(
    "--strict", is_flag=True, help="Exit 1 when any record failed (the rest are still imported)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print failures and the summary only.")
@wait_option
@reports_errors
def import_command(
    config_path, paths, source, topic, day, dry_run, force, report_path, strict, quiet, wait
):
    """Import scraped articles (text dumps, plain text, JSON, JSON Lines) into content/.

    PATH is a file or a folder (read recursively); without one, [import] paths from
    digest.toml. A record that cannot be imported is reported and skipped: the scraper's
    problem, so the exit code stays 0 (1 with --strict, or when a PATH named finds no file).
    """
    from generator.importing.importer import ImportOptions, import_sources

    config = load_config(config_path)
    targets = list(paths) or [config.root / p for p in config.import_.paths]
    if not targets:
        raise ConfigError("name files or folders to import, or set [import] paths in digest.toml")
    options = ImportOptions(
        now=dt.datetime.now(dt.UTC),
        source=source,
        topic=topic,
        date=_parse_day(day),
        dry_run=dry_run,
        force=force,
        # [import] paths: files named as `digest build` and `digest serve` name them, so
        # their import and this one share the source cache instead of reading every file
        # again each time the other ran.
        shown_from=None if paths else config.root,
    )
    with site_lock(config.path("cache"), "import", wait), terminal_progress() as progress:
        report = import_sources(config, targets, options, progress)
    for item in report.items:
        if item.outcome == "failed":
            click.echo(f"failed: {item.origin}: {item.reason}", err=True)
        elif item.outcome == "kept" and not quiet:
            click.echo(f"kept: {item.origin}: {item.reason}", err=True)
    if not quiet:
        for line in report.warnings:
            click.echo(f"warning: {line}", err=True)
    if report_path:
        _write_report(report_path, report.to_json())
    click.echo(report.summary())
    if report.unfound or (strict and report.failed):
        sys.exit(1)


def _parse_day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date: {value!r} is not a day; write it like 2021-08-11") from None


@main.command()
@config_option
@click.argument("urls", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite content files edited by hand since import.")
@click.option("--strict", is_flag=True, help="Exit 1 when any feed, page or item failed.")
@click.option("-q", "--quiet", is_flag=True, help="Print failures and the summary only.")
@wait_option
@reports_errors
def fetch(config_path, urls, dry_run, force, strict, quiet, wait):
    """Fetch feeds (RSS, Atom, JSON Feed) and their article pages into content/.

    URL is a feed address; without one, [fetch] feeds and [fetch] opml from digest.toml.
    Failures are reported one per line and never stop the run (exit 1 only with --strict).
    """
    from generator.fetching.fetcher import FetchOptions
    from generator.fetching.fetcher import fetch as run_fetch

    config = load_config(config_path)
    options = FetchOptions(dt.datetime.now(dt.UTC), tuple(urls), dry_run, force)
    with site_lock(config.path("cache"), "fetch", wait), terminal_progress(not quiet) as progress:
        report = run_fetch(config, options, progress)
    for line in report.lines(quiet):
        click.echo(line, err=True)
    click.echo(report.summary())
    if strict and report.problems:
        sys.exit(1)
