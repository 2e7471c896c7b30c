"""The archive's picture: articles per day of each year as an inline SVG, with a text
alternative, above the list of days it summarises."""

from __future__ import annotations

import re


def test_each_year_has_a_bar_per_day_scaled_to_its_busiest_day(site):
    for i in range(2):
        site.add(f"a{i}", f"Jan {i}", f"2025-01-01T1{i}:00:00+00:00")
    for i in range(4):
        site.add(f"b{i}", f"Mar {i}", f"2025-03-01T1{i}:00:00+00:00")
    site.add("c", "Leap", "2024-12-31T10:00:00+00:00")
    site.build()
    page = site.read("archive/index.html")
    charts = re.findall(r'<svg role="img" aria-label="Articles per day in (\d+)([^"]+)" '
                        r'viewBox="0 0 (\d+) 60"[^>]*>\s*<path d="([^"]+)"/>', page)  # fmt: skip
    assert charts == [
        ("2025", ": 6 on 2 days; the busiest, 1 March 2025, had 4.", "365",
         "M0 60v-30h1v30zM59 60v-60h1v60z"),
        ("2024", ": 1 on 1 day; the busiest, 31 December 2024, had 1.", "366",
         "M365 60v-60h1v60z"),
    ]  # fmt: skip
    # the list of days, with their counts, follows each chart
    assert page.index("<svg") < page.index('href="/2025/03/01/"') < page.index("in 2024")
