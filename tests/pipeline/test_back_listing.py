"""The back buffer listed by a forked process while a CLI build reads its content (pipeline/back_listing.py):
pruning from that listing leaves exactly what pruning from a walk leaves, and an edit build that uses it
ends with the cold build's site, stray files in the back buffer included."""

from __future__ import annotations

import multiprocessing.process
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from generate import generate
from site_trees import tree

import portalgen
from portalgen.output import pruning
from portalgen.pipeline import back_listing, parallel
from portalgen.pipeline.back_listing import BackListing

FILES = ["index.html", "feedback/x/index.html", "feedback/gone/index.html", "deep/er/still/stray.txt",
         "feedback/x/extra.txt", "tags/a/index.html", "tags/a/page/2/index.html", "static/style.css",
         "odd name/with space/index.html", "café/ünï/index.html", "café/gone.html"]
WANTED = {"index.html", "feedback/x/index.html", "tags/a/index.html", "static/style.css", "missing/index.html",
          "odd name/with space/index.html", "café/ünï/index.html"}


def make_tree(root: Path, outside: Path) -> Path:
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode())
    (root / "empty/nested").mkdir(parents=True)
    (root / "to-folder").symlink_to(outside, target_is_directory=True)  # kept, not followed
    (root / "tags/a/to-file").symlink_to(root / "index.html")  # a link to a file: removed unless wanted
    # A name that is not UTF-8 (someone's stray file): listed as os.fsdecode names it, and removed
    with open(os.path.join(os.fsencode(root), b"feedback", b"stray-\xff\xfe.txt"), "wb") as stray:
        stray.write(b"stray")
    return root


def everything(root: Path) -> dict[str, str]:
    """Each path under root with its kind: folder, link or file (and a file's bytes)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            found[rel] = ("link" if path.is_symlink() else "folder" if path.is_dir()
                          else "file " + path.read_text(encoding="utf-8"))
    return found


def test_pruning_from_the_listing_leaves_what_pruning_from_a_walk_leaves(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.txt").write_text("someone's notes", encoding="utf-8")
    walked, listed = make_tree(tmp_path / "walked", outside), make_tree(tmp_path / "listed", outside)
    listing = BackListing(listed).result()
    assert listing is not None
    assert ("k", "to-folder") in listing and ("f", "tags/a/to-file") in listing and ("d", "empty/nested") in listing
    assert not any(rel.startswith("to-folder/") for _, rel in listing)  # the link is not followed
    assert ("f", "café/ünï/index.html") in listing and ("f", os.fsdecode(b"feedback/stray-\xff\xfe.txt")) in listing
    pruning.prune(str(walked), "", WANTED)
    pruning.prune_listed(str(listed), listing, WANTED)
    assert everything(listed) == everything(walked)
    assert set(everything(listed)) == {"index.html", "feedback", "feedback/x", "feedback/x/index.html", "tags",
                                       "tags/a", "tags/a/index.html", "static", "static/style.css", "to-folder",
                                       "odd name", "odd name/with space", "odd name/with space/index.html",
                                       "café", "café/ünï", "café/ünï/index.html"}
    assert (outside / "notes.txt").read_text(encoding="utf-8") == "someone's notes"


def test_a_listing_that_failed_is_none_and_its_file_is_closed(tmp_path: Path) -> None:
    listing = BackListing(tmp_path / "no such folder")
    assert listing.result() is None
    with pytest.raises(OSError):
        os.fstat(listing._fd)


def test_a_listing_never_taken_closes_its_file(tmp_path: Path) -> None:
    listing = BackListing(tmp_path)
    fd = listing._fd
    assert listing._process is not None
    listing._process.join()
    del listing
    with pytest.raises(OSError):
        os.fstat(fd)


def test_a_listing_that_cannot_fork_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    assert BackListing(tmp_path).result() is None


def test_an_edit_build_prunes_the_back_buffer_from_its_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Strays put into the back buffer (at any depth) are gone from the site it becomes, as from a
    cold build's; and the listing made by the forked process is what the build pruned from."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = generate(tmp_path / "portal", 60, seed=3)
    portalgen.build(project)
    target = next((project / "content" / "feedback").rglob("*.md"))
    for number in range(2):  # the second edit build finds a trusted back buffer
        target.write_text(target.read_text(encoding="utf-8") + f"\nEdit {number}.\n", encoding="utf-8")
        portalgen.build(project)
    (back,) = (project / ".portalgen-cache" / "back").glob("*")
    (back / "feedback" / "stray.txt").write_text("stray", encoding="utf-8")
    (back / "deep" / "er").mkdir(parents=True)
    (back / "deep" / "er" / "stray.txt").write_text("stray", encoding="utf-8")
    taken: list[int] = []
    result = BackListing.result

    def counted(self: BackListing) -> pruning.Listed | None:
        listed = result(self)
        taken.append(len(listed or []))
        return listed

    monkeypatch.setattr(back_listing.BackListing, "result", counted)
    target.write_text(target.read_text(encoding="utf-8") + "\nEdit 2.\n", encoding="utf-8")
    assert portalgen.build(project, jobs=2).rendered < 10  # with one job, no process is forked for it
    assert len(taken) == 1 and taken[0] > 60
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    portalgen.build(project, cold, use_cache=False, jobs=1)
    assert tree(project / "site") == tree(cold)


def test_no_thread_runs_when_an_edit_build_forks_its_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The large cache file is read in a thread beside the imports (BuildCache.read_ahead); that thread is
    done before the build forks the listing: a child forked beside a running thread copies it half-way."""
    project = generate(tmp_path / "portal", 60, seed=3)
    portalgen.build(project)
    target = next((project / "content" / "feedback").rglob("*.md"))
    alive: list[list[str]] = []
    forked = parallel.forked

    def counting(func: Callable[[], None]) -> multiprocessing.process.BaseProcess | None:
        alive.append([thread.name for thread in threading.enumerate()])
        return forked(func)

    monkeypatch.setattr(parallel, "forked", counting)
    started = threading.Thread.start
    readers: list[str] = []

    def noting(self: threading.Thread) -> None:
        readers.append(self.name)
        started(self)

    monkeypatch.setattr(threading.Thread, "start", noting)
    for number in range(3):  # from the second edit build on, the back buffer is listed
        target.write_text(target.read_text(encoding="utf-8") + f"\nEdit {number}.\n", encoding="utf-8")
        portalgen.build(project, jobs=2)
    assert "portalgen-read-ahead" in readers, "the cache was read ahead"
    assert alive and not any("portalgen-read-ahead" in names for names in alive), alive
