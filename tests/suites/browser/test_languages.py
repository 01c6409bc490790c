"""The example portal in other languages, in a real browser.

- Arabic (`language: ar`, a language portalgen does not ship, worded in part by the project's
  translations/ar.yaml): the page is right-to-left and the layout mirrors: the navigation's first
  item sits at the right, the brand right of the search box, the search box's magnifier and its room
  at the right (where the writing starts), and nothing scrolls sideways at 390 px;
- German: axe finds nothing on the main page types, in the portal's own words, and the scripts write
  a count the German way ("1.234"), as the pages do;
- French, Spanish, Dutch and Portuguese: on a phone, where longer words bite first, axe finds
  nothing on the same pages and nothing scrolls sideways. (German is judged page type by page
  type at both widths and in both schemes in test_look.py.)
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from judges import axe_path, describe_axe, run_axe
from repo_paths import REPO

import portalgen

ARABIC = {
    "Home": "الرئيسية",
    "You said": "ما قلتموه",
    "We did": "ما أنجزناه",
    "Roadmap": "خارطة الطريق",
    "Skip to content": "انتقل إلى المحتوى",
    "Search": "بحث",
    "Waiting for an answer": "بانتظار الرد",
}
OTHERS = ("fr", "es", "nl", "pt")  # the shipped languages besides English and German
PAGES = ("index.html", "feedback/index.html", "roadmap/index.html", "stats/index.html", "quarters/index.html",
         "feedback/per-dashboard-permissions/index.html")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _build(root: Path, language: str, words: dict[str, str] | None = None) -> Path:
    project = root / "project"
    shutil.copytree(REPO / "content", project / "content")
    portal = project / "content" / "portal.yaml"
    text = re.sub(r"(?m)^language:.*\n", "", portal.read_text("utf-8"))
    portal.write_text(text.rstrip("\n") + f"\nlanguage: {language}\n", "utf-8")
    if words:
        (project / "translations").mkdir()
        lines = [f'"{k}": "{v}"' for k, v in words.items()]
        (project / "translations" / f"{language}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return portalgen.build(project).output


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("languages")
    shutil.copytree(_build(tmp_path_factory.mktemp("ar"), "ar", ARABIC), root / "ar")
    for language in ("de", *OTHERS):
        shutil.copytree(_build(tmp_path_factory.mktemp(language), language), root / language)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().toJSON())")


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_arabic_lays_out_right_to_left(browser: Any, served: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(served + "ar/" + path)
            assert page.evaluate("document.documentElement.dir") == "rtl"
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            scroll = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            assert scroll[0] <= scroll[1], f"{path} scrolls sideways at {width} px: {scroll}"
        page.goto(served + "ar/index.html")
        menu = page.locator(".site-menu-button")
        if menu.is_visible():  # on a phone the navigation is behind the header's "Menu" disclosure
            menu.click()
        assert page.locator(".site-nav a").first.inner_text().strip() == ARABIC["Home"]
        items = _boxes(page, ".site-nav li")
        nav = _boxes(page, ".site-nav ul")[0]
        first, second = items[0], items[1]
        assert abs(first["right"] - nav["right"]) <= 12, f"the first nav item is not at the right: {first} in {nav}"
        if abs(first["top"] - second["top"]) < 4:  # on one row: the second item is left of the first
            assert second["right"] <= first["left"] + 1
        brand = _boxes(page, ".brand")[0]
        search = _boxes(page, ".site-search")[0]
        if abs(brand["top"] - search["top"]) < brand["height"]:  # side by side (wide screens)
            assert brand["left"] >= search["right"] - 1, "the brand starts the header at the right"
        else:
            assert brand["right"] >= width - 40, "the brand sits at the right edge"
        cards = _boxes(page, ".card")
        assert cards and all(c["right"] <= width + 0.5 and c["left"] >= -0.5 for c in cards)
    finally:
        context.close()


# Where the magnifier of the search box is drawn (a background image), from its computed position:
# Chromium writes "right 0.7rem" as calc(100% - 11.2px), where 100% is the box less the image.
MAGNIFIER = """el => {
  const s = getComputedStyle(el), box = el.clientWidth, size = parseFloat(s.backgroundSize), x = s.backgroundPositionX;
  let m, left;
  if ((m = x.match(/^calc\\(100% - ([\\d.]+)px\\)$/))) left = box - size - parseFloat(m[1]);
  else if ((m = x.match(/^([\\d.]+)%$/))) left = (box - size) * parseFloat(m[1]) / 100;
  else left = parseFloat(x);
  return {left, right: left + size, box,
          paddingLeft: parseFloat(s.paddingLeft), paddingRight: parseFloat(s.paddingRight)};
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("language", "start"), [("ar", "right"), ("de", "left")])
def test_the_search_magnifier_sits_where_the_writing_starts(browser: Any, served: str, language: str,
                                                           start: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(served + f"{language}/index.html")
        icon = page.locator(".site-search-input").evaluate(MAGNIFIER)
        if start == "right":
            assert icon["paddingRight"] > icon["paddingLeft"], f"the room for the magnifier is on the left: {icon}"
            assert icon["left"] >= icon["box"] - icon["paddingRight"] - 1, f"the magnifier is not at the right: {icon}"
        else:
            assert icon["paddingLeft"] > icon["paddingRight"], f"the room for the magnifier is on the right: {icon}"
            assert icon["right"] <= icon["paddingLeft"] + 1, f"the magnifier is not at the left: {icon}"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_passes_on_the_german_portal(browser: Any, served: str, scheme: str) -> None:
    axe = axe_path()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(served + "de/" + path)
            assert page.evaluate("document.documentElement.lang") == "de"
            if path == "index.html":  # the scripts write a count as the pages do
                assert page.evaluate("window.portalgen.say(null, 'x', '%(num)s of %(best)s', "
                                     "{num: 1234, best: 8})") == "1.234 of 8"
            violations = run_axe(page, axe)
            assert not violations, f"de/{path} ({scheme}):\n" + describe_axe(violations)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", OTHERS)
def test_every_shipped_language_reads_on_a_phone(browser: Any, served: str, language: str) -> None:
    axe = axe_path()
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(served + f"{language}/" + path)
            assert page.evaluate("document.documentElement.lang") == language
            scroll = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            assert scroll[0] <= scroll[1], f"{language}/{path} scrolls sideways at 390 px: {scroll}"
            violations = run_axe(page, axe)
            assert not violations, f"{language}/{path}:\n" + describe_axe(violations)
    finally:
        context.close()
