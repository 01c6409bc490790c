"""How the example portal looks, measured in Debian's chromium the way a person would check it (issue 15).

The example portal is built twice, in English and in German (`language: de`, whose words run
longest of the shipped languages): every test runs on both, each build made once per session.
Every page type is opened at 390 px (a phone) and 1280 px, in light and dark colour schemes, and
saved as a full-page PNG under tests/artifacts/screenshots/ (git-ignored, named
<type>-<width>-<scheme>-<language>.png) for a person to look at. On each one:

- no sideways scroll of the page;
- no text clipped by its own box (scrollWidth against clientWidth) on captions, badges, buttons,
  chips, counts and the facts of a summary, no table caption wider than the box its table scrolls
  in, and no search placeholder or select whose text is cut;
- axe-core finds nothing (wcag2a, wcag2aa, wcag21aa, best-practice), contrast included. In English
  on every screenshot; in German once per page type (1280 px, light), to keep the second language
  cheap: axe is the slowest step of a check, the colours are the same in both languages (German in
  dark mode is also judged on the main pages by test_languages.py), and what German changes
  (lengths, wrapping) is what the other checks measure at every width and scheme;
- the header is at most 120 px tall on a phone, with the whole navigation one tap on "Menu" away.

Then what each page promises: the feedback list's first item on a phone's first screen, status links
in one row at 1280 px and never beside the status select, the roadmap's aligned column headings, a
feedback item's summary that stays in view, stat tiles without a lone orphan, charts whose text is
at least 11 px and inside the chart. With PORTALGEN_UPDATE_SCREENSHOT set, the README's screenshots
are written again.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import judges
import page_types
import pytest
from page_types import PAGE_TYPES
from repo_paths import REPO

import portalgen
from portalgen.render import i18n

SHOTS = REPO / "tests" / "artifacts" / "screenshots"
README_SHOTS = {"home": REPO / "docs" / "screenshot-home.png", "phone": REPO / "docs" / "screenshot-phone.png"}
VIEWPORTS = {390: 844, 1280: 900}
SCHEMES = ("light", "dark")
HEADER_MAX = 120
LANGUAGES = ("en", "de")  # English and one language whose words run long
AXE_ONCE = (1280, "light")  # where axe looks at a page type in a language other than the first


@dataclass
class Served:
    site: Path
    url: str
    pages: dict[str, str]
    language: str
    words: i18n.Words  # the portal's wording, for tests that look for a word


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _project(root: Path, language: str) -> Path:
    """A copy of the example portal, in `language`."""
    shutil.copytree(REPO / "content", root / "content")
    portal = root / "content" / "portal.yaml"
    text = re.sub(r"(?m)^language:.*\n", "", portal.read_text("utf-8"))
    portal.write_text(text.rstrip("\n") + f"\nlanguage: {language}\n", "utf-8")
    return root


# Module-scoped and parametrised: pytest runs every test of one language before building the next,
# so each language is built once and the session's one browser serves both.
@pytest.fixture(scope="module", params=LANGUAGES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    language: str = request.param
    site = portalgen.build(_project(tmp_path_factory.mktemp(f"look-{language}") / "portal", language)).output
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://127.0.0.1:{server.server_address[1]}/", page_types.pages(site), language,
                     i18n.words_for(language))
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def axe_path() -> Path:
    return judges.axe_path()


def _open(browser: Any, served: Served, path: str, width: int, scheme: str = "light", **options: Any) -> Any:
    """A new page of a new context (closed with the context by the caller) at one width and scheme."""
    context = browser.new_context(viewport={"width": width, "height": VIEWPORTS.get(width, 900)},
                                  color_scheme=scheme, bypass_csp=True, **options)
    page = context.new_page()
    page.goto(served.url + path, wait_until="load")
    return context, page


# Boxes whose text must never be cut: captions, status badges, buttons and the chips and counts.
CLIPPED = """() => {
  const selector = 'caption, .badge, button, summary, .status-filter a, .roadmap-count, .roadmap-heading, '
    + '.change-type, .pager a, .quarter-nav a, .site-nav a, .tags a, .stats dt, .stats dd, .facts dt, .facts dd, '
    + '.site-search-input';
  const shown = el => el.checkVisibility({visibilityProperty: true})
    && el.clientWidth > 1 && !el.closest('.visually-hidden, [hidden]');
  const name = el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
    + ' "' + (el.textContent || el.placeholder || '').trim().slice(0, 40) + '"';
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (shown(el) && el.scrollWidth > el.clientWidth + 1)
      found.push(name(el) + ` ${el.scrollWidth} > ${el.clientWidth}`);
  }
  for (const caption of document.querySelectorAll('caption')) {
    const box = caption.closest('.table-scroll');
    if (!box || !shown(caption)) continue;
    const c = caption.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (c.left < b.left - 1 || c.right > b.right + 1) found.push(name(caption) + ' is wider than its scrolling box');
  }
  // The search box's placeholder and the option a select shows must fit: measured in their own font.
  const ctx = document.createElement('canvas').getContext('2d');
  const fits = (el, text, what) => {
    if (!shown(el)) return;
    const style = getComputedStyle(el);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (ctx.measureText(text).width > room) found.push(`${what} "${text}" cut (${room}px)`);
  };
  const input = document.querySelector('.site-search-input');
  if (input) fits(input, input.placeholder, 'search placeholder');
  for (const select of document.querySelectorAll('select'))
    if (select.selectedIndex >= 0) fits(select, select.options[select.selectedIndex].text, `select #${select.id}`);
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_every_page_type_looks_right(browser: Any, served: Served, axe_path: Path, kind: str, width: int,
                                     scheme: str) -> None:
    context, page = _open(browser, served, served.pages[kind], width, scheme)
    try:
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{kind}-{width}-{scheme}-{served.language}.png"), full_page=True)
        where = f"{served.language}/{served.pages[kind]} at {width}px ({scheme})"
        scroll = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert scroll[0] <= scroll[1], f"{where} scrolls sideways: {scroll[0]} > {scroll[1]}"
        clipped = page.evaluate(CLIPPED)
        assert not clipped, f"{where}: text clipped by its box:\n" + "\n".join(clipped)
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        if width < 500:
            assert header <= HEADER_MAX, f"{where}: the header is {header}px tall"
        if served.language == LANGUAGES[0] or (width, scheme) == AXE_ONCE:
            violations = judges.run_axe(page, axe_path)
            assert not violations, f"axe: {len(violations)} violations on {where}:\n" + judges.describe_axe(violations)
    finally:
        context.close()


