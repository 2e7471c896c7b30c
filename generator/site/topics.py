"""Topics as the editor wants them shown: `[topics] aliases` regroup them at build time (no
re-import), and topics that look like one spelt two ways are pointed out once per build."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping

from generator.content.article import Article
from generator.core.identity import slugify
from generator.core.wording import plural

_NOT_WORD = re.compile(r"[\W_]+")


def apply_aliases(articles: list[Article], aliases: Mapping[str, str]) -> list[Article]:
    """Each article filed under an alias moves to the topic it names (exact names)."""
    if not aliases:
        return articles
    slugs = {name: slugify(target, "topic") for name, target in aliases.items()}
    return [
        dataclasses.replace(a, topic=aliases[a.topic], topic_slug=slugs[a.topic])
        if a.topic in aliases
        else a
        for a in articles
    ]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def spelling_key(topic: str) -> str:
    """What is left of a topic without case, punctuation and plural endings."""
    return "".join(_singular(w) for w in _NOT_WORD.split(topic.casefold()) if w)


def similar_topics(articles: list[Article]) -> list[str]:
    """One warning per set of topics that differ only by case, plural or punctuation,
    suggesting the alias that merges them into the most used spelling."""
    counts = Counter(a.topic for a in articles)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        groups[spelling_key(name)].append(name)
    warnings = []
    for names in groups.values():
        if len(names) < 2:
            continue
        names.sort(key=lambda n: (-counts[n], n))
        main, others = names[0], names[1:]
        listed = [f'"{n}" ({plural(counts[n], "article")})' for n in names]
        pairs = ", ".join(f"{json.dumps(n, ensure_ascii=False)} = "
                          f"{json.dumps(main, ensure_ascii=False)}" for n in others)  # fmt: skip
        warnings.append(
            f"topics {', '.join(listed[:-1])} and {listed[-1]} differ only by case, plural or "
            f"punctuation; to show them as one, add to digest.toml: [topics] aliases = {{ {pairs} }}"
        )
    return sorted(warnings)
