"""Property tests: whatever a scraper saves, the importer neither crashes nor writes outside content/."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.files import find_content
from generator.content.front_matter import parse_article
from generator.content.markup import MarkdownRenderer
from generator.core.config import load_config
from generator.core.sanitise import plain_text
from generator.importing.importer import ImportOptions, import_sources
from generator.importing.markdown_escape import body_to_markdown
from generator.importing.readers.records import FIELDS

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RENDERER = MarkdownRenderer()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def import_one(name: str, data: bytes, day: dt.date | None) -> None:
    """Import one file into a fresh site; check what was written, and where."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "digest.toml").write_text('timezone = "Asia/Karachi"\n', encoding="utf-8")
        src = root / "in" / "some topic"
        src.mkdir(parents=True)
        (src / name).write_bytes(data)
        config = load_config(root / "digest.toml")
        report = import_sources(config, [root / "in"], ImportOptions(now=NOW, date=day))
        # every file gives an outcome, or the note that the folder's odd files were skipped
        assert report.items or report.warnings[0].startswith("skipped 1 file that is not")
        for item in report.items:
            assert item.outcome in ("new", "failed", "duplicate", "merged"), item
            if item.outcome == "failed":
                assert item.reason
        written = {
            p.relative_to(root).parts[0]
            for p in root.rglob("*")
            if p.is_file() and not p.is_relative_to(src)
        }
        assert written <= {"digest.toml", "content", ".digest-cache"}
        for path in find_content(root / "content"):
            article = parse_article(path, path.read_bytes(), config.tz, RENDERER.render, 10**8)
            assert article.title
        new = [i for i in report.items if i.outcome == "new"]
        assert len(list(find_content(root / "content"))) == len(new)


days = st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))


@SETTINGS
@given(text=st.text(), name=st.sampled_from(["a.txt", "b.md", "c", "d.json", "e.jsonl"]), day=days)
def test_arbitrary_text_never_crashes(text, name, day):
    import_one(name, text.encode("utf-8", "surrogatepass"), day)


@SETTINGS
@given(data=st.binary(max_size=2000), day=days)
def test_arbitrary_bytes_never_crash(data, day):
    import_one("raw.txt", data, day)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=200)
    | st.sampled_from(["2025-06-10T01:12:59.000Z", "August 11, 2021 07:46am", "https://x.test/a"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
known_keys = st.sampled_from(
    sorted({k for names in FIELDS.values() for k in names} | {"date_published", "pubDate"})
)
records = st.dictionaries(known_keys | st.text(max_size=10), values, max_size=10)
# Records with a title and a body, so the writing path is exercised too, not just refusals.
full_records = st.fixed_dictionaries(
    {"title": st.text(min_size=1), "content": st.text(min_size=1)},
    optional={
        "date_published": values,
        "link": st.text(max_size=30).map(lambda t: "https://x.test/" + t),
        "author": values,
        "tags": values,
        "categories": values,
        "source": values,
        "image": values,
    },
)


@SETTINGS
@given(items=st.lists(full_records | records | values, max_size=4), day=days, lines=st.booleans())
def test_arbitrary_json_never_crashes(items, day, lines):
    if lines:
        data = "\n".join(json.dumps(i, allow_nan=True) for i in items)
        import_one("batch.jsonl", data.encode("utf-8", "surrogatepass"), day)
    else:
        import_one("batch.json", json.dumps(items).encode("utf-8", "surrogatepass"), day)


paragraph = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80
).filter(lambda t: t.strip() and t.strip()[0] not in "•●▪◦")


@settings(max_examples=200, deadline=None)
@given(paras=st.lists(paragraph, min_size=1, max_size=4))
def test_markdown_shows_the_text_as_written(paras):
    """Whatever the prose holds (#, 1., >, *, <b>, &amp;), the page shows exactly it."""
    markdown = body_to_markdown("\n\n".join(paras))
    html = RENDERER.render(markdown)
    shown = [plain_text(p) for p in html.split("</p>") if plain_text(p)]
    assert shown == [" ".join(p.split()) for p in paras if " ".join(p.split())]
