"""The Jinja environment: the site's templates/ over the default theme, StrictUndefined.

Built once per build (each of its worker processes inherits it); compiled templates are kept
in the cache folder, so a build that finds them there does not compile them at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
from pathlib import Path
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from generator.content.article import Article
from generator.core.config import Config
from generator.core.errors import DigestError, Problem
from generator.core.identity import slugify
from generator.core.wording import plural
from generator.site.contexts import SiteView
from generator.site.outputs import OutputFile, Page
from generator.site.urls import Urls


def theme_dir() -> Path:
    """The default theme: shipped inside the wheel, or the repo's templates/ in a checkout."""
    package = Path(__file__).resolve().parent.parent
    bundled = package / "_theme"
    return bundled if bundled.is_dir() else package.parent / "templates"


_DATE_FORMATS = {
    "long": "%A, %-d %B %Y",
    "day": "%-d %B %Y",
    "short": "%-d %b %Y",
    "time": "%H:%M",
    "datetime": "%-d %B %Y, %H:%M %Z",
    "month": "%B %Y",
}


def datefmt(value: dt.datetime | dt.date, fmt: str = "long") -> str:
    if isinstance(value, dt.datetime):
        return _strftime(value, value.utcoffset(), value.tzname(), fmt)
    return _strftime(value, None, None, fmt)


@functools.lru_cache(maxsize=1 << 16)  # an article's date shows on a dozen pages
def _strftime(value: dt.date, offset: dt.timedelta | None, zone: str | None, fmt: str) -> str:
    # Offset and zone name are part of the key: aware datetimes are equal (and hash alike)
    # when they are the same instant, but print differently in two zones.
    return value.strftime(_DATE_FORMATS.get(fmt, fmt))


def _lang_dir(article: Article) -> Markup:
    """` lang="…" dir="…"` for an element holding an article's text in its own language
    (a filter, not a macro: it is called for every listed headline)."""
    if not article.language:
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(article.language, article.direction)


def _with_dateline(body: object, dateline: str | None) -> Markup:
    """The body (already sanitised) with the dateline leading its first paragraph, as in print."""
    body_html = str(body)
    if not dateline:
        return Markup(body_html)
    lead = Markup('<span class="dateline">{}:</span> ').format(dateline)
    first = body_html.find("<p>")
    if first >= 0:  # the first paragraph, which may follow a list of highlights
        return Markup(body_html[: first + 3]) + lead + Markup(body_html[first + 3 :])
    return Markup("<p>") + lead + Markup("</p>\n") + Markup(body_html)


def _jsonld(value: object) -> Markup:
    """JSON for a <script type="application/ld+json"> block.

    `<`, `>` and `&` are escaped so a headline containing `</script>` or `<!--`
    cannot end the script early; JSON parsers read the escapes back as the same text.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    # Three replace() calls: str.translate with a dict took 160 µs per article page, a fifth
    # of its render.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class Renderer:
    def __init__(
        self, config: Config, urls: Urls, site: SiteView, compiled: Path | None = None
    ) -> None:
        """`compiled`: a folder for compiled templates, so a build need not compile them
        again (a tenth of a second each build; a preview builds at every save)."""
        loaders: list[jinja2.BaseLoader] = []
        own = config.path("templates")
        if own.is_dir():
            loaders.append(jinja2.FileSystemLoader(own))
        loaders.append(jinja2.FileSystemLoader(theme_dir()))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # an environment lives for one build: no stat per page rendered
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        )
        self.env.filters["datefmt"] = datefmt
        self.env.filters["absolute"] = urls.absolute
        self.env.filters["slug"] = slugify
        self.env.filters["plural"] = plural
        self.env.filters["with_dateline"] = _with_dateline
        self.env.filters["jsonld"] = _jsonld
        self.env.filters["lang_dir"] = _lang_dir
        self.env.filters["resolve"] = lambda link, page_url: urljoin(urls.absolute(page_url), link)
        # a link written relative to `page_url` (an article's image), from another page
        self.env.filters["join_url"] = lambda link, page_url: urljoin(page_url, link)
        wpm = config.pages.words_per_minute
        self.env.filters["reading_minutes"] = lambda words: max(1, -(-words // wpm))
        self.env.globals["site"] = site

    def render(self, page: Page) -> OutputFile:
        try:
            template = self.env.get_template(page.template)
            text = template.render(page=page, **page.context)
        except jinja2.TemplateSyntaxError as exc:
            raise DigestError(
                Problem(
                    exc.filename or exc.name or page.template,
                    f"template syntax error: {exc.message}",
                    line=exc.lineno,
                )
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise DigestError(Problem(page.template, f"template not found: {exc.name}")) from None
        except Exception as exc:  # a bug in a (possibly user's) template, not in digest
            raise DigestError(
                Problem(
                    _template_file(exc) or page.template,
                    f"template error while rendering {page.url}: {type(exc).__name__}: {exc}",
                    line=_template_line(exc),
                )
            ) from None
        return OutputFile(page.output, text.encode("utf-8"))


def _frame(exc: BaseException) -> types.TracebackType | None:
    tb = exc.__traceback__
    found = None
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_template__") is not None:
            found = tb
        tb = tb.tb_next
    return found


def _template_file(exc: BaseException) -> str | None:
    tb = _frame(exc)
    return tb.tb_frame.f_code.co_filename if tb else None


def _template_line(exc: BaseException) -> int | None:
    tb = _frame(exc)
    if tb is None:
        return None
    template = tb.tb_frame.f_globals["__jinja_template__"]
    return template.get_corresponding_lineno(tb.tb_lineno)
