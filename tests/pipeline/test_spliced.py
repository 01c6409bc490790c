"""The site-wide files of an edit that only reworded records come from the live site's
(render/spliced.py): feeds that list none of the records are kept as they are, portal.json and the
search index get the records' lines and rows made anew. Whatever path is taken, the site is what
a cold build makes; and a feed that lists a reworded record is always made anew."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from generate import generate
from site_trees import same_as_cold, served_same_as_cold

import portalgen
from portalgen.model import urls
from portalgen.pipeline.cache import BuildCache
from portalgen.pipeline.session import Session
from portalgen.render import pages, spliced

EPOCH = "1795996800"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = generate(tmp_path / "portal", 40, seed=5)
    portalgen.build(root, jobs=1)
    return root


class Spy:
    """What each build did with its site-wide files: the feeds it kept and made, and whether
    portal.json and the search index were spliced (True) or made whole (False)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.kept: set[str] = set()
        self.sitemap_kept = False
        self.made: set[str] = set()
        self.spliced: dict[str, bool] = {}
        each_site_file, portal, search = pages.each_site_file, spliced.portal_document, spliced.search_document

        def spy_site_files(*args: Any, **kwargs: Any) -> Iterator[tuple[str, bytes]]:
            made = []
            for path, data in each_site_file(*args, **kwargs):
                made.append(path)
                yield path, data
            live = args[4] if len(args) > 4 else kwargs.get("live")
            self.kept = set(live.kept) - {urls.SITEMAP} if live is not None else set()
            self.sitemap_kept = live is not None and urls.SITEMAP in live.kept
            self.made = {path for path in made if path.endswith("feed.xml")}

        def spy_portal(*args: Any) -> bytes | None:
            found = portal(*args)
            self.spliced[urls.PORTAL_JSON] = found is not None
            return found

        def spy_search(*args: Any) -> bytes | None:
            found = search(*args)
            self.spliced[urls.SEARCH_INDEX] = found is not None
            return found

        monkeypatch.setattr(pages, "each_site_file", spy_site_files)
        monkeypatch.setattr(spliced, "portal_document", spy_portal)
        monkeypatch.setattr(spliced, "search_document", spy_search)

    @property
    def both_spliced(self) -> bool:
        return self.spliced == {urls.PORTAL_JSON: True, urls.SEARCH_INDEX: True}


def edit(path: Path, change: Any) -> None:
    text = path.read_text(encoding="utf-8")
    assert change(text) != text
    path.write_text(change(text), encoding="utf-8")


def retitle(prefix: str) -> Any:
    return lambda text: re.sub(r"^title: ([\"']?)", lambda m: f"title: {m[1]}{prefix} ", text, count=1, flags=re.M)


def record_file(project: Path, slug: str) -> Path:
    return next((project / "content").rglob(f"{slug}.md"))


