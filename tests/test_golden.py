"""Golden output: the example portal's key pages, compared byte for byte with committed copies.

A change to a template, to linking or to wording shows up here as a readable diff, to be
reviewed like code. After a reviewed change, refresh the copies with:

    ./scripts/test tests/test_golden.py --update-golden

The build pins "today" with SOURCE_DATE_EPOCH, so the copies do not age.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

import portalgen

GOLDEN = Path(__file__).resolve().parent / "golden" / "example"
# 2026-11-30 00:00 UTC: after every date in the example portal.
EPOCH = "1795996800"
PAGES = (
    "index.html",
    "feedback/per-dashboard-permissions/index.html",  # a full trail: decision, then a change
    "why-not/index.html",
    "roadmap/index.html",
    "changes/share-individual-dashboards/index.html",  # a change with credits
    "customers/city-of-eastbrook/index.html",
    "feed.xml",
    "api/portal.json",
    "sitemap.xml",
)


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory: pytest.TempPathFactory, helpers) -> Path:
    project = helpers.copy_example(tmp_path_factory.mktemp("golden") / "portal")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return portalgen.build(project, use_cache=False).output


def _diff(expected: bytes, actual: bytes, name: str) -> str:
    lines = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                 actual.decode("utf-8", "replace").splitlines(),
                                 f"golden/{name}", f"built/{name}", lineterm="", n=2)
    shown = list(lines)
    more = len(shown) - 120
    return "\n".join(shown[:120]) + (f"\n… {more} more diff lines" if more > 0 else "")


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden_copy(golden_site: Path, page: str, request: pytest.FixtureRequest) -> None:
    actual = (golden_site / page).read_bytes()
    golden = GOLDEN / page
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
        return
    assert golden.is_file(), f"no golden copy of {page}: run ./scripts/test tests/test_golden.py --update-golden"
    expected = golden.read_bytes()
    assert actual == expected, (f"{page} differs from its golden copy. If the change is intended, review the "
                                f"diff and run ./scripts/test tests/test_golden.py --update-golden\n"
                                + _diff(expected, actual, page))


def test_no_stray_golden_files() -> None:
    """Every committed copy is compared: a page dropped from PAGES must leave the folder too."""
    present = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert present <= set(PAGES), f"golden copies nobody compares: {sorted(present - set(PAGES))}"