# --- the header --------------------------------------------------------------------------------------


# checkVisibility(): a closed <details> hides its content with content-visibility, which leaves boxes in place
NAV_SHOWN = "[...document.querySelectorAll('.site-nav a')].filter(a => a.checkVisibility()).length"


@pytest.mark.browser
def test_the_whole_navigation_is_one_tap_away_on_a_phone_and_inline_on_a_wide_screen(
        browser: Any, served: Served, axe_path: Path) -> None:
    for scheme in SCHEMES:
        context, page = _open(browser, served, "roadmap/index.html", 390, scheme)
        try:
            total = page.locator(".site-nav a").count()
            assert total >= 8
            menu = page.locator("summary.site-menu-button")
            assert menu.is_visible() and page.evaluate(NAV_SHOWN) == 0, "on a phone the navigation waits behind Menu"
            menu.click()  # a <details> disclosure: no script involved
            assert page.evaluate(NAV_SHOWN) == total
            off = page.evaluate("""[...document.querySelectorAll('.site-nav a')].filter(a => {
                const r = a.getBoundingClientRect();
                return r.bottom > innerHeight || r.right > innerWidth || r.left < 0;
            }).map(a => a.textContent)""")
            assert not off, f"open menu: links off the first screen: {off}"
            current = page.locator(".site-nav a[aria-current=page]")
            assert current.count() == 1 and current.is_visible()
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"menu-open-390-{scheme}-{served.language}.png"))
            violations = judges.run_axe(page, axe_path)
            assert not violations, f"axe, menu open ({scheme}):\n" + judges.describe_axe(violations)
        finally:
            context.close()
    context, page = _open(browser, served, "roadmap/index.html", 390, java_script_enabled=False)
    try:
        page.locator("summary.site-menu-button").click()
        assert page.evaluate(NAV_SHOWN) == page.locator(".site-nav a").count(), "the menu needs no JavaScript"
    finally:
        context.close()
    context, page = _open(browser, served, "roadmap/index.html", 1280)
    try:
        assert page.locator("summary.site-menu-button").is_hidden(), "a wide screen needs no Menu button"
        assert page.evaluate(NAV_SHOWN) == page.locator(".site-nav a").count()
    finally:
        context.close()