def feed_paths(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.xml") if p.name != "sitemap.xml"}


def listed(site: Path, kind: str, slug: str) -> set[str]:
    """The feeds of the live site that list the record."""
    entry = re.compile(rf'<entry>.*?<link rel="alternate" href="[^"]*\b{kind}s/{slug}/"'.encode())
    return {path for path in feed_paths(site) if entry.search((site / path).read_bytes())}


def newest_listed(site: Path, kind: str) -> str:
    """A record of `kind` the site feed lists."""
    found = re.search(rf'<link rel="alternate" href="[^"]*\b{kind}s/([a-z0-9-]+)/"'.encode(),
                      (site / urls.SITE_FEED).read_bytes())
    assert found is not None
    return found[1].decode()


def test_a_reworded_feedback_item_keeps_every_feed(project: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(2):  # the second from what the first, itself spliced, left
        spy = Spy(monkeypatch)
        edit(record_file(project, "feedback-000004"), lambda t, n=n: retitle(f"Re{n} <&>")(t) + f"\nEdited {n}.\n")
        portalgen.build(project, jobs=1)
        assert spy.both_spliced and spy.sitemap_kept
        assert spy.made == set() and spy.kept == feed_paths(project / "site")
        assert f"Re{n} \\u003c\\u0026\\u003e".encode() in (project / "site" / urls.PORTAL_JSON).read_bytes()
        assert same_as_cold(project, tmp_path)


@pytest.mark.parametrize("kind", ["decision", "change"])
def test_a_retitled_entry_remakes_every_feed_that_lists_it(kind: str, project: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeds that list the record show its new title; a feed wrongly kept would show the old one."""
    site = project / "site"
    slug = newest_listed(site, kind)
    lists = listed(site, kind, slug)
    assert urls.SITE_FEED in lists and len(lists) < len(feed_paths(site))
    spy = Spy(monkeypatch)
    edit(record_file(project, slug), retitle("Retitled"))
    portalgen.build(project, jobs=1)
    assert spy.made == lists and spy.kept == feed_paths(site) - lists
    for path in lists:
        assert b"Retitled " in (site / path).read_bytes(), path
    assert spy.both_spliced
    assert same_as_cold(project, tmp_path)


def test_the_last_line_and_row_are_spliced_too(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """The oldest feedback item's line ends portal.json's list without a comma; the oldest change's
    row ends the search index; the newest feedback item's row starts it."""
    def newest_first(folder: str) -> list[Path]:  # as the model orders records: by date, then slug
        paths = (project / "content" / folder).rglob("*.md")
        dated = {p: re.search(r"^date: (\S+)", p.read_text("utf-8"), re.M) for p in paths}
        return sorted(dated, key=lambda p: (_minus(dated[p][1]), p.stem))  # type: ignore[index]

    feedback = newest_first("feedback")
    newest, oldest, last_change = feedback[0], feedback[-1], newest_first("changes")[-1]
    spy = Spy(monkeypatch)
    for path in {oldest, newest, last_change}:
        edit(path, lambda t: retitle("Edge")(t) + "\nEdge edit.\n")
    portalgen.build(project, jobs=1)
    assert spy.both_spliced
    assert same_as_cold(project, tmp_path)


def _minus(day: str) -> str:
    """A key that sorts the newest day first."""
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in day)


def test_a_live_file_not_the_one_recorded_is_made_whole(project: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    live = project / "site" / urls.PORTAL_JSON
    data = live.read_bytes()
    live.unlink()  # a new file: the back buffer may share the old one's inode
    live.write_bytes(data.replace(b'"version": 1', b'"version": 2'))
    spy = Spy(monkeypatch)
    edit(record_file(project, "feedback-000004"), lambda t: t + "\nEdited.\n")
    portalgen.build(project, jobs=1)
    assert spy.spliced == {urls.PORTAL_JSON: False, urls.SEARCH_INDEX: True}
    assert same_as_cold(project, tmp_path)


def test_another_basis_or_a_new_outcome_makes_everything_whole(project: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    basis = spliced.basis
    monkeypatch.setattr(spliced, "basis", lambda *args: "x" + basis(*args))  # as a live site of another day
    spy = Spy(monkeypatch)
    edit(record_file(project, "feedback-000004"), lambda t: t + "\nEdited.\n")
    portalgen.build(project, jobs=1)
    assert spy.kept == set() and spy.made == feed_paths(project / "site") and not spy.sitemap_kept
    assert spy.spliced == {urls.PORTAL_JSON: False, urls.SEARCH_INDEX: False}
    assert same_as_cold(project, tmp_path)
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    portalgen.build(project, jobs=1)  # the basis the live site records is the real one again
    spy = Spy(monkeypatch)
    decision = record_file(project, newest_listed(project / "site", "decision"))
    edit(decision, lambda t: re.sub(r"^outcome: .*$", "outcome: declined", t, count=1, flags=re.M)
         if "outcome: declined" not in t else re.sub(r"^outcome: .*$", "outcome: planned", t, count=1, flags=re.M))
    portalgen.build(project, jobs=1)
    assert spy.kept == set() and spy.spliced == {urls.PORTAL_JSON: False, urls.SEARCH_INDEX: False}
    assert same_as_cold(project, tmp_path)


def test_serve_splices_a_reworded_record(tmp_path: Path, helpers: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = helpers.copy_example(tmp_path / "portal")
    served = Session(project, tmp_path / "served", cache=BuildCache.open(project), persist=False)  # as serve's
    served.run()
    slug = newest_listed(served.out, "decision")
    lists = listed(served.out, "decision", slug)
    spy = Spy(monkeypatch)
    path = record_file(project, slug)
    edit(path, retitle("Served"))
    served.run({str(path)})
    assert spy.made == lists and spy.kept == feed_paths(served.out) - lists and spy.both_spliced
    served_same_as_cold(served, tmp_path)
    # A CLI build replaced the site since: what the session patched is not about that site.
    portalgen.build(project, served.out, jobs=1)
    spy = Spy(monkeypatch)
    edit(path, retitle("Again"))
    served.run({str(path)})
    assert spy.kept == set()
    served_same_as_cold(served, tmp_path)
    assert os.path.exists(served.out / urls.SITE_FEED)


def test_the_sitemap_is_kept_only_for_the_very_pages_of_the_live_site(tmp_path: Path) -> None:
    recorded = {"index.html": "a", "feedback/x/index.html": "b", urls.SITEMAP: "c", urls.SITE_FEED: "d"}
    live = spliced.Live(tmp_path, frozenset({("feedback", "x")}), recorded, str)
    assert not live.keeps_sitemap(["index.html"])  # a page fewer
    assert not live.keeps_sitemap(["index.html", "feedback/x/index.html", "feedback/y/index.html"])
    assert not live.keeps_sitemap(["index.html", "feedback/y/index.html"])  # another page
    assert not spliced.Live(tmp_path, None, recorded, str).keeps_sitemap(["index.html", "feedback/x/index.html"])
    assert live.kept == set()
    assert live.keeps_sitemap(["feedback/x/index.html", "index.html"]) and live.kept == {urls.SITEMAP}
