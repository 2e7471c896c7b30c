"""Search after incremental builds, in headless Chromium: edits, deletions and new articles
answered from the delta index, then after its compaction, exactly as a clean build answers;
each month's index in parts (a small PART_TEXT), as a busy month's is."""

from __future__ import annotations

import contextlib
import json
import shutil

import pytest

from generator.build import pagefind_service, search_index
from tests.support.sites import Site, served_under

pytestmark = pytest.mark.browser

TOPICS = ["Economy", "Sport", "Courts"]
# words of the generated bodies: none starts with q, y or z (Pagefind matches a word missing
# from an index on its longest prefix: the words below must not share one with the text)
WORDS = [
    "harbour",
    "budget",
    "cargo",
    "tanker",
    "rowers",
    "dredging",
    "match",
    "wall",
    "cotton",
    "rupee",
    "monsoon",
]
QUERIES = [
    "q=harbour", "q=cargo+tanker", "q=zephyr", "q=quokka", "q=yakonly", "q=freshword",
    "topic=Sport", "q=budget&topic=Courts",
]  # fmt: skip


def body(i: int) -> str:
    return " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 6)) + f" number{i}."


def date(i: int) -> str:
    """Articles 0..179 over four months (2025-01 to 2025-04), a few hours apart."""
    return f"2025-{1 + i // 45:02d}-{1 + i % 45 // 3:02d}T{8 + i % 3:02d}:00:00+00:00"


def populate(site: Site) -> None:
    for i in range(180):
        text = body(i) + (" The quokka was seen." if i == 40 else "")
        text += " Only the yakonly herd." if i == 150 else ""
        site.add(f"a{i}", f"Story {i}", date(i), text, topic=TOPICS[i % 3], source="Dawn")


