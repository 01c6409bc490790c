"""Shared fixtures: the example portal built once per session, an HTML parser and link checking.

Helpers are handed out as fixtures (not imported from this module) so test files keep working
whether or not tests/ becomes a package.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
import yaml
from repo_paths import BENCH, REPO

import portalgen

# Test modules sit in sub-folders of tests/ (no __init__.py anywhere, so basenames must be unique).
# They import the helper modules at tests/ (repo_paths, closing_loop_project, helpers_content):
# pytest put tests/ on sys.path before importing this file, its folder (the default "prepend"
# import mode). They also import bench/generate.py (`from generate import generate`): bench/ goes
# on sys.path once, here, before any test module is imported.
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

# The day every build in the tests is made on (2026-11-30 UTC, after every date in the example
# portal). The public site counts days waiting up to its build date, so an unpinned test would give
# another answer tomorrow. Set before any test runs, so child processes inherit it too; tests of the
# clock itself unset it (monkeypatch.delenv) and inject the day (portalgen.pipeline.clock.system_date).
PINNED_EPOCH = "1795996800"
os.environ["SOURCE_DATE_EPOCH"] = PINNED_EPOCH

EXAMPLE_CONTENT = REPO / "content"
KIND_FOLDERS = {"customer": "customers", "feedback": "feedback", "decision": "decisions", "change": "changes"}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?(.*)\Z", re.DOTALL | re.MULTILINE)

# Elements and attributes that make a browser fetch or navigate to something.
LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"))
# Anything with one of these attributes loads a resource when the page is shown.
FETCH_ATTRIBUTES = ("src", "srcset", "poster", "data")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from this build instead of comparing (after a reviewed change)")


# --- building -------------------------------------------------------------------------------------


def copy_example(dest: Path) -> Path:
    """A portal project at dest holding a copy of the example content (never the original)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLE_CONTENT, dest / "content")
    return dest


