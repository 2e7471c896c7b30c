"""The build pipeline, and nothing else: load → catalog → pages → render → write.

Fast paths (the article cache, page fingerprints, parallel workers) may only skip
work whose result is already known: a cached build equals a clean one, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build.build_cache import (
    BuildCache,
    LinksOutline,
    PlanStamp,
    code_digest,
    output_hash,
    packed,
    site_key,
)
from generator.build.delta import (
    content_changes,
    kept_bases,
    kept_fingerprints,
    marked_urls,
    moved_links,
    previous_names,
    reached,
)
from generator.build.fingerprint import Fingerprinter, files_digest
from generator.build.freshness import (
    FingerprintState,
    fingerprint_outputs,
    fingerprint_reached,
    live_files,
    plan_expiry,
    plan_key,
    stale_made,
    stale_outputs,
    unchanged_since,
)
from generator.build.loader import (
    ArticleMemo,
    load_articles,
    resolve_duplicates,
    scan_content,
)
from generator.build.render import Renderer, theme_dir
from generator.build.report import BuildReport
from generator.build.resident import Plan, PlanMemo
from generator.build.search_filters import filter_lists
from generator.build.search_index import INDEX, index_state, update_search_index
from generator.build.writer import MARKER, Staging, existing_files, recover
from generator.content.article import Article
from generator.core.collector import collector_paused
from generator.core.config import Config
from generator.core.errors import DigestError, Problem
from generator.core.progress import Progress
from generator.core.workers import default_jobs, fork_map
from generator.site.catalog import Catalog, make_catalog
from generator.site.contexts import SiteView
from generator.site.feeds import Feed, plan_feeds, render_feed
from generator.site.outputs import MadeFile, Page
from generator.site.pages import plan_pages
from generator.site.related import Links, link_articles, outlined
from generator.site.sitemap import PATH as SITEMAP
from generator.site.sitemap import basis as sitemap_basis
from generator.site.sitemap import entry_lines, sitemap
from generator.site.topics import apply_aliases, similar_topics
from generator.site.urls import Urls

# Below this many outputs to render, forking workers costs more than it saves.
PARALLEL_RENDER = 100


SKIP_ADVICE = (
    "The site was not changed. Fix the files listed, or pass --skip-invalid to build without them."
)


def strict_advice(count: int) -> str:
    return (
        f"--strict makes {'this warning an error' if count == 1 else f'these {count} warnings errors'}; "
        "the site was not changed."
    )


@dataclass(frozen=True)
class BuildOptions:
    now: dt.datetime
    drafts: bool = False
    future: bool = False
    skip_invalid: bool = False  # content/ files with errors are left out and listed
    strict: bool = False  # warnings (source records skipped, same id twice...) are fatal
    output: Path | None = None
    jobs: int = field(default_factory=default_jobs)
    use_cache: bool = True
    search: bool = True  # keep the search index up to date (the last stage)
    progress: Progress | None = None
    articles: ArticleMemo | None = None  # a process that builds again keeps its Articles
    plan: PlanMemo | None = None  # and its last plan (build/resident.py)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("BuildOptions.now must be timezone-aware")

    @classmethod
    def for_site(
        cls,
        config: Config,
        now: dt.datetime,
        drafts: bool = False,
        future: bool = False,
        **rest: Any,
    ) -> BuildOptions:
        """Options from the command line's flags, each also switched on by digest.toml."""
        return cls(
            now=now,
            drafts=drafts or config.build.drafts,
            future=future or config.build.future,
            **rest,
        )


def select(articles: list[Article], options: BuildOptions) -> list[Article]:
    return [
        a
        for a in articles
        if (options.drafts or not a.draft) and (options.future or a.date <= options.now)
    ]


def static_files(config: Config) -> dict[str, Path]:
    """Theme static files, overridden by name by the site's own static/ folder."""
    found: dict[str, Path] = {}
    for folder in (theme_dir() / "static", config.path("static")):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                rel = path.relative_to(folder)
                if path.is_file() and not any(p.startswith(".") for p in rel.parts):
                    found["static/" + rel.as_posix()] = path
    return found


def claim_outputs(pages: list[Page], others: list[tuple[str, str]]) -> None:
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


