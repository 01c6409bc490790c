"""Hostile pages in a real browser: Debian's Chromium, driven by Playwright, shows a portal whose
every text field holds an XSS payload, and no dialog opens, no payload script runs and the
Content-Security-Policy never has to block anything (so nothing got as far as trying).

Skipped when /usr/bin/chromium or the playwright package is missing. `playwright install` is
never needed: the system browser is used.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from repo_paths import SHARED_CORPORA

import portalgen
from portalgen.content.placeholders import only_placeholder

CORPORA = Path(os.environ.get("PORTALGEN_CORPORA") or SHARED_CORPORA)

pytestmark = pytest.mark.browser

# Our own payloads: each would leave a trace (a global, a dialog, a console line) if it ran.
OWN = [
    '<script>window.__pwned = "script"</script>',
    '<img src=x onerror="window.__pwned=\'img\'">',
    '<svg onload="window.__pwned=\'svg\'"></svg>',
    '"><script>window.__pwned="attr"</script>',
    "</title><script>alert('title')</script>",
    '<a href="javascript:window.__pwned=\'link\'" id="jslink">click me</a>',
    '[click](javascript:window.__pwned="md")',
    "<iframe srcdoc=\"<script>parent.__pwned='frame'</script>\"></iframe>",
    '<body onload="window.__pwned=\'body\'">',
    "<details open ontoggle=\"window.__pwned='details'\">",
    '<input autofocus onfocus="window.__pwned=\'focus\'">',
    "<meta http-equiv=refresh content=\"0;url=javascript:window.__pwned='meta'\">",
    "<style>@import 'javascript:alert(1)'</style>",
    "<base href=\"javascript:window.__pwned='base'//\">",
    '<form action="javascript:window.__pwned=\'form\'"><button id=b>go</button></form>',
    "{{constructor.constructor('window.__pwned=\"tpl\"')()}}",
]


def sample_payloads() -> list[str]:
    path = CORPORA / "xss_payloads.txt"
    if not path.is_file():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    return lines[::60]  # ~110 payloads spread over the whole list


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("browser") / "portal"
    content = root / "content"
    for folder in ("customers", "feedback", "decisions"):
        (content / folder).mkdir(parents=True)
    # A payload that says only "XXX" is a placeholder, which never publishes (test_placeholders.py).
    payloads = [p for p in OWN + sample_payloads() if only_placeholder(p) is None]
    (content / "portal.yaml").write_text(_dump({"title": payloads[0], "description": payloads[1]}), encoding="utf-8")
    for n, p in enumerate(payloads):
        (content / "customers" / f"c-{n}.yaml").write_text(_dump({"name": p, "segment": p[:60], "credit": "named"}),
                                                           encoding="utf-8")
        (content / "feedback" / f"f-{n}.md").write_text(
            f"---\n{_dump({'title': p, 'date': '2026-01-01', 'from': [f'c-{n}'], 'quote': p, 'source': p, 'tags': [p[:60]]})}"  # noqa: E501
            f"---\n{p}\n", encoding="utf-8")
        (content / "decisions" / f"d-{n}.md").write_text(
            f"---\n{_dump({'title': p, 'date': '2026-02-01', 'feedback': [f'f-{n}'], 'outcome': 'declined', 'workaround': p})}"  # noqa: E501
            f"---\n{p}\n\nNo.\n", encoding="utf-8")
    site = portalgen.build(root, use_cache=False).output
    doc = json.loads((site / "api" / "portal.json").read_text(encoding="utf-8"))
    pages = ["index.html", "feedback/index.html", "decisions/index.html", "customers/index.html", "tags/index.html",
             "why-not/index.html", "roadmap/index.html", "404.html"]
    pages += [f"feedback/{f['slug']}/index.html" for f in doc["feedback"]][:40]
    pages += [f"decisions/{d['slug']}/index.html" for d in doc["decisions"]][:20]
    pages += [f"customers/{c['slug']}/index.html" for c in doc["customers"]][:10]
    return site, pages


@pytest.fixture(scope="module")
def server(hostile_site: tuple[Path, list[str]]) -> Iterator[str]:
    site, _ = hostile_site
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


WATCH = """
window.__events = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  const original = window[name];
  window[name] = function (...args) { window.__events.push(name + ":" + args.join(" ")); };
}
document.addEventListener("securitypolicyviolation", e =>
  window.__events.push("csp:" + e.violatedDirective + ":" + (e.blockedURI || "") + ":" + (e.sample || "")));
"""


def test_no_payload_runs_in_chromium(hostile_site, server: str, browser) -> None:
    _, pages = hostile_site
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.on("request", lambda r: requests.append(r.url))
    problems: list[str] = []
    for rel in pages:
        page.goto(server + rel, wait_until="load")
        # Give any event handler or timer a chance: focus, hover and click the first few links and buttons.
        page.keyboard.press("Tab")
        # Hidden ones are skipped: Playwright would wait out the timeout for each before giving up.
        shown = [h for h in page.query_selector_all("main a, main button, main summary") if h.is_visible()]
        for handle in shown[:5]:
            with contextlib.suppress(Exception):  # covered by another element, say: that is fine
                handle.hover(timeout=500)
        page.wait_for_timeout(50)
        pwned = page.evaluate("window.__pwned")
        events = page.evaluate("window.__events")
        if pwned is not None:
            problems.append(f"{rel}: a payload ran (window.__pwned = {pwned!r})")
        if events:
            problems.append(f"{rel}: {events}")
    # The search box renders results from the index in the browser: type a payload into it.
    page.goto(server + "index.html", wait_until="load")
    search = page.query_selector("#site-search-q")
    if search is not None:
        for query in ("script", "onerror", "<img", "javascript"):
            search.fill(query)
            page.wait_for_timeout(300)
            if page.evaluate("window.__pwned") is not None or page.evaluate("window.__events"):
                problems.append(f"search for {query!r} ran a payload: {page.evaluate('window.__events')}")
    context.close()
    assert dialogs == [], f"dialogs opened: {dialogs[:10]}"
    assert problems == [], "\n".join(problems[:20])
    csp = [line for line in console if "Content Security Policy" in line]
    assert csp == [], f"the CSP had to block something: {csp[:5]}"
    foreign = [url for url in requests if not url.startswith(server)]
    assert foreign == [], f"requests left the site: {foreign[:10]}"


def test_javascript_links_do_nothing_when_clicked(hostile_site, server: str, browser) -> None:
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "feedback/f-5/index.html", wait_until="load")  # OWN[5]: a javascript: link
    links = page.query_selector_all("main .prose a")
    for link in links:
        href = link.get_attribute("href")
        assert href is None or not href.strip().lower().startswith("javascript"), href
    assert page.evaluate("window.__pwned") is None and dialogs == []
    context.close()
