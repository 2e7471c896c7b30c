"""The build pipeline, and nothing else: load → catalog → pages → render → write."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.catalog import Catalog, make_catalog
from generator.config import Config
from generator.content import find_content, load_article
from generator.errors import DigestError, Problem
from generator.feeds import plan_feeds, render_feed
from generator.markup import MarkdownRenderer
from generator.models import Article, BuildReport, OutputFile, Page
from generator.pages import plan_pages
from generator.render import Renderer, SiteView, theme_dir
from generator.urls import Urls
from generator.writer import MARKER, write_site


@dataclass(frozen=True)
class BuildOptions:
    now: dt.datetime
    drafts: bool = False
    future: bool = False
    skip_invalid: bool = False
    output: Path | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("BuildOptions.now must be timezone-aware")


def load_articles(config: Config) -> tuple[list[Article], list[Problem]]:
    """Every article under content/, and every problem found (all files are read)."""
    renderer = MarkdownRenderer()
    articles: list[Article] = []
    problems: list[Problem] = []
    root = config.root
    for path in find_content(config.path("content")):
        shown = _shown(path, root)
        try:
            articles.append(
                load_article(shown, config.tz, renderer, config.build.max_article_bytes)
            )
        except DigestError as exc:
            problems.extend(exc.problems)
    return articles, problems


def _shown(path: Path, root: Path) -> Path:
    """Paths in messages are relative to the site root when they can be."""
    try:
        return path.relative_to(root.resolve())
    except ValueError:
        return path


def select(articles: list[Article], options: BuildOptions) -> list[Article]:
    return [
        a
        for a in articles
        if (options.drafts or not a.draft) and (options.future or a.date <= options.now)
    ]


def duplicate_ids(articles: list[Article]) -> list[Problem]:
    first: dict[str, Article] = {}
    problems = []
    for a in sorted(articles, key=lambda a: str(a.source_path)):
        if a.id in first:
            problems.append(
                Problem(
                    a.source_path,
                    f"has the same id {a.id!r} as {first[a.id].source_path}; "
                    "give one of them another id",
                    field="id",
                )
            )
        else:
            first[a.id] = a
    return problems


def static_files(config: Config) -> dict[str, Path]:
    """Theme static files, overridden by name by the site's own static/ folder."""
    found: dict[str, Path] = {}
    for folder in (theme_dir() / "static", config.path("static")):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not any(
                    p.startswith(".") for p in path.relative_to(folder).parts
                ):
                    found["static/" + path.relative_to(folder).as_posix()] = path
    return found


def check_paths(pages: list[Page], others: list[tuple[str, str]]) -> None:
    """Two outputs claiming one path is an error, reported before anything is written."""
    owner: dict[str, str] = {}
    problems = []
    for page in pages:
        label = f"{page.kind} page {page.url}"
        if page.output in owner:
            problems.append(
                Problem(page.output, f"claimed by both {owner[page.output]} and {label}")
            )
        owner.setdefault(page.output, label)
    for path, label in others:
        if path in owner:
            problems.append(Problem(path, f"claimed by both {owner[path]} and {label}"))
        owner.setdefault(path, label)
    if problems:
        raise DigestError(problems)


def site_view(config: Config, urls: Urls, catalog: Catalog) -> SiteView:
    topics = sorted(catalog.topics, key=lambda g: (-len(g.entries), g.name.casefold()))[:8]
    return SiteView(
        title=config.title,
        description=config.description,
        language=config.language,
        author=config.author,
        base_url=config.base_url,
        base_path=config.base_path,
        urls=urls,
        topics=tuple((g.name, urls.topic(g.slug), len(g.entries)) for g in topics),
    )


def build(config: Config, options: BuildOptions) -> BuildReport:
    """Build the whole site into the output folder; raises DigestError on bad input."""
    started = time.perf_counter()
    report = BuildReport()
    articles, problems = load_articles(config)
    problems += duplicate_ids(articles)
    if problems:
        if not options.skip_invalid:
            raise DigestError(problems)
        bad = {str(p.path) for p in problems}
        articles = [a for a in articles if str(a.source_path) not in bad]
        report.skipped = [str(p) for p in problems]
    report.timings["load"] = time.perf_counter() - started

    urls = Urls(config.base_url)
    catalog = make_catalog(select(articles, options), config.tz, urls)
    pages = list(plan_pages(catalog, config, urls))
    statics = static_files(config)
    feeds = plan_feeds(catalog, config, urls, options.now)
    others = [(rel, "a static file") for rel in [*statics, MARKER]]
    check_paths(pages, others + [(f.path, f"the {f.kind} feed {f.url}") for f in feeds])
    renderer = Renderer(config, urls, site_view(config, urls, catalog))
    report.timings["plan"] = time.perf_counter() - started - report.timings["load"]

    def outputs() -> Iterator[OutputFile]:
        for page in pages:
            yield renderer.render(page)
        for feed in feeds:
            yield render_feed(feed, config, urls)
        for rel, path in statics.items():
            yield OutputFile(rel, path.read_bytes())
        yield OutputFile(MARKER, b"")

    output = options.output or config.path("output")
    result = write_site(output, outputs())
    report.articles = len(catalog.entries)
    report.pages = len(pages)
    report.feeds = len(feeds)
    report.written, report.unchanged, report.removed = (
        result.written,
        result.unchanged,
        result.removed,
    )
    report.seconds = time.perf_counter() - started
    return report
