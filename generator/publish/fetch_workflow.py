"""`digest init --fetch FEED…`: a site that runs itself. Its workflow fetches the feeds on
a schedule, commits the new articles back (so the archive lives in the repository, not in
a cache), builds, checks and deploys to Pages.

Only the job that commits may write to the repository (`contents: write`); the build and
deploy jobs keep the Pages permissions of the plain workflow. The pip install step is
taken from the plain workflow, so both install digest the same way.
"""

from __future__ import annotations

import json

FETCH_CONFIG = """
[fetch]
{feeds}
# opml = "feeds.opml"             # subscriptions exported from a feed reader
# connections_per_host = 2        # parallel requests to one site
# delay = 1.0                     # seconds between requests to one site (robots.txt may ask more)
# timeout = 30.0                  # seconds before a request is given up
# retries = 2                     # further tries after a 5xx, a 429 or a network error
# max_bytes = 10000000            # larger feeds and pages are refused
# full_text = true                # download the article page when a feed gives only a summary
"""

FETCH_WORKFLOW = """\
# Fetch the news every day, keep it in this repository, and publish it with GitHub Pages.
# One-time setup: repository Settings → Pages → Build and deployment → Source: "GitHub Actions".
name: Fetch the news and publish

on:
  schedule:
    - cron: "17 5 * * *"  # every day at 05:17 UTC; see crontab.guru to change it
  workflow_dispatch:  # "Run workflow" on the Actions tab
  push:
    branches: [main]

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  fetch:
    runs-on: ubuntu-latest
    permissions:
      contents: write  # the only job that writes: it commits the fetched articles
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "{python}"
{install_step}
      - name: Remember what was fetched (ETag, Last-Modified) between runs
        uses: actions/cache@v4
        with:
          path: .digest-cache/fetch-state.json
          key: digest-fetch-${{{{ github.run_id }}}}
          restore-keys: digest-fetch-
      - name: Fetch
        run: digest fetch
      - name: Commit the new articles
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git add content
          if git diff --cached --quiet; then echo "Nothing new."; exit 0; fi
          git commit -m "Fetched the news ($(date -u +%Y-%m-%d))"
          git pull --rebase && git push

  build:
    needs: fetch
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    steps:
      - uses: actions/checkout@v6
        with:
          ref: ${{{{ github.ref_name }}}}  # the branch as the fetch job left it
      - uses: actions/setup-python@v6
        with:
          python-version: "{python}"
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v6
{install_step}
{build_steps}
      - uses: actions/upload-pages-artifact@v5
        with:
          path: site  # [paths] output in digest.toml

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy
        id: deployment
        uses: actions/deploy-pages@v5
"""


def fetch_config(feeds: tuple[str, ...]) -> str:
    """The [fetch] section of digest.toml, subscribed to `feeds` (a commented example
    when there are none)."""
    line = (
        f"feeds = {json.dumps(list(feeds))}"
        if feeds
        else '# feeds = ["https://example.com/rss.xml"]   # feeds `digest fetch` reads'
    )
    return FETCH_CONFIG.format(feeds=line)


def fetch_workflow(plain_workflow: str, python: str) -> str:
    """The scheduled workflow, installing, building and checking with the plain workflow's
    own steps."""
    return FETCH_WORKFLOW.format(
        python=python,
        install_step=steps(plain_workflow, "      - name: Install digest", "      - name:"),
        build_steps=steps(
            plain_workflow,
            "      - name: Restore the build cache",
            "      - uses: actions/upload-pages-artifact",
        ),
    )


def steps(workflow: str, first: str, until: str) -> str:
    """A workflow's steps from the line starting `first` up to the next line starting `until`."""
    start = workflow.index(first)
    end = workflow.index(until, start + 1)
    return workflow[start:end].rstrip("\n")