def change(site: Site) -> None:
    """One edit (quokka out, zephyr in), one deletion, and 50 new articles of today."""
    site.add("a40", "Story 40", date(40), body(40) + " The zephyr blew.", topic="Economy")
    (site.root / "content/a150.md").unlink()
    for i in range(50):
        when = f"2025-04-26T{i // 4:02d}:{i % 4 * 10:02d}:00+00:00"
        site.add(f"n{i}", f"Fresh {i}", when, f"A freshword item {i}. {body(i)}", topic="Sport")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The incremental site (built, changed, built again: a delta) and a clean build of the
    same content, each served under /news/; yields (site, its base URL, the clean one's)."""
    root = tmp_path_factory.mktemp("delta")
    with contextlib.ExitStack() as stack:
        # months of ~2,500 characters of text: each indexed in three parts
        stack.enter_context(pytest.MonkeyPatch.context()).setattr(
            pagefind_service, "PART_TEXT", 1000
        )
        base = stack.enter_context(served_under(root / "www", "news"))
        clean_base = stack.enter_context(served_under(root / "clean-www", "news"))
        site = Site(root / "site-root")
        site.config(f'base_url = "{base}"\n')
        populate(site)
        site.build()
        change(site)
        site.build()
        (root / "www" / "news").symlink_to(site.out, target_is_directory=True)
        shutil.copytree(site.root, root / "clean", ignore=shutil.ignore_patterns("site", ".*"))
        clean = Site(root / "clean")
        clean.config(f'base_url = "{clean_base}"\n')
        clean.build(use_cache=False)
        (root / "clean-www" / "news").symlink_to(clean.out, target_is_directory=True)
        yield site, base, clean_base


# a query typed into the page already open (its indexes stay loaded), as a reader does
ASK = """q => {
  const form = document.getElementById('search-form');
  const wanted = new URLSearchParams(q);
  for (const name of ['q', 'topic', 'source']) form.elements[name].value = wanted.get(name) || '';
  form.requestSubmit();
}"""


def answers(page, base: str, query: str) -> tuple[str, list[str]]:
    """The status line and every result (More clicked until none is left), paths only. The
    search page is loaded once per base (and again after `page.goto("about:blank")`)."""
    if not page.url.startswith(base):
        page.goto(f"{base}search/?{query}")
    else:
        page.evaluate(ASK, query)
    page.wait_for_function(
        "q => document.getElementById('search-results').dataset.query === q"
        " && /found\\.|No articles found/.test(document.getElementById('search-status').textContent)",
        arg=query,
    )
    while page.locator("#search-more").is_visible():
        count = page.locator("#search-results a").count()
        page.locator("#search-more").click()
        page.wait_for_function(
            f"() => document.querySelectorAll('#search-results a').length > {count}"
        )
    links = page.locator("#search-results a").evaluate_all("links => links.map(a => a.href)")
    return page.locator("#search-status").inner_text(), [link.removeprefix(base) for link in links]


def months_of(links: list[str]) -> list[str]:
    return [link[:7] for link in links]


def test_the_delta_answers_edits_deletions_and_new_articles(sites, page):
    site, base, _ = sites
    manifest = json.loads((site.out / "pagefind/shards.json").read_text())
    assert (
        sum(map(len, manifest["recent"].values())) == 51
        and sum(map(len, manifest["gone"].values())) == 2
    )
    edited = "2025/01/14/story-40/"
    assert answers(page, base, "q=zephyr") == ("1 article found.", [edited])
    assert edited not in answers(page, base, "q=quokka")[1]
    assert "2025/04/06/story-150/" not in answers(page, base, "q=yakonly")[1]
    status, links = answers(page, base, "q=freshword")
    assert status == "50 articles found." and all(link.startswith("2025/04/26/") for link in links)
    status, links = answers(page, base, "topic=Sport")
    assert [int(link.split("-")[-1][:-1]) for link in links[:50]] == list(range(49, -1, -1)), links
    assert months_of(links) == sorted(months_of(links), reverse=True)  # newest month first
    days = [link[:10] for link in links]  # a topic alone: newest first across a month's parts
    assert len(days) == 109  # 60 old (one moved to Economy) and 50 new
    assert days == sorted(days, reverse=True), days
    assert json.loads((site.out / "pagefind/shards.json").read_text())["parts"]["2025-02"] == 3


def test_the_incremental_site_answers_as_a_clean_build_before_and_after_compaction(
    sites, page, monkeypatch
):
    site, base, clean_base = sites
    expected = {}
    for query in QUERIES:
        status, links = answers(page, clean_base, query)
        expected[query] = (status, sorted(links), months_of(links))
    page.goto("about:blank")
    for step in ("delta", "compacted"):
        for query in QUERIES:
            status, links = answers(page, base, query)
            assert (status, sorted(links), months_of(links)) == expected[query], (step, query)
        page.goto("about:blank")  # the compacted index is read afresh
        monkeypatch.setattr(search_index, "COMPACT_AT", 10)
        site.build(use_cache=False)  # not replayed: 53 changes, April (50) re-indexes
        manifest = json.loads((site.out / "pagefind/shards.json").read_text())
        assert (
            manifest["months"][0] == "2025-04" and sum(map(len, manifest["recent"].values())) == 1
        )


def test_a_month_index_that_cannot_be_loaded_is_said_and_not_left_searching(tmp_path, page):
    site = Site(tmp_path / "site-root")
    with served_under(tmp_path / "www", "news") as base:
        site.config(f'base_url = "{base}"\n')
        site.add("new", "New harbour", "2025-02-01T10:00:00+00:00", "The harbour.")
        site.add("old", "Old harbour", "2025-01-01T10:00:00+00:00", "The harbour.")
        site.build()
        (site.out / "pagefind/2025-01/pagefind.js").unlink()  # as a half-uploaded site
        (tmp_path / "www" / "news").symlink_to(site.out, target_is_directory=True)
        page.goto(f"{base}search/?q=harbour")
        page.wait_for_function(
            "() => !document.getElementById('search-results').hasAttribute('aria-busy')"
            " && document.getElementById('search-status').textContent.startsWith('Part')"
        )
        assert page.locator("#search-status").inner_text() == (
            "Part of the search index could not be loaded: search again, or reload the page."
        )
