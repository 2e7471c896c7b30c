"""[topics] aliases regroup topics at build time; near-identical topics are pointed out once."""

from __future__ import annotations

import pytest

from generator.core.config import load_config
from generator.core.errors import ConfigError
from generator.site.topics import spelling_key
from tests.support.sites import Site, run_digest


def test_spelling_key_ignores_case_plural_and_punctuation():
    assert spelling_key("Sports") == spelling_key("sport") == spelling_key("SPORT.")
    assert spelling_key("U.S. Politics") == spelling_key("US politics")
    assert spelling_key("Stories") == spelling_key("story")
    assert spelling_key("Business") == "business"  # a double s is not a plural
    assert spelling_key("World") != spelling_key("Global")


def test_aliases_regroup_topics_without_reimport(site: Site):
    site.add("a", "One", "2025-01-01T10:00:00Z", topic="Sport")
    site.add("b", "Two", "2025-01-01T11:00:00Z", topic="Sports")
    site.add("c", "Three", "2025-01-01T12:00:00Z", topic="Global")
    site.add("d", "Four", "2025-01-01T13:00:00Z", topic="World")
    site.add("e", "Five", "2025-01-01T14:00:00Z", topic="Sport")
    first = site.build()
    assert first.warnings == [
        'topics "Sport" (2 articles) and "Sports" (1 article) differ only by case, plural or '
        "punctuation; to show them as one, add to digest.toml: [topics] aliases = "
        '{ "Sports" = "Sport" }'
    ]
    assert (site.out / "topics/sports/index.html").is_file()
    site.config('[topics]\naliases = { "Sports" = "Sport", "Global" = "World" }\n')
    second = site.build()
    assert second.warnings == []
    assert not (site.out / "topics/sports/index.html").exists()
    assert not (site.out / "topics/global/index.html").exists()
    sport = site.read("topics/sport/index.html")
    assert all(title in sport for title in ("One", "Two", "Five"))
    assert "Three" in site.read("topics/world/index.html")
    assert "Two" in site.read("2025/01/01/two/index.html")
    assert 'href="/topics/sport/"' in site.read("2025/01/01/two/index.html")
    content = {p.name: p.read_bytes() for p in (site.root / "content").iterdir()}
    assert b"topic: Sports" in content["b.md"]  # content/ is not rewritten


def test_three_spellings_in_one_warning_from_the_cli(site: Site):
    for i, topic in enumerate(["Sport", "Sports", "sport.", "Sport"]):
        site.add(f"a{i}", f"Story {i}", f"2025-01-01T1{i}:00:00Z", topic=topic)
    result = run_digest(site.root, "build", "--clock", "2026-01-01T00:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        'warning: topics "Sport" (2 articles), "Sports" (1 article) and "sport." (1 article) '
        "differ only by case, plural or punctuation; to show them as one, add to digest.toml: "
        '[topics] aliases = { "Sports" = "Sport", "sport." = "Sport" }\n'
    )
    strict = run_digest(site.root, "build", "--strict", "--clock", "2026-01-01T00:00:00Z")
    assert strict.returncode == 1 and strict.stderr.startswith('error: topics "Sport"')


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ('{ "Sports" = "Sports" }', "'Sports' = 'Sports' renames a topic to itself; remove it"),
        (
            '{ "Sports" = "Sport", "Sport" = "Athletics" }',
            "'Sports' = 'Sport', but 'Sport' is itself renamed to 'Athletics'; "
            "write 'Sports' = 'Athletics'",
        ),
        ('{ "" = "Sport" }', "'' = 'Sport': both names must be non-empty"),
        ('{ "Sports" = 3 }', "Input should be a valid string"),
    ],
)
def test_bad_aliases_are_config_errors(site: Site, aliases: str, message: str):
    site.config(f"[topics]\naliases = {aliases}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(site.root / "digest.toml")
    assert str(caught.value.problems[0]).endswith(message)
    result = run_digest(site.root, "build")
    assert result.returncode == 2 and "digest.toml: field 'topics.aliases" in result.stderr
