"""The bundled example site, built with a pinned clock, matches the golden files byte for byte.

After an intended change to output, regenerate with:
    DIGEST_UPDATE_GOLDEN=1 python -m pytest tests/e2e/test_golden.py
and review the diff of tests/golden/ before committing.
"""

from __future__ import annotations

import os
import shutil

from tests.support.sites import GOLDEN, REPO, Site


def build_example(tmp_path) -> Site:
    site = Site(tmp_path / "example")
    shutil.copytree(REPO / "content", site.root / "content", dirs_exist_ok=True)
    shutil.copy(REPO / "digest.toml", site.root / "digest.toml")
    site.build(overrides={"import.paths": []})  # content/ is already the import's output
    return site


def test_example_site_matches_golden(tmp_path):
    built = build_example(tmp_path).snapshot()
    # static/ is copied verbatim; pagefind/ is Pagefind's (tests/e2e/test_search.py uses it)
    built = {k: v for k, v in built.items() if not k.startswith(("static/", "pagefind/"))}
    if os.environ.get("DIGEST_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in built.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    golden = {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes()
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(built) == sorted(golden), "pages added or removed; see the module docstring"
    for rel, data in built.items():
        assert data == golden[rel], f"{rel} differs from tests/golden/{rel}"
