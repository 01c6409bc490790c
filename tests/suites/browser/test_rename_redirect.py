"""A renamed record's old address still leads to its page, in a real browser, under a sub-path.

The example portal is renamed with `portalgen rename`, built, and served over loopback HTTP at
/portal/ (not the root, so an absolute link would break). Chromium opens the old address and must
end on the new page; the redirect page itself is valid HTML for the Nu checker and has no axe
violations.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import judges
import pytest
from repo_paths import REPO

import portalgen
from portalgen.commands.rename import rename_record

OLD, NEW = "scim-user-provisioning", "automatic-user-provisioning"
TITLE = "Create and remove users automatically from our directory"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("rename") / "project"
    shutil.copytree(REPO / "content", project / "content")
    rename_record(project, "feedback", OLD, NEW)
    rename_record(project, "customer", "city-of-eastbrook", "eastbrook")
    return portalgen.build(project).output


@pytest.fixture(scope="module")
def served(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("webroot")
    shutil.copytree(site, root / "portal")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/portal/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize(("old", "new", "heading"), [
    (f"feedback/{OLD}/", f"feedback/{NEW}/", TITLE),
    ("customers/city-of-eastbrook/", "customers/eastbrook/", "City of Eastbrook"),
])
def test_the_old_address_ends_on_the_new_page(browser: Any, served: str, old: str, new: str,
                                              heading: str) -> None:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        page.goto(served + old)
        page.wait_for_url(served + new + "index.html", timeout=10_000)
        assert page.locator("h1").first.inner_text().strip() == heading
        assert all(url.startswith(served) for url in requests), requests  # relative, under the sub-path
    finally:
        context.close()


@pytest.mark.browser
def test_the_redirect_page_link_works_without_the_refresh(browser: Any, served: str) -> None:
    """Whoever does not follow a meta refresh gets a link: the same page with refresh disabled."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.fulfill(
            body=route.fetch().text().replace('http-equiv="refresh"', 'data-was="refresh"'),
            content_type="text/html") if route.request.url.endswith(f"/{OLD}/") else route.continue_())
        page.goto(served + f"feedback/{OLD}/")
        assert page.locator("h1").inner_text() == "This page has moved"
        page.get_by_role("link", name=TITLE).click()
        page.wait_for_url(served + f"feedback/{NEW}/index.html")
    finally:
        context.close()


@pytest.mark.browser
def test_the_redirect_page_has_no_axe_violations(browser: Any, site: Path) -> None:
    axe = judges.axe_path()
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        # file:// and the refresh disabled: axe must judge the redirect page, not the page it leads to.
        text = (site / f"feedback/{OLD}/index.html").read_text("utf-8").replace('http-equiv="refresh"', "")
        page.set_content(text)
        violations = judges.run_axe(page, axe)
    finally:
        context.close()
    assert violations == [], judges.describe_axe(violations)


def test_the_redirect_pages_are_valid_html(site: Path) -> None:
    pages = [site / f"feedback/{OLD}/index.html", site / "customers/city-of-eastbrook/index.html"]
    assert all(p.is_file() for p in pages)
    assert judges.nu_messages(pages) == []
