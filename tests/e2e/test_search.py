"""Search as a reader uses it: the example site served under /news/, in headless Chromium."""

from __future__ import annotations

import time

import pytest

from generator.build import search_filters
from tests.support.sites import Site, local_only, served_under

pytestmark = pytest.mark.browser

ARTICLE = "2025/06/10/heavy-imports-causing-trade-imbalances/"  # Business, Dawn
BODY_WORD = "soyabean"  # only in that article's body, not its title or summary


# A site over three months (three Pagefind indexes): (slug, date, topic, body)
MONTHS = [
    ("oldest-harbour", "2025-01-10T09:00:00+00:00", "Economy", "The harbour reopened to cargo."),
    ("old-match", "2025-01-20T09:00:00+00:00", "Sport", "A match by the harbour wall."),
    ("middle-budget", "2025-02-10T09:00:00+00:00", "Economy", "The budget spoke of a tanker."),
    ("newest-harbour", "2025-03-10T09:00:00+00:00", "Economy", "The harbour dredging began."),
    ("newest-sport", "2025-03-12T09:00:00+00:00", "Sport", "Rowers trained in the harbour."),
]
APP = {"old-match", "newest-harbour"}  # the others are Dawn's


@pytest.fixture(scope="module")
def months_site(tmp_path_factory):
    """Five articles over three months, built for and served at http://127.0.0.1:PORT/news/."""
    root = tmp_path_factory.mktemp("months")
    site = Site(root / "site-root")
    for slug, date, topic, body in MONTHS:
        source = "APP" if slug in APP else "Dawn"
        site.add(slug, slug.replace("-", " ").title(), date, body, topic=topic, source=source)
    with served_under(root / "www", "news") as base, pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_filters, "SIZE", 2)  # lists of two files or more
        site.build(overrides={"base_url": base})
        (root / "www" / "news").symlink_to(site.out, target_is_directory=True)
        yield base


def url(base: str, slug: str) -> str:
    date = next(d for s, d, _, _ in MONTHS if s == slug)
    return f"{base}{date[:4]}/{date[5:7]}/{date[8:10]}/{slug}/"


def test_one_query_finds_articles_of_every_month_and_the_topic_filter_spans_them(months_site, page):
    base = months_site
    page.goto(base + "search/")
    page.locator("#search-q").fill("harbour")
    page.wait_for_function("() => document.querySelectorAll('#search-results a').length === 4")
    assert set(result_links(page)) == {
        url(base, s) for s in ("oldest-harbour", "old-match", "newest-harbour", "newest-sport")
    }
    page.locator("#search-topic").select_option("Economy")
    page.wait_for_function("() => document.querySelectorAll('#search-results a').length === 2")
    assert set(result_links(page)) == {url(base, "oldest-harbour"), url(base, "newest-harbour")}
    assert page.url == base + "search/?q=harbour&topic=Economy"


def test_a_word_of_one_month_finds_only_its_article(months_site, page):
    # Pagefind alone matches an index without the word on its longest prefix ("tanker" on
    # "t…"): the other months must not add such results
    base = months_site
    page.goto(base + "search/?q=tanker")
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent === '1 article found.'"
        " && document.querySelector('#search-results a')"
    )
    assert result_links(page) == [url(base, "middle-budget")]


def test_a_topic_alone_lists_its_articles_newest_first_across_months(months_site, page):
    base = months_site
    asked = []
    page.on("request", lambda request: asked.append(request.url))  # the page's and its workers'
    page.goto(base + "search/?topic=Economy")
    settled(page, "topic=Economy")
    assert result_links(page) == [
        url(base, s) for s in ("newest-harbour", "middle-budget", "oldest-harbour")
    ]
    assert page.locator("#search-status").inner_text() == "3 articles found."
    item = page.locator("#search-results li").first
    assert item.locator(".source").inner_text() == "APP"
    assert item.locator(".topic").inner_text() == "Economy"
    assert item.locator(".summary").inner_text() == "The harbour dredging began."
    # the build's lists answer it: Pagefind loads no word or filter chunk of any month
    assert not [u for u in asked if "/index/" in u or "/filter/" in u]


def test_a_source_alone_and_a_topic_with_a_source_list_theirs_newest_first(months_site, page):
    base = months_site
    page.goto(base + "search/?source=Dawn")
    settled(page, "source=Dawn")
    assert result_links(page) == [
        url(base, s) for s in ("newest-sport", "middle-budget", "oldest-harbour")
    ]
    page.locator("#search-topic").select_option("Economy")
    settled(page, "topic=Economy&source=Dawn")
    assert result_links(page) == [url(base, s) for s in ("middle-budget", "oldest-harbour")]
    assert page.locator("#search-status").inner_text() == "2 articles found."
    page.locator("#search-source").select_option("APP")
    page.locator("#search-topic").select_option("Sport")
    settled(page, "topic=Sport&source=APP")
    assert result_links(page) == [url(base, "old-match")]
    assert page.url == base + "search/?topic=Sport&source=APP"


# records [status, links] at every change of the status line or the results, from the start
WATCH = """() => {
  window.seen = [];
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  const note = () => window.seen.push([
    status.textContent, [...list.querySelectorAll('a')].map(a => a.href), list.ariaBusy]);
  const watch = new MutationObserver(note);
  for (const node of [status, list]) watch.observe(node, {childList: true, subtree: true, characterData: true});
}"""


