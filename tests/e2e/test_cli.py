"""The command line as users run it: real processes, exit codes, messages, no tracebacks."""

from __future__ import annotations

from generator import __version__
from tests.support.sites import article, run_digest


def digest(*args: str, cwd):
    return run_digest(cwd, *args)


def test_build_succeeds_with_summary_line(site):
    site.add("a", "Hello", "2025-01-01")
    result = digest("build", "--clock", "2026-01-01T00:00:00Z", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 article into 13 pages and 4 feeds in ")
    assert "Traceback" not in result.stderr


def test_the_program_ends_with_its_exit_code_and_all_its_output(site):
    version = digest("--version", cwd=site.root)
    assert (version.returncode, version.stdout) == (0, f"digest, version {__version__}\n")
    unknown = digest("nosuch", cwd=site.root)
    assert unknown.returncode == 2 and "No such command 'nosuch'" in unknown.stderr
    for n in range(300):  # a long report through a pipe, flushed before the process ends
        site.write(f"content/bad{n}.md", article("X", "2025-13-45"))
    failed = digest("build", cwd=site.root)
    assert failed.returncode == 1
    assert failed.stderr.count("field 'date'") == 300 and failed.stderr.endswith(
        "--skip-invalid to build without them.\n"
    )


def test_content_error_exits_1_listing_every_problem(site):
    site.add("ok", "Fine", "2025-01-01")
    site.write("content/bad1.md", article("X", "2025-13-45"))
    site.write("content/bad2.md", "---\ntitle: [a, b]\ndate: 2025-01-01\n---\nbody\n")
    site.write("content/bad3.md", "---\ntitle: 'unclosed\ndate: 2025-01-01\n---\n")
    result = digest("build", cwd=site.root)
    assert result.returncode == 1
    assert "content/bad1.md: field 'date'" in result.stderr
    assert "content/bad2.md: field 'title': must be text, not a list" in result.stderr
    assert "content/bad3.md:" in result.stderr and "not valid YAML" in result.stderr
    assert result.stderr.endswith(
        "The site was not changed. Fix the files listed, or pass --skip-invalid to build "
        "without them.\n"
    )
    assert "--date" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site.root / "site").exists()


def test_skip_invalid_publishes_the_rest(site):
    site.add("ok", "Fine", "2025-01-01")
    site.write("content/bad.md", "---\ntitle: No date\n---\nbody\n")
    result = digest("build", "--skip-invalid", cwd=site.root)
    assert result.returncode == 0
    assert "skipped: content/bad.md: field 'date': is required" in result.stderr
    assert (site.root / "site/2025/01/01/fine/index.html").is_file()
    assert "; 1 invalid content file skipped\n" in result.stdout


def test_unknown_config_key_is_a_usage_error_naming_key_and_file(site):
    site.config('title = "x"\n[feeds]\nlimt = 3\n')
    result = digest("build", cwd=site.root)
    assert result.returncode == 2
    assert "digest.toml: field 'feeds.limt': unknown setting" in result.stderr


def test_wrong_type_and_bad_flag_values(site):
    site.config("title = 5\n")
    assert "field 'title'" in digest("build", cwd=site.root).stderr
    site.config('timezone = "Mars/Olympus"\n')
    result = digest("build", cwd=site.root)
    assert result.returncode == 2 and "unknown timezone 'Mars/Olympus'" in result.stderr
    (site.root / "digest.toml").unlink()
    result = digest("build", "--base-url", "ftp://x", cwd=site.root)
    assert result.returncode == 2 and "base_url" in result.stderr
    result = digest("build", "--clock", "yesterday", cwd=site.root)
    assert result.returncode == 2 and "--clock" in result.stderr
    assert digest("build", "--no-such-flag", cwd=site.root).returncode == 2


def test_drafts_and_future_need_flags(site):
    site.add("d", "Draft piece", "2025-01-01", draft=True)
    site.add("f", "Future piece", "2030-01-01")
    digest("build", "--clock", "2026-01-01T00:00:00Z", cwd=site.root)
    home = (site.root / "site/index.html").read_text()
    assert "Draft piece" not in home and "Future piece" not in home
    digest(
        "build",
        "--clock",
        "2026-01-01T00:00:00Z",
        "--drafts",
        "--future",
        "-o",
        "out",
        cwd=site.root,
    )
    assert (site.root / "out/2030/01/01/future-piece/index.html").is_file()
    assert (site.root / "out/2025/01/01/draft-piece/index.html").is_file()


def test_refuses_to_replace_a_folder_it_did_not_make(site):
    site.add("a", "A", "2025-01-01")
    precious = site.write("mine/notes.txt", "keep me")
    result = digest("build", "-o", "mine", cwd=site.root)
    assert result.returncode == 1 and "was not made by digest" in result.stderr
    assert precious.read_text() == "keep me"


def test_same_id_twice_keeps_the_newer_file_and_warns(site):
    site.add("a-old", "Senate session commences", "2025-01-01T10:00:00Z", id="story-1")
    site.add(
        "b-new", "Senate session commences (updated)", "2025-01-01T10:00:00Z",
        id="story-1", updated="2025-01-01T12:00:00Z",
    )  # fmt: skip
    site.add("c", "Another", "2025-01-01T09:00:00Z")
    result = digest("build", "--clock", "2026-01-01T00:00:00Z", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "warning: content/a-old.md: field 'id': has the same id 'story-1' as content/b-new.md "
        "(the same story twice); the site shows content/b-new.md (updated more recently); "
        "delete one of them or give this one another id\n"
    )
    assert result.stdout.startswith("Built 2 articles into ")
    day = (site.root / "site/2025/01/01/index.html").read_text()
    assert "Senate session commences (updated)" in day and day.count("Senate session") == 1
    strict = digest("build", "--strict", "--clock", "2026-01-01T00:00:00Z", cwd=site.root)
    assert strict.returncode == 1
    assert strict.stderr.endswith(
        "--strict makes this warning an error; the site was not changed.\n"
    )
    assert strict.stderr.startswith("error: content/a-old.md: field 'id': has the same id")


def test_build_in_an_empty_folder_suggests_init(tmp_path):
    result = digest("build", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {tmp_path}: has no digest.toml and no content/ folder; run digest in your "
        "site's folder, or create a site here with `digest init`\n"
    )
    assert not (tmp_path / "site").exists()
