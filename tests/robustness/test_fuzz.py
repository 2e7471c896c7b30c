"""Property tests through the whole build: any front matter and any Markdown body gives a safe,
well-formed site or a DigestError naming the file; never a crash, never a file outside site/.

CI runs the "ci" profile; `DIGEST_FUZZ=long pytest tests/robustness/test_fuzz.py` runs 10,000
examples a test (the long run reported in the issue).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import lxml.html
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.errors import DigestError
from tests.support.safety import files_under, output_problems
from tests.support.sites import CLOCK, Site

settings.register_profile(
    "digest-ci", max_examples=100, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
settings.register_profile("digest-long", settings.get_profile("digest-ci"), max_examples=10_000)
FUZZ = settings(settings.get_profile(f"digest-{os.environ.get('DIGEST_FUZZ', 'ci')}"))

HOSTILE_TEXT = [
    "<script>alert(1)</script>", "</script>", "<!--", "]]>", "{{ 7*7 }}", "{% include 'x' %}",
    "../../etc/passwd", "CON", "nul", "...", "!!!", "\u202e", "\u200b", "\U0001f525", "&amp;",
    "javascript:alert(1)", "data:text/html,x", '" onmouseover="alert(1)', "\x00", "\x1b", "\ud800",
]  # fmt: skip
texts = (
    st.text(max_size=60)
    | st.sampled_from(HOSTILE_TEXT)
    | st.lists(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=10), min_size=1, max_size=4).map(
        "".join
    )
)
dates = (
    st.datetimes(timezones=st.none() | st.timezones(), allow_imaginary=False)
    | st.dates()
    | st.sampled_from(["2021-08-11", "2021-02-30", "0000-01-01", "9999-12-31T23:59:59-12:00"])
    | texts
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts | dates
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
FIELDS = ["title", "date", "updated", "topic", "tags", "source", "author", "dateline", "url",
          "id", "slug", "summary", "image", "image_caption", "draft", "extra"]  # fmt: skip
front_matter = st.fixed_dictionaries(
    {"title": texts | values, "date": dates},
    optional={name: values | texts for name in FIELDS[2:]},
)
MARKUP = [
    "# ", "## ", "> ", "- ", "1. ", "```\n", "    ", "|a|b|\n|-|-|\n", "[x](", ")", "![i](", "<",
    ">", "</", "<p ", "<a href=", "<img src=x onerror=", "<svg onload=", "<iframe ", "<style>",
    "*", "_", "`", "\n", "\n\n", "&#", "&lt;", "javascript:", "data:", "{{", "}}", "{%", "%}",
]  # fmt: skip
bodies = st.lists(st.sampled_from(MARKUP) | st.text(max_size=20), max_size=30).map("".join)


def build_one(text: str) -> tuple[Site, Path, bool]:
    """Build a one-article site from `text` in a fresh folder; (site, folder, built)."""
    folder = Path(tempfile.mkdtemp(prefix="digest-fuzz-"))
    site = Site(folder / "site-root")
    path = site.write("content/fuzz.md", text.encode("utf-8", "surrogatepass"))
    try:
        site.build(clock=CLOCK, jobs=1, use_cache=False, future=True)
    except DigestError as exc:
        assert all(str(p.path).endswith("fuzz.md") for p in exc.problems), str(exc)
        assert not site.out.exists()
        return site, folder, False
    assert path.exists()
    return site, folder, True


def check_site(site: Site, folder: Path) -> None:
    outside = {p for p in files_under(folder) if not p.startswith("site-root/site/")}
    assert outside == {"site-root/content/fuzz.md"}, outside
    assert output_problems(site.out) == []
    for page in site.out.rglob("*.html"):
        lxml.html.document_fromstring(page.read_bytes())  # decodes and parses


def build_and_check(text: str, also=None) -> None:
    """Build one article through the whole pipeline and check the output (then `also(site)`),
    unless the build refused it; the folder is removed afterwards either way."""
    site, folder, built = build_one(text)
    try:
        if built:
            check_site(site, folder)
            if also:
                also(site)
    finally:
        _cleanup(folder)


def _cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(meta=front_matter)
def test_any_front_matter_values(meta: dict) -> None:
    try:
        header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return  # not representable as YAML (e.g. a lone surrogate): nothing to build
    build_and_check(f"---\n{header}---\n\nBody.\n")


@FUZZ
@given(header=st.text(max_size=200) | st.lists(st.sampled_from(
    ["title: ", "date: 2021-08-11", "&a ", "*a", "[", "]", "{", "}", "!!binary ", "!!python/",
     "\n", "- ", "? ", ": ", "'", '"', "\\u", "<<: ", "|\n  ", ">\n  ", "%YAML 1.1\n", "---"]
) | st.text(max_size=8), max_size=25).map("".join))  # fmt: skip
def test_any_front_matter_text(header: str) -> None:
    build_and_check(f"---\n{header}\n---\n\nBody.\n")


@FUZZ
@given(body=bodies, title=texts)
def test_any_markdown_body(body: str, title: str) -> None:
    meta = {"title": title or "Title", "date": dt.datetime(2021, 8, 11, tzinfo=dt.UTC)}
    try:
        header = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        header = "title: Title\ndate: 2021-08-11\n"

    def one_article_page(site: Site) -> None:
        assert len(list(site.out.glob("2021/08/11/*/index.html"))) == 1

    build_and_check(f"---\n{header}---\n\n{body}\n", one_article_page)
