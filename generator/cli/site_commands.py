"""`digest init`, `digest serve`, `digest check` and `digest deploy`: starting, previewing and
publishing a site. Flags → calls; no logic beyond presenting results."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

from generator import DISTRIBUTION, __version__
from generator.build.writer import recover
from generator.cli.shell import (
    base_url_option,
    config_option,
    drafts_option,
    future_option,
    main,
    reports_errors,
)
from generator.core.config import load_config
from generator.core.locking import site_lock


@main.command()
@click.argument("folder", type=click.Path(path_type=Path), default=".")
@click.option(
    "--install",
    default=f"{DISTRIBUTION}=={__version__}",
    show_default=True,
    help="pip requirement the Pages workflow installs digest with, e.g. "
    f"'{DISTRIBUTION} @ git+https://github.com/OWNER/REPO.git@v{__version__}'.",
)
@click.option(
    "--fetch", "feeds", multiple=True, metavar="FEED",
    help="Subscribe to this feed (repeatable); the workflow then fetches daily and commits.",
)  # fmt: skip
@reports_errors
def init(folder: Path, install: str, feeds: tuple[str, ...]) -> None:
    """Create a new site in FOLDER (default: here), with a GitHub Pages workflow."""
    from generator.fetching.subscriptions import check_urls
    from generator.publish.scaffold import init_site

    today = dt.datetime.now(dt.UTC).date().isoformat()
    for rel in init_site(folder, today, install, check_urls(feeds)):
        click.echo(f"created {folder / rel}")
    first = "digest fetch && " if feeds else ""
    click.echo(f"Next: cd {folder} && {first}digest build   (then push to GitHub; see pages.yml)")


@main.command()
@config_option
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Built site (default: site/)."
)
@click.option("--branch", default="gh-pages", show_default=True, help="Branch to publish to.")
@click.option("--remote", default="origin", show_default=True, help="Remote to push to.")
@click.option("--no-push", is_flag=True, help="Only commit to the branch; do not push.")
@click.option("-m", "--message", default="", help="Commit message.")
@reports_errors
def deploy(
    config_path: Path | None,
    output: Path | None,
    branch: str,
    remote: str,
    no_push: bool,
    message: str,
) -> None:
    """Commit the built site to a gh-pages branch and push it (run `digest build` first)."""
    from generator.publish.deploy import deploy as run_deploy

    config = load_config(config_path)
    site = output.resolve() if output else config.path("output")
    with site_lock(config.path("cache"), "deploy"):
        recover(site)  # never publish a half-committed build: roll it back first
        result = run_deploy(
            site, config.root, branch=branch, remote=remote, message=message, push=not no_push
        )
    state = f"committed {result.commit[:12]}" if result.changed else "unchanged"
    where = f", pushed to {remote}" if result.pushed else ""
    click.echo(f"{result.branch}: {state}{where}")


@main.command()
@config_option
@base_url_option
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Built site (default: site/)."
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@reports_errors
def check(
    config_path: Path | None, base_url: str | None, output: Path | None, strict: bool
) -> None:
    """Check a built site: internal links and assets, feeds, addresses, article dates."""
    from generator.publish.check import check_site

    config = load_config(config_path, {"base_url": base_url})
    site = output.resolve() if output else config.path("output")
    with site_lock(config.path("cache"), "check"):
        recover(site)  # check the site readers get, not a half-committed build
        report = check_site(site, config.base_url)
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(report.summary())
    if report.failed(strict):
        sys.exit(1)


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
def serve(
    config_path: Path | None, port: int, bind: str, drafts: bool, future: bool, open_browser: bool
) -> None:
    """Preview the site with live reload, at its real sub-path (builds into .digest-preview/)."""
    from generator.preview.server import ServeOptions
    from generator.preview.server import serve as run_serve

    run_serve(
        config_path,
        ServeOptions(port=port, bind=bind, drafts=drafts, future=future),
        clock=lambda: dt.datetime.now(dt.UTC),
        echo=click.echo,
        open_browser=open_browser,
    )
