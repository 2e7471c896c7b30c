"""The /tags/ index and the print-edition line: small pages readers expect."""

from __future__ import annotations

import re


def test_tags_index_lists_every_tag_with_its_count_and_is_linked(site):
    site.config('base_url = "https://example.github.io/news/"\n')
    site.add("a", "One", "2025-03-01T10:00:00+00:00", tags=["Budget", "Trade"])
    site.add("b", "Two", "2025-03-02T10:00:00+00:00", tags=["Budget"])
    site.add("c", "Three", "2025-03-03T10:00:00+00:00")
    site.build()
    page = site.read("tags/index.html")
    found = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span></li>', page
    )
    assert found == [("/news/tags/budget/", "Budget", "2"), ("/news/tags/trade/", "Trade", "1")]
    assert "<title>Tags · News digest</title>" in page
    for rel in ("index.html", "2025/03/03/three/index.html", "tags/index.html"):
        assert '<a href="/news/tags/"' in site.read(rel)
    assert '<a href="/news/tags/" aria-current="page">Tags</a>' in page


def test_a_site_without_tags_says_so(site):
    site.add("a", "One", "2025-03-01T10:00:00+00:00")
    site.build()
    assert "<h1>Tags</h1>\n<p>None yet.</p>" in site.read("tags/index.html")


def test_the_print_edition_line_appears_on_the_article_page(site):
    site.add("a", "One", "2025-03-01T10:00:00+00:00", print_edition="Dawn, June 10th, 2025")
    site.add("b", "Two", "2025-03-01T11:00:00+00:00", print_edition=["not", "text"])
    site.add("c", "Three", "2025-03-01T12:00:00+00:00", print_edition="<b>Dawn</b>")
    site.build()
    one = site.read("2025/03/01/one/index.html")
    assert '<p class="print-edition">Print edition: Dawn, June 10th, 2025</p>' in one
    assert "print-edition" not in site.read("2025/03/01/two/index.html")
    three = site.read("2025/03/01/three/index.html")
    assert "Print edition: &lt;b&gt;Dawn&lt;/b&gt;" in three  # text, never markup