def site_view(config: Config, urls: Urls) -> SiteView:
    return SiteView(
        title=config.title,
        description=config.description,
        language=config.language,
        author=config.author,
        base_url=config.base_url,
        base_path=config.base_path,
        urls=urls,
        search=config.search.enabled,
    )


@dataclass(frozen=True)
class _RenderState:
    """What render workers share (inherited through fork, never pickled)."""

    pages: list[Page]
    feeds: list[Feed]
    renderer: Renderer
    staging: Staging
    config: Config
    urls: Urls
    items: dict[str, Any] = field(default_factory=dict)  # feed items made, in this process


def _render_one(state: _RenderState, index: int) -> tuple[str, bool, str]:
    """Render output number `index` (pages first, then feeds) into staging: its path,
    whether it changed, and its content hash for the page record."""
    if index < len(state.pages):
        out = state.renderer.render(state.pages[index])
    else:
        feed = state.feeds[index - len(state.pages)]
        out = render_feed(feed, state.config, state.urls, state.items)
    return out.path, state.staging.put(out.path, out.data), output_hash(out.data)


def build(
    config: Config, options: BuildOptions, seen: dict[str, tuple[int, int]] | None = None
) -> BuildReport:
    """Build the whole site into the output folder; raises DigestError on bad input.
    `seen`: content/'s files as an import that ran just before left them (loader._stats)."""
    started = time.perf_counter()
    report = BuildReport()
    cache = BuildCache(config.path("cache")) if options.use_cache else None
    # A build makes a million long-lived objects and almost no reference cycles; the
    # cycle collector would re-scan them again and again (a sixth of a no-change build).
    try:
        with collector_paused():
            report = _build(config, options, cache, report, started, seen)
    finally:
        if cache is not None:
            cache.close()
    if cache is not None and options.articles is not None:
        options.articles.seal(cache)
    return report


def _made_files(
    statics: dict[str, Path],
    catalog: Catalog,
    urls: Urls,
    lists: list[MadeFile],
    site: tuple[str | None, list[str] | None],
) -> list[MadeFile]:
    """The outputs not rendered from a template, each made only when its file may be stale
    (the search lists are tens of megabytes on a large site: never all held at once);
    `site`: the sitemap's basis and entry lines (None: its recorded basis stands, and its
    lines are made if it is)."""
    basis, lines = site

    def site_map() -> bytes:
        return sitemap(
            catalog, urls, entry_lines(catalog.entries, urls) if lines is None else lines
        ).data

    return [
        *(MadeFile(rel, None, path.read_bytes) for rel, path in statics.items()),
        MadeFile(MARKER, None, lambda: b""),
        MadeFile(SITEMAP, basis, site_map),
        *lists,
    ]


def _links(
    catalog: Catalog,
    keys: dict[str, str],
    cache: BuildCache | None,
    kept: LinksOutline | None,
    jobs: int,
    held: Plan | None,
    changed: frozenset[str],
) -> tuple[Links, LinksOutline]:
    """The story links and their outline: `kept`, the last build's, when no title or
    summary changed and the catalog is the same; else found again (with the memo, and
    with the `held` plan's links, of this very catalog, where their inputs are the same:
    all but the articles `changed`)."""
    links = outlined(kept, catalog) if kept is not None else None
    if links is not None:
        assert kept is not None
        return links, kept
    memo = cache.stories() if cache is not None else {}
    previous = held.links if held is not None else None
    links = link_articles(catalog, keys, memo, jobs, previous, changed if held else None)
    if cache is not None:
        cache.save_stories(links.memo, memo)
    return links, links.outline(held.outline if held is not None else None)