# --- the feedback list -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_the_first_feedback_item_is_on_a_phones_first_screen(browser: Any, served: Served, javascript: bool) -> None:
    for path in ("feedback/index.html", "feedback/status/shipped/index.html"):
        context, page = _open(browser, served, path, 390, java_script_enabled=javascript)
        try:
            if javascript:
                page.wait_for_selector("#feedback-filters:not([hidden])")
            top = page.evaluate("document.querySelector('#feedback-list li.card .card-title').getBoundingClientRect()"
                                ".bottom")
            assert top <= 844, f"{path} (JavaScript: {javascript}): the first item's title ends at {top}px"
        finally:
            context.close()


@pytest.mark.browser
def test_status_links_fit_one_row_and_never_sit_beside_the_status_select(browser: Any, served: Served) -> None:
    context, page = _open(browser, served, "feedback/index.html", 1280, java_script_enabled=False)
    try:
        rows = page.evaluate("new Set([...document.querySelectorAll('.status-filter li')]"
                             ".map(li => li.offsetTop)).size")
        assert rows == 1, f"the status links run to {rows} rows at 1280px"
        assert page.evaluate("(u => u.scrollWidth <= u.clientWidth)(document.querySelector('.status-filter ul'))")
    finally:
        context.close()
    context, page = _open(browser, served, "feedback/index.html", 1280)
    try:
        page.wait_for_selector("#feedback-filters:not([hidden])")
        assert page.locator(".status-filter").is_hidden(), "beside the status select, status links are one control more"
        select = page.locator("#filter-status")
        assert select.evaluate("s => getComputedStyle(s).appearance") == "none", "the selects are drawn by the theme"
    finally:
        context.close()


# --- the roadmap ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_roadmap_is_a_board(browser: Any, served: Served) -> None:
    context, page = _open(browser, served, "roadmap/index.html", 1280)
    try:
        columns = page.evaluate("""[...document.querySelectorAll('.roadmap-column')].map(c => {
            const h = c.querySelector('h2').getBoundingClientRect();
            return {top: Math.round(h.top), height: Math.round(h.height),
                    badges: c.querySelectorAll('.card .badge').length,
                    cards: c.querySelectorAll('.card').length, text: c.querySelector('h2').textContent.trim()};
        })""")
        assert len(columns) == 4
        assert len({c["top"] for c in columns}) == 1 and len({c["height"] for c in columns}) == 1, columns
        assert all(re.search(r"\d", c["text"]) for c in columns), f"every heading has its count: {columns}"
        assert all(c["badges"] == 0 for c in columns), "a card repeats its column's status"
        assert columns[-1]["cards"] <= 5
        link = page.locator(".roadmap-shipped .roadmap-more a")
        assert link.count() == 1 and link.get_attribute("href").endswith("changes/index.html")
    finally:
        context.close()
    context, page = _open(browser, served, "roadmap/index.html", 390)
    try:
        widths = page.evaluate("[...document.querySelectorAll('.roadmap-column')]"
                               ".map(c => c.getBoundingClientRect().width)")
        assert min(widths) > 300, f"on a phone the columns stack at full width: {widths}"
    finally:
        context.close()


