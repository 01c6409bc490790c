"""The writer's temporary folders beside the output: portalgen removes the ones it made (marked
as its own the moment they are made), and never a folder that only happens to have such a name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import portalgen
from portalgen.output import writing
from portalgen.output.writing import MARKER

PAGES = {"index.html": b"<p>home</p>", "feedback/x/index.html": b"<p>x</p>"}


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def folder(path: Path, marked: bool, files: dict[str, str] | None = None) -> Path:
    path.mkdir(parents=True)
    for rel, text in (files or {"notes.txt": "someone's notes"}).items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    if marked:
        (path / MARKER).write_bytes(writing.MARKER_TEXT)
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def beside(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name != output.name)


@pytest.fixture(params=["exchange", "rename"])
def swap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of swapping the new site in: renameat2 where Linux has it, two renames elsewhere."""
    if request.param == "rename":
        monkeypatch.setattr(writing, "_exchange", lambda a, b: False)
    return str(request.param)


def test_folders_named_like_temporary_ones_but_not_made_by_portalgen_survive(tmp_path: Path, swap: str) -> None:
    output = tmp_path / "site"
    dead = dead_pid()
    elsewhere = folder(tmp_path / "elsewhere", marked=True)
    foreign = [folder(tmp_path / name, marked=False) for name in
               (".site.old-x", f".site.tmp-{dead}", f".site.old-{dead}-abcd", ".site.tmp-")]
    (tmp_path / f".site.tmp-{dead}-link").symlink_to(elsewhere)  # a link is never followed
    before = {path.name: snapshot(path) for path in [*foreign, elsewhere]}
    writing.write_site(output, PAGES, {})
    writing.write_site(output, {**PAGES, "index.html": b"<p>new</p>"}, {})  # swaps with the old site
    assert (output / "index.html").read_bytes() == b"<p>new</p>"
    assert {path.name: snapshot(path) for path in [*foreign, elsewhere]} == before
    assert beside(output) == sorted([*before, f".site.tmp-{dead}-link"])


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path, swap: str) -> None:
    output = tmp_path / "site"
    dead = dead_pid()
    folder(tmp_path / f".site.tmp-{dead}", marked=True, files={"feedback/index.html": "half a site"})
    folder(tmp_path / f".site.old-{dead}-0a1b", marked=True, files={"index.html": "an old site"})
    (tmp_path / f".site.tmp-{dead}-ffff").mkdir()  # killed before it was marked: empty
    writing.write_site(output, PAGES, {})
    writing.write_site(output, PAGES, {})
    assert beside(output) == []
    assert snapshot(output) == {**PAGES, MARKER: writing.MARKER_TEXT}


def test_the_folder_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        busy = folder(tmp_path / f".site.tmp-{sleeper.pid}-0000", marked=True)
        writing.write_site(tmp_path / "site", PAGES, {})
        assert busy.is_dir()
    finally:
        sleeper.communicate()