def run_cli(*args: str | os.PathLike[str], cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m portalgen ARGS` in a child process: the real entry point and exit codes."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "portalgen", *map(str, args)], cwd=cwd or REPO,
                          env=full_env, capture_output=True, text=True, timeout=120, check=False)


@dataclass(frozen=True)
class ExampleBuild:
    project: Path
    site: Path
    result: portalgen.BuildResult


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> ExampleBuild:
    """The example portal, built once per session from a copy of content/ in a tmp folder."""
    project = copy_example(tmp_path_factory.mktemp("example") / "portal")
    result = portalgen.build(project)
    return ExampleBuild(project, result.output, result)


@pytest.fixture(scope="session")
def example_site(example_build: ExampleBuild) -> Path:
    """The built example site/ folder. Read it, never change it: other tests share it."""
    return example_build.site


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A fresh, private copy of the example project (content/ only, not built) for one test."""
    return copy_example(tmp_path / "portal")


# --- reading content independently of portalgen ---------------------------------------------------


def read_record(path: Path) -> dict[str, Any]:
    """One content file as a dict (front matter or YAML), plus '_body' and '_path'."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix in (".yaml", ".yml"):
        data, body = yaml.safe_load(text) or {}, ""
    else:
        match = _FRONT_MATTER.match(text)
        assert match, f"{path} has no front matter"
        data, body = yaml.safe_load(match[1]) or {}, match[2]
    return {**data, "_body": body, "_path": path}


@dataclass(frozen=True)
class Content:
    """content/ read with PyYAML alone, so tests compute what the site should show on their own."""

    portal: dict[str, Any]
    customers: dict[str, dict[str, Any]]
    feedback: dict[str, dict[str, Any]]
    decisions: dict[str, dict[str, Any]]
    changes: dict[str, dict[str, Any]]

    @staticmethod
    def published(record: dict[str, Any]) -> bool:
        return not record.get("draft") and record.get("visibility", "public") != "private"

    def customer_named(self, slug: str) -> bool:
        credit = self.customers[slug].get("credit") or self.portal.get("credit_default") or "anonymous"
        return credit == "named"


def read_content(content: Path) -> Content:
    kinds: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, folder in KIND_FOLDERS.items():
        records: dict[str, dict[str, Any]] = {}
        for path in sorted((content / folder).rglob("*")):
            if path.is_file() and path.suffix in (".md", ".yaml", ".yml") and not path.name.startswith("."):
                records[path.stem] = read_record(path)
        kinds[kind] = records
    portal = yaml.safe_load((content / "portal.yaml").read_text(encoding="utf-8"))
    return Content(portal, kinds["customer"], kinds["feedback"], kinds["decision"], kinds["change"])


@pytest.fixture(scope="session")
def content() -> Content:
    """The example portal's content/, parsed by the tests themselves."""
    return read_content(EXAMPLE_CONTENT)


# --- HTML -----------------------------------------------------------------------------------------


def parse_html(source: bytes | str | Path, errors: list[str] | None = None) -> ET.Element:
    """Parse like a browser does (html5lib) into an ElementTree root <html> element, no namespaces.

    Parse errors (unclosed or misnested tags and the like) are appended to `errors` when given.
    """
    data = source.read_bytes() if isinstance(source, Path) else source
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parse(data)
    if errors is not None:
        errors.extend(f"line {line}, col {col}: {code} {info or ''}".rstrip()
                      for (line, col), code, info in parser.errors)
    return root


@pytest.fixture(scope="session")
def html() -> Callable[[bytes | str | Path], ET.Element]:
    """The HTML parser helper: html(path_or_bytes) -> ElementTree root."""
    return parse_html


def text_of(element: ET.Element | None) -> str:
    """Visible text of an element with whitespace collapsed."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


# --- links ----------------------------------------------------------------------------------------


class BrokenLink(AssertionError):
    """An internal link that leaves the site, is malformed, or points at a missing file."""


@dataclass(frozen=True)
class Link:
    page: str  # page path relative to the site root, posix
    tag: str
    attribute: str
    value: str


def page_links(rel: str, root: ET.Element) -> Iterator[Link]:
    """Every a[href], link[href], img[src] and script[src] of one parsed page."""
    for tag, attribute in LINK_ATTRIBUTES:
        for el in root.iter(tag):
            value = el.get(attribute)
            if value is not None:
                yield Link(rel, tag, attribute, value.strip())


def is_external(value: str, own_hosts: frozenset[str] = frozenset()) -> bool:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") or value.startswith("//"):
        return parts.hostname not in own_hosts
    return False


def link_target(link: Link, site: Path, base_url: str | None = None) -> Path | None:
    """The file in site/ an internal link points at, or None for links to check no further.

    Raises BrokenLink for links that leave the site, are malformed or point at nothing.
    """
    value = link.value
    parts = urlsplit(value)
    if not value or value.startswith("#") or parts.scheme in ("mailto", "tel"):
        return None
    if parts.scheme in ("http", "https") or value.startswith("//"):
        base = urlsplit(base_url or "")
        if base_url and parts.hostname == base.hostname and parts.path.startswith(base.path or "/"):
            path = parts.path[len(base.path or "/"):]
            return _existing(site, path, link)
        return None  # another host: not ours to check
    if parts.scheme:
        raise BrokenLink(f"{link.page}: unexpected URL scheme in {link.tag}[{link.attribute}]={value!r}")
    path = unquote(parts.path)
    if path.startswith("/"):
        base_path = urlsplit(base_url).path if base_url else "/"
        if not path.startswith(base_path):
            raise BrokenLink(f"{link.page}: {value!r} is outside the site's path {base_path!r}")
        return _existing(site, path[len(base_path):], link)
    joined = posixpath.join(posixpath.dirname(link.page), path)
    return _existing(site, joined, link, keep_slash=path.endswith("/") or not path)


def _existing(site: Path, rel: str, link: Link, keep_slash: bool = False) -> Path:
    trailing = rel.endswith("/") or keep_slash or rel == ""
    normal = posixpath.normpath(rel) if rel else "."
    if normal == ".." or normal.startswith("../"):
        raise BrokenLink(f"{link.page}: {link.tag}[{link.attribute}]={link.value!r} leaves the site root")
    target = site / normal if normal != "." else site
    if trailing or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        raise BrokenLink(f"{link.page}: {link.tag}[{link.attribute}]={link.value!r} points at {normal!r}, "
                         "which is not in site/")
    return target


def parse_site(site: Path, errors: list[str] | None = None) -> dict[str, ET.Element]:
    """Every HTML page of a site, parsed: relative posix path -> root element.

    Parse errors are appended to `errors` as 'page: message' when given.
    """
    trees = {}
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        found: list[str] = []
        trees[rel] = parse_html(page, found)
        if errors is not None:
            errors.extend(f"{rel}: {e}" for e in found)
    return trees


def broken_links(site: Path, base_url: str | None = None,
                 trees: dict[str, ET.Element] | None = None) -> list[str]:
    """Every internal link or asset that does not resolve to a file in site/, as messages."""
    problems = []
    for rel, root in (trees if trees is not None else parse_site(site)).items():
        for link in page_links(rel, root):
            try:
                link_target(link, site, base_url)
            except BrokenLink as exc:
                problems.append(str(exc))
    return problems


@pytest.fixture(scope="session")
def example_parse(example_site: Path) -> tuple[dict[str, ET.Element], list[str]]:
    errors: list[str] = []
    return parse_site(example_site, errors), errors


@pytest.fixture(scope="session")
def example_pages(example_parse) -> dict[str, ET.Element]:
    """Every HTML page of the example site parsed once: 'feedback/x/index.html' -> root element."""
    return example_parse[0]


@pytest.fixture(scope="session")
def example_parse_errors(example_parse) -> list[str]:
    """html5lib's parse errors for the example site's pages ('page: message')."""
    return example_parse[1]


# --- trees ----------------------------------------------------------------------------------------


def tree_snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root (hidden ones too): path -> bytes (None for folders)."""
    snap: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        snap[rel + "/" if path.is_dir() else rel] = None if path.is_dir() else path.read_bytes()
    return snap


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for rel, data in tree_snapshot(root).items():
        digest.update(rel.encode() + b"\0")
        digest.update(hashlib.sha256(data).digest() if data is not None else b"dir")
    return digest.hexdigest()


@pytest.fixture(scope="session")
def helpers() -> SimpleNamespace:
    """The helper functions of this module, for test files (works whether or not tests/ is a package)."""
    return SimpleNamespace(
        copy_example=copy_example, run_cli=run_cli, read_content=read_content, read_record=read_record,
        parse_html=parse_html, text_of=text_of, html_pages=html_pages, parse_site=parse_site,
        page_links=page_links, link_target=link_target, is_external=is_external, broken_links=broken_links,
        tree_snapshot=tree_snapshot, tree_hash=tree_hash, Link=Link,
        LINK_ATTRIBUTES=LINK_ATTRIBUTES, FETCH_ATTRIBUTES=FETCH_ATTRIBUTES, EXAMPLE_CONTENT=EXAMPLE_CONTENT,
    )


# --- the browser ----------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium; `playwright install` cannot download here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module; skips cleanly where it or playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
