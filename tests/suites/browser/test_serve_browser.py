"""Live reload in a real browser: Debian's headless Chromium driven by Playwright.

Skipped cleanly when /usr/bin/chromium or the playwright package is missing. Never runs
`playwright install`: it uses the system browser.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from repo_paths import REPO

from portalgen.dev.server import DevServer

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
EDIT = "content/feedback/2025/q4/dark-mode.md"
EDIT_URL = "feedback/dark-mode/"
TIMEOUT_MS = 20_000  # a deadline for waits, not a measurement

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "portal"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture
def page(browser, project: Path) -> Iterator[tuple[object, DevServer, list[str]]]:
    with DevServer(project, port=0, log=False) as dev:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        try:
            yield page, dev, console
        finally:
            context.close()


def _open_and_mark(page, url: str) -> None:
    """Open the page, wait until its reload script is listening, and mark this page load."""
    with page.expect_response(lambda r: "/__portalgen/events?" in r.url):
        page.goto(url)
    page.evaluate("window.__portalgenTestMark = 'still the same page'")


def _reloaded_and_shows(text: str) -> str:
    return f"""() => window.__portalgenTestMark === undefined
                   && document.body.innerText.includes({text!r})"""


def test_page_reloads_by_itself_and_shows_the_edit(page, project: Path) -> None:
    tab, dev, console = page
    _open_and_mark(tab, dev.url + EDIT_URL)
    assert "white background tiring" in tab.inner_text("main")

    source = project / EDIT
    source.write_text(source.read_text("utf-8").replace("tiring", "EDITED-IN-THE-BROWSER-TEST"), "utf-8")

    tab.wait_for_function(_reloaded_and_shows("EDITED-IN-THE-BROWSER-TEST"), timeout=TIMEOUT_MS)
    assert not [m for m in console if "Content Security Policy" in m or m.startswith("pageerror")], console


def test_overlay_appears_on_error_and_goes_when_fixed(page, project: Path) -> None:
    tab, dev, console = page
    _open_and_mark(tab, dev.url + EDIT_URL)
    source = project / EDIT
    good = source.read_text("utf-8")

    source.write_text(good.replace("date: 2025-12-15", "date: 2025-12-45"), "utf-8")
    overlay = tab.locator("#portalgen-overlay")
    overlay.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert f"{EDIT}:3" in overlay.inner_text()
    # The stylesheet loaded under the page's CSP (style-src 'self'): the overlay covers the page.
    assert overlay.evaluate("el => getComputedStyle(el).position") == "fixed"
    # The last good page is still underneath.
    assert "white background tiring" in tab.inner_text("main")

    tab.evaluate("window.__portalgenTestMark = 'the overlay page'")
    source.write_text(good.replace("tiring", "FIXED-IN-THE-BROWSER-TEST"), "utf-8")
    tab.wait_for_function(_reloaded_and_shows("FIXED-IN-THE-BROWSER-TEST"), timeout=TIMEOUT_MS)
    assert tab.locator("#portalgen-overlay").count() == 0
    assert not [m for m in console if "Content Security Policy" in m or m.startswith("pageerror")], console


def test_overlay_can_be_hidden(page, project: Path) -> None:
    tab, dev, _ = page
    source = project / EDIT
    source.write_text(source.read_text("utf-8").replace("date: 2025-12-15", "date: nope"), "utf-8")
    tab.goto(dev.url + EDIT_URL)
    overlay = tab.locator("#portalgen-overlay")
    if overlay.count() == 0:  # the rebuild may land after the first load; the page then reloads
        overlay.wait_for(state="visible", timeout=TIMEOUT_MS)
    tab.click("[data-portalgen-dismiss]")
    overlay.wait_for(state="hidden", timeout=TIMEOUT_MS)