def test_a_removal_cut_short_leaves_the_folder_marked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker is deleted last, so a build killed while it deletes its temporary folder leaves
    one the next build still knows as its own."""
    stray = folder(tmp_path / f".site.tmp-{dead_pid()}", marked=True,
                   files={f"{n}/index.html": "page" for n in range(5)})

    def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit("killed")

    with monkeypatch.context() as patch:
        patch.setattr(writing.shutil, "rmtree", killed)
        with pytest.raises(SystemExit):
            writing._remove(stray)
    assert (stray / MARKER).is_file()
    writing.clean_stray(tmp_path / "site")
    assert not stray.exists()


def test_the_site_folder_gets_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        writing.write_site(tmp_path / "site", PAGES, {})
    finally:
        os.umask(mask)
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755, "a web server must be able to read it"


def test_a_foreign_site_old_folder_survives_a_build(tmp_path: Path, helpers) -> None:
    project = helpers.copy_example(tmp_path / "portal")
    mine = folder(project / ".site.old-x", marked=False, files={"draft.md": "my own draft"})
    portalgen.build(project, jobs=1)
    (project / "content" / "portal.yaml").write_text(
        (project / "content" / "portal.yaml").read_text("utf-8") + "\n", "utf-8")
    portalgen.build(project, jobs=1)  # a second build replaces the first site
    assert snapshot(mine) == {"draft.md": b"my own draft"}


def test_a_site_written_page_by_page_is_swapped_in_whole_or_not_at_all(tmp_path: Path, swap: str) -> None:
    output = tmp_path / "site"
    writing.write_site(output, PAGES, {})
    old = snapshot(output)
    failed = writing.NewSite(output)
    failed.put("index.html", b"<p>half a site</p>")
    assert snapshot(output) == old  # nothing is live before finish()
    failed.discard()
    assert beside(output) == [] and snapshot(output) == old
    made = writing.NewSite(output)
    made.put("feedback/x/index.html", b"<p>new x</p>")
    made.finish({"index.html": b"<p>new home</p>"}, {}, ())
    assert snapshot(output) == {"index.html": b"<p>new home</p>", "feedback/x/index.html": b"<p>new x</p>",
                                MARKER: writing.MARKER_TEXT}
    assert beside(output) == []


def test_the_back_buffer_is_brought_to_exactly_the_new_site(tmp_path: Path) -> None:
    """update_back removes every file the new site does not have (stray ones too, at any depth)
    and the folders left empty, links reused pages from the live site, writes changed files,
    and leaves a link to a folder alone (neither followed nor removed)."""
    if not writing._exchange(*(folder(tmp_path / name, marked=False) for name in ("a", "b"))):
        pytest.skip("this platform cannot exchange two folders atomically")
    live, back = tmp_path / "site", tmp_path / "back"
    writing.write_site(live, {**PAGES, "feedback/y/index.html": b"<p>y</p>"}, {})
    writing.write_site(back, {**PAGES, "feedback/gone/index.html": b"<p>gone</p>",
                              "deep/er/still/stray.txt": b"stray", "feedback/x/extra.txt": b"extra"}, {})
    outside = folder(tmp_path / "outside", marked=False)
    (back / "linked").symlink_to(outside, target_is_directory=True)
    new = {"index.html": b"<p>home, edited</p>"}
    assert writing.update_back(back, live, new, {}, ["feedback/x/index.html", "feedback/y/index.html"],
                               same_as_back=["feedback/x/index.html"])
    files = {p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file() and not p.is_symlink()}
    assert files == {MARKER, "index.html", "feedback/x/index.html", "feedback/y/index.html"}
    assert sorted(p.name for p in live.iterdir()) == sorted([MARKER, "index.html", "feedback", "linked"])
    assert (live / "index.html").read_bytes() == b"<p>home, edited</p>"
    assert (live / "feedback/y/index.html").read_bytes() == b"<p>y</p>"
    assert (outside / "notes.txt").read_text(encoding="utf-8") == "someone's notes"


def test_the_back_buffer_update_never_writes_into_files_it_shares_with_the_live_site(tmp_path: Path) -> None:
    """The back buffer's pages may be hard links to the live site's: changed ones are made anew
    (a theme file and a page here), and a page in a folder's place replaces the folder."""
    if not writing._exchange(*(folder(tmp_path / name, marked=False) for name in ("a", "b"))):
        pytest.skip("this platform cannot exchange two folders atomically")
    live, back = tmp_path / "site", tmp_path / "back"
    theme = tmp_path / "style.css"
    theme.write_bytes(b"new style")
    writing.write_site(live, {**PAGES, "static/style.css": b"old style", "feedback/z/index.html": b"<p>z</p>"}, {})
    writing.write_site(back, {"index.html": b"<p>older home</p>"}, {})
    for rel in ("feedback/x/index.html", "static/style.css"):
        (back / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(live / rel, back / rel)
    (back / "feedback/z/index.html").mkdir(parents=True)
    before = snapshot(live)
    assert writing.update_back(back, live, {"feedback/x/index.html": b"<p>x, edited</p>"},
                               {"static/style.css": theme}, ["index.html", "feedback/z/index.html"], same_as_back=[])
    assert snapshot(back) == before  # the old live site, now the back buffer, kept every byte
    assert snapshot(live) == {**before, "feedback/x/index.html": b"<p>x, edited</p>", "static/style.css": b"new style"}
    assert (live / "index.html").stat().st_ino == (back / "index.html").stat().st_ino


def test_a_file_is_compared_with_new_bytes_a_chunk_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The back buffer's file is left alone only when it holds the very bytes (compared in chunks,
    so a big file is not read whole beside its new bytes): a difference in any chunk, a shorter or
    longer file, are told apart."""
    monkeypatch.setattr(writing, "COMPARE_CHUNK", 4)
    target = tmp_path / "portal.json"
    data = b"0123456789abcdef-tail"
    target.write_bytes(data)
    assert writing._holds(target, data)
    (tmp_path / "empty").write_bytes(b"")
    assert writing._holds(tmp_path / "empty", b"")
    for other in (data[:-1] + b"X", b"X" + data[1:], data[:9] + b"_" + data[10:], data[:-1], data + b"!", b""):
        assert not writing._holds(target, other), other
    linked = tmp_path / "live.json"  # the back buffer's file is a hard link to the live site's
    os.link(target, linked)
    writing._write_if_changed(target, data)
    assert target.stat().st_nlink == 2  # the same bytes: left alone
    writing._write_if_changed(target, data[:9] + b"_" + data[10:])
    assert target.read_bytes() == data[:9] + b"_" + data[10:] and linked.read_bytes() == data


def test_a_file_the_back_buffers_record_tells_of_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the digests of the new files and those the back buffer's record holds, a file is left
    alone when they agree and made anew when they differ, without being read to be compared (the
    site-wide files: 26 MB at 10,000 items); a file they do not both know is compared as before."""
    if not writing._exchange(*(folder(tmp_path / name, marked=False) for name in ("a", "b"))):
        pytest.skip("this platform cannot exchange two folders atomically")
    live, back = tmp_path / "site", tmp_path / "back"
    writing.write_site(live, PAGES, {})
    writing.write_site(back, {"index.html": b"<p>home</p>", "api/portal.json": b"{old}", "feed.xml": b"<feed/>",
                              "search/index.js": b"old"}, {})
    (back / "api/portal.json").write_bytes(b"{as the record says}")  # the record is trusted, not the bytes
    read: list[Path] = []
    holds = writing._holds
    monkeypatch.setattr(writing, "_holds", lambda target, data: read.append(target) or holds(target, data))
    new = {"api/portal.json": b"{new}", "feed.xml": b"<feed>new</feed>", "search/index.js": b"new",
           "index.html": b"<p>home</p>"}
    digests = {"api/portal.json": "same", "feed.xml": "now", "search/index.js": "now"}
    recorded = {"api/portal.json": "same", "feed.xml": "then"}
    assert writing.update_back(back, live, new, {}, [], same_as_back=[], digests=digests,
                               recorded=writing.BackRecord(recorded))
    assert (live / "api/portal.json").read_bytes() == b"{as the record says}"  # agreed: left alone
    assert (live / "feed.xml").read_bytes() == b"<feed>new</feed>"  # differed: written
    assert (live / "search/index.js").read_bytes() == b"new"  # not recorded: compared, then written
    assert sorted(p.relative_to(back).as_posix() for p in read) == ["index.html", "search/index.js"]