# --- a feedback item ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_feedback_items_summary_stays_in_view_beside_it(browser: Any, served: Served) -> None:
    context, page = _open(browser, served, served.pages["feedback"], 1280)
    try:
        layout = page.evaluate("""(() => {
            const s = document.querySelector('.record-summary').getBoundingClientRect();
            const m = document.querySelector('.record-main').getBoundingClientRect();
            return {summaryLeft: s.left, mainRight: m.right, pageHeight: document.scrollingElement.scrollHeight};
        })()""")
        assert layout["summaryLeft"] >= layout["mainRight"], f"the summary sits beside the story: {layout}"
        text = " ".join(page.locator(".record-summary").inner_text().split())
        for words in map(served.words.gettext, ("Heard", "Asked by", "Themes", "Atom feed")):
            assert words in text, f"{words!r} not in the summary: {text!r}"
        page.set_viewport_size({"width": 1280, "height": 600})  # a short window, so that the page scrolls
        room = page.evaluate("document.querySelector('.record-layout').getBoundingClientRect().height - innerHeight")
        assert room > 200, "pick a page long enough to scroll"
        page.evaluate("window.scrollTo(0, document.querySelector('.record-layout').offsetTop + 150)")
        box = page.evaluate("(r => [r.top, r.bottom])"
                            "(document.querySelector('.record-summary').getBoundingClientRect())")
        assert 0 <= box[0] <= 20 and box[1] <= 600, f"scrolled down, the summary left the screen: {box}"
    finally:
        context.close()


# --- quarters and numbers ----------------------------------------------------------------------------


ORPHANS = """[...document.querySelectorAll('.stats')].flatMap(grid => {
  const tiles = [...grid.children], last = tiles[tiles.length - 1];
  const row = tiles.filter(t => t.offsetTop === last.offsetTop);
  const full = grid.getBoundingClientRect().width, own = last.getBoundingClientRect().width;
  return row.length === 1 && tiles.length > 1 && own < full * 0.9 ? [`${tiles.length} tiles: the last is alone`] : [];
})"""


@pytest.mark.browser
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_quarters_and_numbers_read_on_a_phone_and_a_wide_screen(browser: Any, served: Served, width: int) -> None:
    for kind in ("home", "quarter", "stats"):
        context, page = _open(browser, served, served.pages[kind], width)
        try:
            assert page.evaluate(ORPHANS) == [], f"{served.pages[kind]} at {width}px"
            if kind == "stats":
                sizes = page.evaluate("""[...document.querySelectorAll('svg.chart')].map(svg => {
                    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                    return Math.round(scale * parseFloat(svg.getAttribute('font-size')) * 10) / 10;
                })""")
                assert sizes and min(sizes) >= 11, f"chart text at {width}px: {sizes} px"
                outside = page.evaluate("""[...document.querySelectorAll('svg.chart')].flatMap(svg => {
                    const vb = svg.viewBox.baseVal;
                    return [...svg.querySelectorAll('text')].map(t => [t, t.getBBox()])
                      .filter(([t, b]) => b.x < -0.5 || b.y < -0.5 || b.x + b.width > vb.width + 0.5
                                          || b.y + b.height > vb.height + 0.5)
                      .map(([t, b]) => `${svg.id}: "${t.textContent}" at x ${Math.round(b.x)} to `
                                       + `${Math.round(b.x + b.width)} of ${vb.width}`);
                })""")
                assert not outside, f"chart text cut off by its chart at {width}px: {outside}"
                if width < 500:
                    main = page.evaluate("document.querySelector('main').clientWidth")
                    figures = page.evaluate("[...document.querySelectorAll('.chart-figure')]"
                                            ".map(f => f.getBoundingClientRect().width)")
                    assert min(figures) >= main - 2 * 20 - 2, f"charts take the whole width: {figures} of {main}"
        finally:
            context.close()
    context, page = _open(browser, served, "quarters/index.html", width)
    try:
        if width < 500:
            assert page.locator(".scroll-hint").is_visible(), "a table that scrolls sideways says so"
            assert page.evaluate("(b => b.scrollWidth > b.clientWidth)(document.querySelector('.table-scroll'))"), \
                "the quarters table no longer scrolls on a phone: the hint can go"
    finally:
        context.close()


# --- the README's screenshots ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not os.environ.get("PORTALGEN_UPDATE_SCREENSHOT"), reason="set PORTALGEN_UPDATE_SCREENSHOT=1")
def test_write_the_readme_screenshots(browser: Any, served: Served) -> None:
    if served.language != "en":
        pytest.skip("the README shows the English portal")
    context, page = _open(browser, served, "index.html", 1280)
    try:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=str(README_SHOTS["home"]))
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        page.goto(served.url + served.pages["feedback"], wait_until="load")
        page.screenshot(path=str(README_SHOTS["phone"]))
    finally:
        context.close()