def _build(
    config: Config,
    options: BuildOptions,
    cache: BuildCache | None,
    report: BuildReport,
    started: float,
    seen: dict[str, tuple[int, int]] | None,
) -> BuildReport:
    mark = started

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        report.timings[stage] = round(now - mark, 4)
        mark = now

    if cache is not None:
        report.warnings.extend(cache.warnings)
    output = (options.output or config.path("output")).resolve()
    recover(output)  # a build killed mid-commit is rolled back before anything is trusted
    cache_site = site_key(output, config.root)
    salt = "|".join(
        [
            code_digest(),
            files_digest([theme_dir(), config.path("templates")]),
            config.model_dump_json(),  # every setting: any change may show on any page
        ]
    )
    scanned = scan_content(config, cache, seen, options.articles)
    # Every input of the build but the content and the clock. (Whether it keeps the search
    # index is not one: the stamp says whether it did, and only a replay needs to know.)
    flags = f"{options.drafts}|{options.future}"
    inputs = "|".join([salt, files_digest([config.path("static")]), flags])
    stamp = cache.plan(cache_site) if cache is not None else None
    basis = None  # the last complete build's stamp, when this one changes only contents
    grown = False  # ...or adds files, or runs past the stamp's span: a plan that may differ
    if stamp is not None:
        assert cache is not None
        # content/'s files as the last build saw them, but for the files new to the cache
        names, added = previous_names(scanned)
        key = plan_key(inputs, names)
        if not (scanned.todo or scanned.problems):  # nothing changed: every file cached
            lap("load")
            same = unchanged_since(stamp, key, cache, cache_site, output, options.now)
            lap("fingerprint")
            if same and options.search:
                same = index_state(output) == stamp.counts["search"]
                lap("search")
            if same and options.strict and stamp.counts.get("notices"):
                same = False  # its warnings are errors now: the full build says so
            if same:  # nothing to plan, render or write: the last build's report stands
                cache.forget_except(set(names))  # commits the stats of files touched, not changed
                report.warnings.extend(stamp.counts.get("notices", ()))
                report.articles, report.pages = stamp.counts["articles"], stamp.counts["pages"]
                report.feeds, report.unchanged = stamp.counts["feeds"], stamp.counts["outputs"]
                report.seconds = time.perf_counter() - started
                return report
        if stamp.key == key and stamp.now <= options.now:
            basis = stamp
            grown = bool(added) or options.now >= stamp.until
        cache.save_plan(cache_site, None)  # this build may change what the stamp vouched for
    resident = options.plan.take() if options.plan is not None else None
    loaded = load_articles(config, cache, options.jobs, options.progress, scanned, options.articles)
    articles, problems = loaded.articles, loaded.problems
    if problems:
        if not options.skip_invalid:
            raise DigestError(problems, SKIP_ADVICE)
        bad = {str(p.path) for p in problems}
        articles = [a for a in articles if str(a.source_path) not in bad]
        report.skipped = [str(p) for p in problems]
    articles, doubles = resolve_duplicates(articles)
    articles = apply_aliases(articles, config.topics.aliases)
    notices = doubles + [Problem("", line) for line in similar_topics(articles)]
    if notices and options.strict:
        raise DigestError(notices, strict_advice(len(notices)))
    said = [str(p) for p in notices]
    report.warnings.extend(said)
    report.parsed = loaded.parsed
    lap("load")

    urls = Urls(config.base_url)
    # The same warnings name the same files shown and hidden: the same plan, and the same
    # notices for the next build to repeat.
    same_notices = basis is not None and said == basis.counts.get("notices", [])
    changes = content_changes(scanned, loaded, grown) if same_notices else None
    redate = changes is not None and changes.redate  # every feed's date may have moved
    # The last build's plan, kept by this process, when this build can start from it.
    held = None
    if (
        changes is not None
        and not changes.grown
        and resident is not None
        and resident.holds(cache_site, basis)
    ):
        held = resident
    keys = {a.id: loaded.keys[str(a.source_path)] for a in articles}
    if held is not None:
        assert changes is not None
        held.put(articles, changes.ids, config.tz, keys, urls)
        catalog = held.catalog
    else:
        catalog = make_catalog(select(articles, options), config.tz, urls)
    clustering = time.perf_counter()
    last = None  # the last build's links, when this one plans what it did
    if changes is not None:
        assert basis is not None
        last = held.outline if held is not None else basis.outline()
    reused = last if changes is not None and not changes.relink else None
    if held is not None and reused is not None:
        links, outline = held.links, held.outline
    else:
        changed = changes.ids if changes is not None else frozenset()
        links, outline = _links(catalog, keys, cache, reused, options.jobs, held, changed)
    marked = None  # the entries this build changed, when it plans what the last one did
    # (or a grown plan: then also the entries it added)
    if changes is not None and last is not None:
        marked = marked_urls(catalog, changes, last, outline, urls)
    # The held pages show the links found again but for these entries' (by URL).
    moved = moved_links(held.outline, outline) if held is not None else set()
    report.timings["cluster"] = round(time.perf_counter() - clustering, 4)
    mark += time.perf_counter() - clustering  # the plan stage is timed without it

    def write_pages() -> tuple[int, Plan | None]:
        """Plan, fingerprint, render and write the pages; the number of outputs, and the
        plan when a process keeps it. A function of its own so that (otherwise) the page
        plan is let go before the search stage, which reuses its memory."""
        replaced = None  # the held pages planned again, by number
        if held is None:
            pages = list(plan_pages(catalog, config, urls, options.now, links))
        elif moved:
            pages, replaced = held.relinked(links, moved, config, urls, options.now)
        else:
            pages = held.pages
        if held is None or redate:
            feeds = plan_feeds(catalog, config, urls, options.now)
        else:
            feeds = held.feeds  # each dated as it was
        site = site_view(config, urls)
        statics = static_files(config)
        lists = filter_lists(catalog, urls) if config.search.enabled else []
        if held is None:  # the held plan's outputs were claimed once
            claim_outputs(
                pages,
                [(rel, "a static file") for rel in [*statics, MARKER]]
                + [(SITEMAP, "the sitemap")]
                + [(f.path, f"the {f.kind} feed {f.url}") for f in feeds]
                + [(f.path, "a search list") for f in lists],
            )
        if held is not None:
            previous = held.record
        else:
            previous = cache.pages(cache_site) if cache is not None else {}
        # The sitemap shows each article's place and dates alone (the held lines: `put`).
        # A build that plans what the last one did with every date as it was shows what
        # that one's did: its recorded basis stands, and its lines are made only if it is.
        recorded = None
        if held is None and options.plan is None and marked is not None and not redate:
            recorded = previous.get(SITEMAP)
        if held is not None:
            lines: list[str] | None = held.lines
        else:
            lines = None if recorded is not None else entry_lines(catalog.entries, urls)
        site_basis = None
        if held is not None and not redate:
            site_basis = held.sitemap
        elif lines is not None:
            site_basis = sitemap_basis(catalog, lines)
        made = _made_files(statics, catalog, urls, lists, (site_basis, lines))
        others = [f.path for f in made]
        report.feeds = len(feeds)
        lap("plan")

        paths = [p.output for p in pages] + [f.path for f in feeds]
        stamps = held.stamps if held is not None else None
        fingerprinter = Fingerprinter(salt, keys, catalog.entries, stamps)
        # A held plan's outputs that no change reaches are as this process wrote them: only
        # the others are digested, `stat`ed and recorded again. (With no contents changed,
        # this build runs because an output changed: every file is `stat`ed.)
        trusted = held is not None and bool(changes and changes.ids)
        kept = None
        numbers: Sequence[int] = range(len(paths))  # the outputs digested
        if marked is not None:
            # (A held page shows other links only if it shows a moved entry: marked.)
            reach = held.reach(marked) if held is not None else reached(pages, feeds, marked, grown)
            if redate:
                reach.update(range(len(pages), len(paths)))
            if trusted:
                reach.update(i for i, path in enumerate(paths) if path not in previous)
                numbers = sorted(reach)
            else:
                kept = kept_fingerprints(paths, previous, reach)
        fingerprint_state = FingerprintState(
            fingerprinter, pages, feeds, output if previous else None, previous, kept
        )
        if trusted:
            report.fingerprinted = len(numbers)
            fingerprints, live, verified = fingerprint_reached(fingerprint_state, numbers)
        else:
            report.fingerprinted = len(paths) if kept is None else kept.count(None)
            fingerprints, live, verified = fingerprint_outputs(fingerprint_state, options.jobs)
        planned = set(paths) | set(others)
        if previous:
            live.update(live_files(output, others))
            live.update(live_files(output, previous.keys() - planned))
        else:  # every file but the search index, which its own stage keeps
            live = {
                p: s for p, s in existing_files(output).items() if not p.startswith(INDEX + "/")
            }
        hashes: dict[str, str] = {}  # content hash of each output, for its page record
        todo = stale_outputs(paths, numbers, fingerprints, previous, live, verified, hashes)
        # (A grown catalog's search lists may shift: numbered from the oldest.)
        known = kept_bases(made, previous, marked) if marked is not None and not grown else {}
        if recorded is not None:
            known[SITEMAP] = recorded[0]
        staging: Staging | None = None  # made when the first file is staged

        def stage(path: str, data: bytes) -> bool:
            nonlocal staging
            if staging is None:
                staging = Staging(output)
            return staging.put(path, data)

        try:
            stale, bases = stale_made(
                made, previous, live, fingerprinter, output, hashes, known, stage
            )
            # The search lists' rows and the sitemap's lines (tens of MB on a large site) go
            # before render forks its workers; a process that keeps its plan keeps the lines.
            del made, lists
            if options.plan is None:
                lines = None
            lap("fingerprint")

            report.articles, report.pages = len(catalog.entries), len(pages)
            report.rendered = len(todo)
            removed = sorted(set(live) - planned)
            if not todo and not stale and not removed:  # (a planned file not live is stale)
                report.unchanged = len(planned)
                if staging is not None:  # (only a file that came out the same was staged)
                    staging.abort()
            else:
                staging = staging or Staging(output)
                changed = list(stale)
                renderer = Renderer(
                    config, urls, site, cache.templates() if cache is not None else None
                )
                jobs = options.jobs if len(todo) > PARALLEL_RENDER else 1
                state = _RenderState(pages, feeds, renderer, staging, config, urls)
                for n, (path, written, digest) in enumerate(
                    fork_map(_render_one, state, todo, jobs, chunksize=32), start=1
                ):
                    hashes[path] = digest
                    if written:
                        changed.append(path)
                    if options.progress and n % 200 == 0:
                        options.progress("render", n, len(todo))
                lap("render")
                staging.commit(sorted(changed), removed)
                report.written, report.removed = len(changed), len(removed)
                report.unchanged = len(planned) - report.written
                live.update(live_files(output, changed))
        except BaseException:
            if staging is not None:
                staging.abort()
            raise
        if cache is not None:
            # the trusted outputs' records stand; every other output's is made again
            record = dict(previous) if trusted else {}
            for path in removed:
                record.pop(path, None)
            for i, fingerprint in zip(numbers, fingerprints, strict=True):
                record[paths[i]] = (fingerprint, *live[paths[i]], hashes[paths[i]])
            record.update({path: (bases[path], *live[path], hashes[path]) for path in others})
            if record != previous:
                cache.save_pages(cache_site, record, previous)
        lap("write")
        if cache is None or options.plan is None:
            return len(planned), None
        unsaved = ("", options.now)  # the stamp is set once saved
        assert site_basis is not None and lines is not None  # made whenever a plan is kept
        plan = Plan(
            cache_site, unsaved, catalog, links, outline, pages, feeds, record, site_basis,
            lines, fingerprinter.stamps,
        )  # fmt: skip
        return len(planned), plan.succeeding(held, replaced)

    outputs, plan = write_pages()
    if options.search:
        entries = catalog.entries if config.search.enabled else ()  # off: an old index goes
        found = update_search_index(
            output, entries, keys, config.language, code_digest(), options.jobs
        )
        report.search_records = found or 0
        lap("search")
    until = plan_expiry(articles, catalog, config, options.now, options.future)
    # Warnings about content (same id twice, topics alike) are kept with the stamp and
    # repeated by a replay; skipped files are not. The cache's own warnings (discarded as
    # foreign or corrupt) concern only the cache this build rebuilt.
    if cache is not None and until is not None and not loaded.problems:
        counts = {"articles": report.articles, "pages": report.pages, "feeds": report.feeds,
                  "outputs": outputs,  # and the index's state, if kept (no state is False)
                  "search": index_state(output) if options.search else False,
                  "notices": said}  # fmt: skip
        shown = basis.links if basis is not None and outline is reused else packed(outline)
        stamp = PlanStamp(plan_key(inputs, loaded.keys), options.now, until, counts, shown)
        cache.save_plan(cache_site, stamp)
        if options.plan is not None and plan is not None:
            plan.stamp = (stamp.key, stamp.now)
            options.plan.keep(plan)
    report.seconds = time.perf_counter() - started
    return report
