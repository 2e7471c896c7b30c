"""Stories of one batch that are not what they seem, resolved the same way on every run:
boilerplate titles, versions of one story (one id), and one story under several URLs.

Every rule here depends only on the set of records, never on the order files were read
in or workers finished: ties are broken by what the records say, then by where they came
from, so importing the same input twice (or shuffled) picks the same winner.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from generator.core.identity import normalise_url
from generator.importing.content_cache import ContentEntry
from generator.importing.report import ImportReport
from generator.importing.stories import (
    Story,
    copy_key,
    fill_gaps,
    plain_words,
    source_name,
    story_of,
)

# Titles scrapers read off consent banners and error pages; [import] junk_titles adds more.
JUNK_TITLES = (
    "Opt out of the sale or sharing of personal information", "Privacy policy",
    "Cookie policy", "Cookie settings", "Access denied", "Page not found", "404*",
    "Just a moment*", "Attention required*",
)  # fmt: skip
REPEATS = 3  # one source giving a title to this many different stories: not a headline
SIMILAR = 0.9  # word-sequence similarity from which two bodies are one story (see README)
_GENERIC = frozenset(
    {"news", "article", "articles", "story", "stories", "post", "posts", "amp", "index",
     "content", "item", "items", "en", "ur", "latest", "detail", "details", "print", "blog"}
)  # fmt: skip
_SENTENCE = re.compile(r"^(.{10,160}?[.!?])(?:\s|$)")


# --- boilerplate titles -----------------------------------------------------------------


def junk_keys(summaries: Iterable[list[str]]) -> set[str]:
    """Title keys (source|headline) one source gives to REPEATS or more different stories."""
    ids: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, set[str]] = defaultdict(set)
    for summary in summaries:
        ident, digest, key = summary[1], summary[2], summary[4]
        ids[key].add(ident)
        texts[key].add(digest)
    return {k for k in ids if len(ids[k]) >= REPEATS and len(texts[k]) >= REPEATS}


def junk_pattern(title: str, patterns: Iterable[str]) -> str | None:
    """The first pattern (`*` for any text, case-insensitive) the whole title matches."""
    folded = " ".join(title.split()).casefold()
    combined, each = _matchers(tuple(patterns))
    if combined is None or not combined.match(folded):  # one regex per title, not one per pattern
        return None
    return next(p for p, one in each if one.match(folded))


@functools.lru_cache(maxsize=8)
def _matchers(
    patterns: tuple[str, ...],
) -> tuple[re.Pattern[str] | None, tuple[tuple[str, re.Pattern[str]], ...]]:
    each = tuple((p, re.compile(fnmatch.translate(p.casefold()))) for p in patterns)
    if not each:
        return None, each
    return re.compile("|".join(f"(?:{one.pattern})" for _, one in each)), each


def fix_titles(
    stories: list[Story], repeated: set[str], patterns: tuple[str, ...], report: ImportReport
) -> list[Story]:
    """Stories whose title is page furniture get one from their URL or first sentence."""
    fixed = []
    for story in stories:
        record = story.record
        key = story.summary[4]
        pattern = junk_pattern(record.title, patterns)
        if key not in repeated and pattern is None:
            fixed.append(story)
            continue
        title, where = url_title(record.url), "the URL"
        if title is None:
            title, where = first_sentence(record.body), "the first sentence"
        why = (
            f"it matches the junk title {pattern!r}"
            if pattern
            else f"{record.source or source_name(None, record.url)} gives it to "
            f"{REPEATS} or more different stories"
        )
        report.warnings.append(
            f"{record.origin}: the title {record.title!r} is not a headline ({why}); "
            f"titled it {title!r} from {where}"
        )
        fixed.append(story_of(replace(record, title=title)))
    return fixed


def url_title(url: str | None) -> str | None:
    """'/news/1953857/cop30-promise-to-performance' → 'Cop30 promise to performance': the
    last path segment made of words, in sentence case (a URL keeps no capitals to trust)."""
    if not url:
        return None
    for segment in reversed(urlsplit(url).path.split("/")):
        segment = re.sub(r"\.(?:html?|php|aspx?)$", "", segment.lower())
        words = [w for w in re.split(r"[-_+\s]+|%20", segment) if w]
        while words and (words[-1].isdigit() or re.fullmatch(r"[0-9a-f]{8,}", words[-1])):
            words.pop()  # a trailing id or hash is no word
        generic = all(w in _GENERIC for w in words)
        if len(words) >= 2 and not generic and any(w.isalpha() for w in words):
            text = " ".join(words)
            return text[0].upper() + text[1:]
    return None


def first_sentence(body: str) -> str:
    para = next((p for p in body.split("\n\n") if p.strip()), "").lstrip("•●▪◦ ")
    match = _SENTENCE.match(para)
    if match:
        return match.group(1)
    words = para.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


# --- versions of one story --------------------------------------------------------------


def version_rank(story: Story) -> tuple[float, int, str]:
    """Lower ranks first: the newest time the record states (updated, retrieved, published),
    then the longer body, then the file and line it came from."""
    r = story.record
    newest = max(t for t in (r.updated, r.retrieved, r.date) if t is not None)
    return (-newest.timestamp(), -len(r.body), r.origin)


def pick_versions(stories: list[Story], report: ImportReport) -> list[Story]:
    """One story per id: the best-ranked version, its gaps filled from the others."""
    groups: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        groups[story.id].append(story)
    picked = []
    for group in groups.values():
        group.sort(key=version_rank)
        best, record = group[0], group[0].record
        for other in group[1:]:
            record = fill_gaps(record, other.record)
            report.add(
                other.record.origin, "duplicate", f"same story as {best.record.origin}", other.id
            )
        picked.append(replace(best, record=record) if record is not best.record else best)
    return picked


# --- one story under several URLs -------------------------------------------------------


def near_equal(a: str, b: str) -> bool:
    """Two bodies are one story when their words, in order, match by SIMILAR or more."""
    x, y = plain_words(a).split(), plain_words(b).split()
    if x == y:
        return True
    if not x or not y or min(len(x), len(y)) < SIMILAR * max(len(x), len(y)):
        return False
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    return matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


Attach = tuple[ContentEntry, list[Story]]


def merge_copies(
    stories: list[Story],
    by_id: dict[str, ContentEntry],
    by_copy_key: dict[str, list[ContentEntry]],
    read_body: Callable[[str], str | None],
    report: ImportReport,
) -> tuple[list[Story], list[Attach]]:
    """Stories, with copies under other URLs folded into one (their URLs in `also_at`); and
    the copies that belong to a file content/ already holds, which keeps its place."""
    groups: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        groups[copy_key(story.record)].append(story)
    kept: list[Story] = []
    attach: list[Attach] = []
    for key, group in groups.items():
        fresh_ids = {s.id for s in group}
        held = [e for e in _unique(by_copy_key.get(key, ())) if e.id not in fresh_ids]
        if len(group) + len(held) < 2:
            kept.extend(group)
            continue
        group.sort(key=lambda s: _copy_rank(s, s.id in by_id))
        leaders: list[tuple[ContentEntry | Story, str, list[Story]]] = []
        for entry in held:
            body = read_body(entry.path)
            if body is not None:
                leaders.append((entry, body, []))
        for story in group:
            home = None
            if story.id not in by_id:  # a story content/ holds keeps its own file
                home = next((lead for lead in leaders if near_equal(lead[1], story.markdown)), None)
            if home is None:
                leaders.append((story, story.markdown, []))
                continue
            home[2].append(story)
            leader = home[0]
            where = leader.record.origin if isinstance(leader, Story) else f"content/{leader.path}"
            report.add(story.record.origin, "merged", f"same story as {where}", story.id)
        for leader, _, copies in leaders:
            if isinstance(leader, Story):
                kept.append(_with_copies(leader, copies))
            elif copies:
                attach.append((leader, copies))
    return kept, attach


def _with_copies(story: Story, copies: list[Story]) -> Story:
    urls = [c.record.url for c in copies if c.record.url]
    if not urls:
        return story
    also = tuple(sorted((set(story.record.also_at) | set(urls)) - {story.record.url}))
    return replace(story, record=replace(story.record, also_at=also))


def _copy_rank(story: Story, held: bool) -> tuple[bool, dt.datetime, str]:
    """The copy that stays: one content/ holds, else the first published, then the URL."""
    r = story.record
    return (not held, r.date, normalise_url(r.url) if r.url else r.origin)


def _unique(entries: Iterable[ContentEntry]) -> list[ContentEntry]:
    return list({e.path: e for e in entries}.values())
