"""Every URL and output path in one place, aware of the site's sub-path.

A page's URL is site-relative and starts with the base path ('/news/...'); its
output path is the same minus the base path, with index.html for pretty URLs.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit


class Urls:
    def __init__(self, base_url: str):
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base_path = parts.path  # always ends with '/'
        self._days: dict[dt.date, str] = {}  # a day's folder: strftime is slow, days repeat

    def page(self, rel: str) -> str:
        """Site-relative URL of `rel` (a path under the site root, '' for home)."""
        return self.base_path + rel

    def absolute(self, url: str) -> str:
        """Absolute URL of a site-relative one."""
        return self.origin + url

    @staticmethod
    def output_path(rel: str) -> str:
        """Where a page at `rel` is written: directories get index.html."""
        if rel == "" or rel.endswith("/"):
            return rel + "index.html"
        return rel

    def home(self) -> str:
        return self.page("")

    def day(self, day: dt.date) -> str:
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = self.page(f"{day:%Y/%m/%d}/")
        return found

    def month(self, year: int, month: int) -> str:
        return self.page(f"{year:04d}/{month:02d}/")

    def year(self, year: int) -> str:
        return self.page(f"{year:04d}/")

    def article(self, day: dt.date, slug: str) -> str:
        return f"{self.day(day)}{slug}/"

    def archive(self) -> str:
        return self.page("archive/")

    # A group's own URL shows its newest articles; archived listing pages are numbered
    # from the oldest (page/1/ holds the oldest), so they keep their content (pages.py).
    def topics(self) -> str:
        return self.page("topics/")

    def topic(self, slug: str, page: int | None = None) -> str:
        return self.page(f"topics/{slug}/" + (f"page/{page}/" if page else ""))

    def sources(self) -> str:
        return self.page("sources/")

    def source(self, slug: str, page: int | None = None) -> str:
        return self.page(f"sources/{slug}/" + (f"page/{page}/" if page else ""))

    def tags(self) -> str:
        return self.page("tags/")

    def tag(self, slug: str, page: int | None = None) -> str:
        return self.page(f"tags/{slug}/" + (f"page/{page}/" if page else ""))

    def search(self) -> str:
        return self.page("search/")

    def search_index(self) -> str:
        """The folder of the search indexes the build's last stage writes (one per month)."""
        return self.page("pagefind/")

    def search_lists(self) -> str:
        """The folder of each topic's and source's article list (a search without words)."""
        return self.page("search/lists/")

    def static(self, name: str) -> str:
        return self.page(f"static/{name}")

    def feed(self, kind: str = "rss", scope: str = "") -> str:
        """The site's feeds live at the root; topic and source feeds beside their pages."""
        name = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}[kind]
        return self.page(scope + name)

    def topic_feed(self, slug: str) -> str:
        return self.feed("rss", f"topics/{slug}/")

    def source_feed(self, slug: str) -> str:
        return self.feed("rss", f"sources/{slug}/")

    def rel(self, url: str) -> str:
        """Strip the base path: the inverse of page()."""
        if not url.startswith(self.base_path):
            raise ValueError(f"{url!r} is outside the site's base path {self.base_path!r}")
        return url[len(self.base_path) :]