def test_the_newest_month_is_drawn_first_then_older_months_are_added(months_site, page):
    base = months_site
    page.goto(base + "search/")
    page.evaluate(WATCH)
    page.locator("#search-q").fill("harbour")
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent === '4 articles found.'"
        " && document.querySelectorAll('#search-results a').length === 4"
    )
    newest = {url(base, "newest-harbour"), url(base, "newest-sport")}
    oldest = {url(base, "oldest-harbour"), url(base, "old-match")}
    seen = page.evaluate("() => window.seen")
    partial = [
        links
        for text, links, _ in seen
        if text == "2 articles found so far; searching older months…" and links
    ]
    assert partial and set(partial[0]) == newest  # March alone, before January is in
    links = result_links(page)
    assert set(links[:2]) == newest and set(links[2:]) == oldest  # appended, never reordered
    assert page.locator("#search-status").get_attribute("role") == "status"
    assert page.locator("#search-results").get_attribute("aria-busy") is None
    assert seen[-1][2] is None and any(busy == "true" for _, _, busy in seen)


def test_a_new_query_stops_the_one_still_searching(months_site, page):
    base = months_site
    page.goto(base + "search/")
    page.locator("#search-q").fill("harbour")
    page.locator("#search-q").fill("tanker")
    page.locator("#search-q").press("Enter")
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent === '1 article found.'"
        " && document.querySelector('#search-results a')"
    )
    time.sleep(0.5)  # a stale search still running would draw its results by now
    assert result_links(page) == [url(base, "middle-budget")]
    assert page.locator("#search-status").inner_text() == "1 article found."


def settled(page, query: str) -> None:
    """Waits until every month has answered the query (the results name it, the count is final)."""
    page.wait_for_function(
        "q => document.getElementById('search-results').dataset.query === q"
        " && document.getElementById('search-status').textContent.endsWith(' found.')",
        arg=query,
    )


def result_links(page) -> list[str]:
    return page.locator("#search-results a").evaluate_all("links => links.map(a => a.href)")


def test_a_word_from_an_article_body_finds_it_under_news(served, page):
    site, base = served
    assert BODY_WORD not in site.read(ARTICLE + "index.html").split('<div class="body">')[0]
    page.goto(base + "search/")
    search_box = page.locator("main input[type=search]")
    search_box.type(BODY_WORD, delay=30)
    typed = time.monotonic()
    # earlier keystrokes may show results for a prefix first: wait for the whole word's
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent === '1 article found.'"
        " && document.querySelector('#search-results a')"
    )
    waited = time.monotonic() - typed
    assert result_links(page) == [base + ARTICLE]
    item = page.locator("#search-results li").first
    assert "Heavy imports causing trade imbalances" in item.locator("h2").inner_text()
    assert item.locator("time").get_attribute("datetime").startswith("2025-06-10T")
    assert item.locator(".source").inner_text() == "Dawn"
    assert BODY_WORD in item.locator("mark").first.inner_text().lower()
    assert waited < 2.0, f"results {waited:.2f} s after the last keystroke"
    page.locator("#search-results a").first.click()
    page.wait_for_url(base + ARTICLE)
    assert page.locator("h1").inner_text() == "Heavy imports causing trade imbalances"


def test_the_topic_filter_narrows_the_results(served, page):
    _, base = served
    page.goto(base + "search/")
    page.locator("#search-q").fill("Pakistan")
    settled(page, "q=Pakistan")
    everything = result_links(page)
    assert len(everything) > 1
    page.locator("#search-topic").select_option("Business")
    settled(page, "q=Pakistan&topic=Business")
    assert len(result_links(page)) < len(everything)
    topics = page.locator("#search-results .topic").all_inner_texts()
    assert topics and set(topics) == {"Business"}
    assert base + ARTICLE in result_links(page)
    assert page.url == base + "search/?q=Pakistan&topic=Business"  # the search can be shared


def test_the_header_search_box_leads_to_the_search_page(served, page):
    _, base = served
    page.goto(base + "2021/08/11/")
    page.locator("header input[type=search]").fill(BODY_WORD)
    page.locator("header input[type=search]").press("Enter")
    page.wait_for_url(base + f"search/?q={BODY_WORD}")
    page.wait_for_selector("#search-results a")
    assert result_links(page) == [base + ARTICLE]
    assert page.locator("main input[type=search]").input_value() == BODY_WORD


def test_without_javascript_the_search_page_says_what_to_do_instead(served, browser):
    _, base = served
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.route("**/*", local_only)
        tab.goto(base + f"search/?q={BODY_WORD}")
        notice = tab.locator("main .notice")
        assert notice.is_visible()
        assert notice.inner_text() == (
            "Search runs in your browser and needs JavaScript, which is off. Without it, "
            "find articles by topic, by source or by day in the archive."
        )
    finally:
        context.close()


def test_search_results_have_no_axe_violations(served, page):
    from tests.support.checkers import AXE, need

    need(AXE, "axe-core (npm axe-core)")
    _, base = served
    page.goto(base + "search/?q=Pakistan")
    page.wait_for_selector("#search-results a")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    assert result["passes"]
    assert not [f"{v['id']}: {v['help']}" for v in result["violations"]]
