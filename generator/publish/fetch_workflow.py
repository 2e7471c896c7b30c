"""`digest init --fetch FEED…`: a site that runs itself. Its workflow fetches the feeds on
a schedule, commits the new articles back (so the archive lives in the repository, not in
a cache), builds, checks and deploys to Pages.

Only the job that commits may write to the repository (`contents: write`). The build and
deploy jobs are the plain workflow's own, run after the fetch job, and its pip install step
is theirs too: one piece serves both workflows. The fetch state is committed with content/,
not kept in an Actions cache, which GitHub may evict at any time.
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
      - name: Fetch
        run: digest fetch
      - name: Commit the new articles and what was fetched
        # fetch-state.json (ETags, and which items were seen) lives in the repository, not
        # in a cache that may be evicted: losing it would fetch every feed in full again and
        # bring back articles deleted from content/.
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git add content
          if [ -f fetch-state.json ]; then git add fetch-state.json; fi
          if git diff --cached --quiet; then echo "Nothing new."; exit 0; fi
          git commit -m "Fetched the news ($(date -u +%Y-%m-%d))"
          git pull --rebase && git push

"""
# The plain workflow's build and deploy jobs, changed only where a run that follows the fetch
# job must differ: after it, on the branch as it left it, with the Pages permissions of their
# own (this workflow's default is read-only).
_AFTER_FETCH = (
    ("  build:\n", "  build:\n    needs: fetch\n" + "".join(
        "    " + line for line in ("permissions:\n", "  contents: read\n", "  pages: write\n",
                                   "  id-token: write\n"))),
    ("      - uses: actions/checkout@v6\n", "      - uses: actions/checkout@v6\n        with:\n"
     "          ref: ${{ github.ref_name }}  # the branch as the fetch job left it\n"),
    ("    needs: build\n", "    needs: build\n    permissions:\n      pages: write\n"
     "      id-token: write\n"),
)  # fmt: skip


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
    """The scheduled workflow: a fetch job that installs digest with the plain workflow's
    own step, then the plain workflow's build and deploy jobs, run after it."""
    install = steps(plain_workflow, "      - name: Install digest", "      - name:")
    jobs = plain_workflow[plain_workflow.index("\n  build:\n") + 1 :]
    for anchor, replacement in _AFTER_FETCH:
        if jobs.count(anchor) != 1:
            raise AssertionError(f"the plain workflow has no single {anchor.strip()!r}")
        jobs = jobs.replace(anchor, replacement)
    return FETCH_WORKFLOW.format(python=python, install_step=install) + jobs


def steps(workflow: str, first: str, until: str) -> str:
    """A workflow's steps from the line starting `first` up to the next line starting `until`."""
    start = workflow.index(first)
    end = workflow.index(until, start + 1)
    return workflow[start:end].rstrip("\n")
