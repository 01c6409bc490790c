"""Where the tests find things, wherever under tests/ a test module sits: the one place that knows.

tests/ is on sys.path (pytest puts it there when it imports tests/conftest.py) and conftest.py adds
bench/, both before any test module is imported; so a module at any depth can
`from repo_paths import REPO`, import the helper modules beside this one (closing_loop_project,
helpers_content) and `from generate import generate` (bench/generate.py).
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BENCH = REPO / "bench"
# The public corpora (XSS payloads, CommonMark spec, YAML test suite) live beside the repository,
# never in it; PORTALGEN_CORPORA points elsewhere.
SHARED_CORPORA = REPO.parent / "shared" / "corpora"
