"""`digest init`: a new site folder that builds as is and deploys to GitHub Pages.

Every file is written only if nothing exists at its path: a scaffold that
overwrote a user's digest.toml or workflow would destroy work without asking.
"""

from __future__ import annotations

from pathlib import Path

from generator.core.atomic import write_new
from generator.core.errors import DigestError, Problem
from generator.publish.fetch_workflow import fetch_config, fetch_workflow

PYTHON_VERSION = "3.12"

CONFIG = """\
# digest.toml: settings for this site. Every setting is listed; a commented line shows
# its default (or an example where there is none): uncomment it to change it.
# Unknown keys are errors, so a typo never goes unnoticed.

title = "News digest"
description = "A daily digest of the news."
# language = "en"                 # the pages' lang attribute
# The address the site is published at. The GitHub Pages workflow overrides it
# with --base-url, so this value is what local builds and previews use.
base_url = "http://127.0.0.1:8000/"
# timezone = "UTC"                # days are grouped in this zone, e.g. "Asia/Karachi"
# author = ""                     # the publisher named in feeds and page metadata

[paths]                           # folders, relative to this file
# content = "content"             # Markdown articles, one file each
# output = "site"                 # the built site (replaced whole on every build)
# templates = "templates"         # your templates, overriding the theme's by name
# static = "static"               # files copied to site/static/ as they are
# cache = ".digest-cache"         # build cache; safe to delete

[pages]
# topic_page_size = 20            # articles per topic (and tag) page
# source_page_size = 20           # articles per source page
# home_hours = 24                  # the home page shows the last 24 hours of stories...
# home_min_articles = 30          # ...and at least this many
# home_days = 14                  # earlier days listed on the home page
# words_per_minute = 200          # reading speed behind "N min read"

[feeds]
# limit = 50                      # newest articles per feed
# days = 30                       # also drop articles older than this (default: no limit)
# content = "full"                # "full" article text or only the "summary"

[import]
# paths = ["imports/*.jsonl"]     # sources `digest import` reads (default: none)
# timezones = { "dawn" = "Asia/Karachi" }   # zone for naive source dates, by source name
# date_fallback = true            # no publication date: use another date field or the path
# junk_titles = ["Live updates*"]  # more titles that are not headlines ('*': any text)

[topics]
# aliases = { "Sports" = "Sport", "Global" = "World" }   # show a topic under another name

[search]
# enabled = true                  # a search page and box; indexing costs time on big archives

[build]
# max_article_bytes = 5000000     # larger content files are rejected
# drafts = false                  # publish articles marked draft: true
# future = false                  # publish articles dated after the build
"""

ARTICLE = """\
---
title: "Welcome to your news digest"
date: "{date}"
topic: "Site news"
source: "digest"
author: "The editors"
tags: ["meta"]
summary: "How this site is made: one Markdown file per article, grouped by day and topic."
---

Every article is one Markdown file under `content/`, with front matter between the
`---` lines. `title` and `date` (ISO 8601 with an offset) are required; `topic`,
`source`, `author`, `tags`, `url` (the original article), `image` and `summary`
are optional.

Run `digest build` to make the site in `site/`, or `digest serve` to preview it.
Delete this file once you have articles of your own.
"""

TEMPLATES_README = """\
Templates placed here override the default theme's templates of the same name
(base.html, home.html, day.html, topic.html, article.html, ...).

Copy the theme's file you want to change into this folder and edit the copy:
everything you do not override keeps following the theme.
"""

GITIGNORE = """\
site/
.digest-cache/
.digest-preview/
# a build's working files beside its output: staging, journal, replaced pages being deleted
.site.*
.digest-preview.*
"""

WORKFLOW = """\
# Build the digest and publish it with GitHub Pages.
# One-time setup: repository Settings → Pages → Build and deployment → Source: "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "{python}"
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v6
      - name: Install digest
        # digest is published as "news-digest" (the command is still `digest`). To install
        # from a git repository instead, pinned to a tag:
        #   pip install "news-digest @ git+https://github.com/OWNER/REPO.git@v0.1.0"
        run: pip install "{install}"
      - name: Restore the build cache of the last run
        # digest's cache is portable: on a fresh runner, where every file looks new, it
        # trusts content hashes, so unchanged articles are not parsed again and unchanged
        # pages not rendered again. A new key whenever the content changes; the restore
        # key finds the newest earlier one.
        uses: actions/cache@v4
        with:
          path: |
            .digest-cache
            site
          key: digest-build-${{{{ hashFiles('content/**', 'templates/**', 'static/**', 'digest.toml') }}}}
          restore-keys: digest-build-
      - name: Build
        run: digest build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - name: Check links and feeds
        run: digest check --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v5
        with:
          path: site  # [paths] output in digest.toml

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy
        id: deployment
        uses: actions/deploy-pages@v5
"""


def scaffold_files(today: str, install: str, feeds: tuple[str, ...] = ()) -> dict[str, str]:
    """The new site's files by relative path.

    `today` (YYYY-MM-DD) dates the example article so the first build shows it;
    `install` is the pip requirement the workflow installs digest with; `feeds`, when
    given, subscribe the site and make its workflow fetch them on a schedule.
    """
    workflow = WORKFLOW.format(python=PYTHON_VERSION, install=install)
    if feeds:
        workflow = fetch_workflow(workflow, PYTHON_VERSION)
    return {
        "digest.toml": CONFIG + fetch_config(feeds),
        f"content/{today[:4]}/{today[5:7]}/{today[8:10]}/welcome.md": ARTICLE.format(
            date=f"{today}T00:00:00+00:00"
        ),
        "templates/README.md": TEMPLATES_README,
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": workflow,
    }


def init_site(folder: Path, today: str, install: str, feeds: tuple[str, ...] = ()) -> list[str]:
    """Write the scaffold into `folder`; returns the paths written.

    Refuses (writing nothing) when any of the files already exists.
    """
    files = scaffold_files(today, install, feeds)
    taken = [rel for rel in files if (folder / rel).exists() or (folder / rel).is_symlink()]
    if taken:
        raise DigestError(
            [
                Problem(folder / rel, "already exists and digest init never overwrites files; "
                        "move it away or run digest init in an empty folder")
                for rel in taken
            ]
        )  # fmt: skip
    for rel, text in files.items():
        write_new(folder / rel, text.encode("utf-8"))
    return list(files)
