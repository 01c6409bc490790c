"""The stat memo of a no-change build (pipeline/stamps.py) never hides a change: a file whose stat is
as recorded is trusted only when it is older than the memo, and anything odd about the memo only
costs reading every file again."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest
from generate import generate
from repo_paths import REPO
from site_trees import same_as_cold

import portalgen
from portalgen.content.problems import ContentError
from portalgen.pipeline import signing
from portalgen.pipeline.inputs import input_digest
from portalgen.pipeline.stamps import FORMAT, STAT, Stamps


def memo_of(project: Path) -> Path:
    [memo] = (project / ".portalgen-cache").glob("stamps-*.bin")
    return memo


def fields(path: Path) -> list[int]:
    info = os.lstat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode]


def stat_of(path: Path) -> bytes:
    return STAT.pack(*fields(path))


# --- the memo on its own ------------------------------------------------------------------------


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("first\n", encoding="utf-8")
    return tmp_path


def test_an_entry_older_than_the_memo_is_trusted_and_a_racy_one_is_not(folder: Path) -> None:
    """The memo's own write time decides: the same stat, but not older than the memo, is read again."""
    path = folder / "content" / "a.md"
    info = os.lstat(path)
    newest = max(info.st_mtime_ns, info.st_ctime_ns)
    known = {"content:a.md": (stat_of(path), "remembered")}
    reads: list[str] = []

    def read() -> str:
        reads.append("read")
        return "read"

    older = Stamps(folder / "memo.bin", known, newest + 1, info.st_dev)
    assert older.token("content:a.md", info, read) == "remembered" and reads == []
    for written in (newest, newest - 1):  # written in the same tick as the file, or before it
        racy = Stamps(folder / "memo.bin", known, written, info.st_dev)
        assert racy.token("content:a.md", info, read) == "read"
    assert len(reads) == 2
    elsewhere = Stamps(folder / "memo.bin", known, newest + 1, info.st_dev + 1)
    assert elsewhere.token("content:a.md", info, read) == "read", "another file system's times are not compared"


@pytest.mark.parametrize("field", range(5))
def test_any_other_stat_is_read_again(folder: Path, field: int) -> None:
    path = folder / "content" / "a.md"
    info = os.lstat(path)
    recorded = fields(path)
    recorded[field] += 1  # size, mtime, ctime, inode or mode
    stamps = Stamps(folder / "memo.bin", {"content:a.md": (STAT.pack(*recorded), "remembered")}, 2**62, info.st_dev)
    assert stamps.token("content:a.md", info, lambda: "read") == "read"


def test_a_saved_memo_spares_reading_and_follows_an_edit(folder: Path) -> None:
    memo = folder / ".portalgen-cache" / "stamps.bin"
    first = Stamps.open(memo)
    truth = input_digest(folder, [], "s")
    assert input_digest(folder, [], "s", first) == truth
    first.save()
    assert memo.is_file() and (memo.parent / ".gitignore").is_file()
    path = folder / "content" / "a.md"
    info = os.lstat(path)
    later = max(info.st_mtime_ns, info.st_ctime_ns) + 10**9
    os.utime(memo, ns=(later, later))  # as if written a second after the file: its entry is trusted
    trusting = Stamps.open(memo)
    assert trusting.token("content:content/a.md", info, lambda: "read") != "read"
    path.write_text("other\n", encoding="utf-8")  # the same size
    edited = input_digest(folder, [], "s", Stamps.open(memo))
    assert edited != truth and edited == input_digest(folder, [], "s")


def test_an_edit_in_the_same_tick_as_the_memo_is_seen(folder: Path) -> None:
    """The case that needs the racy rule: the edit leaves size, times and inode as recorded."""
    memo = folder / ".portalgen-cache" / "stamps.bin"
    path = folder / "content" / "a.md"
    stamps = Stamps.open(memo)
    input_digest(folder, [], "s", stamps)
    stamps.save()
    path.write_text("other\n", encoding="utf-8")
    # A memo that recorded the new stat with a token of other bytes, written in the tick of the edit.
    key = signing.signing_key()
    assert key is not None
    stale = {"content:content/a.md": (stat_of(path), "token of the bytes before")}
    signing.write_signed(memo, key, marshal.dumps({"format": FORMAT, "entries": stale}))
    tick = os.lstat(path).st_ctime_ns
    os.utime(memo, ns=(tick, tick))
    assert input_digest(folder, [], "s", Stamps.open(memo)) == input_digest(folder, [], "s")
    os.utime(memo, ns=(tick + 1, tick + 1))  # a tick later, the same memo would be believed:
    assert input_digest(folder, [], "s", Stamps.open(memo)) != input_digest(folder, [], "s")


@pytest.mark.parametrize("spoil", ["garbage", "unsigned", "other format", "empty"])
def test_a_spoilt_memo_is_ignored(folder: Path, spoil: str) -> None:
    memo = folder / ".portalgen-cache" / "stamps.bin"
    memo.parent.mkdir()
    path = folder / "content" / "a.md"
    entries = {"content:content/a.md": (stat_of(path), "planted")}
    key = signing.signing_key()
    assert key is not None
    body = marshal.dumps({"format": FORMAT + (spoil == "other format"), "entries": entries})
    memo.write_bytes({"garbage": b"\x00\xff not a memo", "empty": b"",
                      "unsigned": b"0" * 64 + b"\n" + body}.get(spoil, signing.sign(key, body) + b"\n" + body))
    os.utime(memo, ns=(2**62, 2**62))
    assert input_digest(folder, [], "s", Stamps.open(memo)) == input_digest(folder, [], "s")


# --- whole builds -----------------------------------------------------------------------------------


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    root = generate(tmp_path / "portal", 30, seed=3)
    portalgen.build(root)
    assert portalgen.build(root).up_to_date
    return root


def feedback(project: Path, slug: str) -> Path:
    return next((project / "content" / "feedback").rglob(f"{slug}.md"))


def test_a_same_size_edit_dated_to_the_memo_is_built(project: Path, tmp_path: Path) -> None:
    path = feedback(project, "feedback-000004")
    text = path.read_text(encoding="utf-8")
    start = text.index("title: ") + len("title: ")
    title = "Q" + text[start + 1:text.index("\n", start)]  # one letter swapped: the same size
    edited = text[:start] + title + text[text.index("\n", start):]
    assert edited != text and len(edited.encode()) == len(text.encode())
    written = memo_of(project).stat().st_mtime_ns
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(written, written))
    result = portalgen.build(project)
    assert not result.up_to_date
    assert title in (project / "site" / "feedback" / "feedback-000004" / "index.html").read_text(encoding="utf-8")
    assert same_as_cold(project, tmp_path)


def test_new_removed_and_renamed_files_are_built(project: Path, tmp_path: Path) -> None:
    folder = feedback(project, "feedback-000001").parent
    (folder / "added-one.md").write_text(
        "---\ntitle: Added one\ndate: 2026-05-01\nfrom: [customer-00001]\n---\nNew.\n", encoding="utf-8")
    assert not portalgen.build(project).up_to_date
    assert (project / "site" / "feedback" / "added-one" / "index.html").is_file()
    (folder / "added-one.md").rename(folder / "renamed-one.md")
    assert not portalgen.build(project).up_to_date
    assert (project / "site" / "feedback" / "renamed-one" / "index.html").is_file()
    assert not (project / "site" / "feedback" / "added-one").exists()
    (folder / "renamed-one.md").unlink()
    assert not portalgen.build(project).up_to_date
    assert not (project / "site" / "feedback" / "renamed-one").exists()
    assert portalgen.build(project).up_to_date
    assert same_as_cold(project, tmp_path)


def test_a_file_renamed_to_one_the_loader_refuses_fails_the_build(project: Path) -> None:
    path = feedback(project, "feedback-000002")
    path.rename(project / "content" / "feedback" / "Bad Slug.md")
    with pytest.raises(ContentError) as info:
        portalgen.build(project)
    assert any("Bad Slug.md" in p.path for p in info.value.problems)


def test_a_changed_symlink_target_is_built(project: Path, tmp_path: Path) -> None:
    shared = project / "shared"
    shared.mkdir()
    body = "---\ntitle: Linked {}\ndate: 2026-05-01\nfrom: [customer-00001]\n---\nShared.\n"
    (shared / "one.md").write_text(body.format("one"), encoding="utf-8")
    (shared / "two.md").write_text(body.format("two"), encoding="utf-8")
    link = project / "content" / "feedback" / "linked.md"
    link.symlink_to(shared / "one.md")
    portalgen.build(project)
    assert portalgen.build(project).up_to_date
    page = project / "site" / "feedback" / "linked" / "index.html"
    link.unlink()
    link.symlink_to(shared / "two.md")  # the same size, another file
    assert not portalgen.build(project).up_to_date
    assert "Linked two" in page.read_text(encoding="utf-8")
    (shared / "two.md").write_text(body.format("TWO"), encoding="utf-8")  # the file it leads to, outside content/
    assert not portalgen.build(project).up_to_date
    assert "Linked TWO" in page.read_text(encoding="utf-8")
    assert same_as_cold(project, tmp_path)


@pytest.mark.parametrize("spoil", ["corrupt", "missing"])
def test_a_spoilt_memo_leaves_builds_correct(project: Path, tmp_path: Path, spoil: str) -> None:
    memo = memo_of(project)
    if spoil == "missing":
        memo.unlink()
    else:
        memo.write_bytes(b"not a memo at all")
    assert portalgen.build(project).up_to_date, "the same bytes, read again, are still up to date"
    path = feedback(project, "feedback-000003")
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Q", 1), encoding="utf-8")
    memo_of(project).write_bytes(b"spoilt again")
    assert not portalgen.build(project).up_to_date
    assert same_as_cold(project, tmp_path)


def test_a_build_with_nothing_to_do_imports_no_stage(project: Path) -> None:
    """The up-to-date answer comes before the parsers, the template engine and Markdown are imported.
    The command ends with os._exit (commands/cli.py entry), which skips a `finally`: the modules are
    listed as it exits."""
    script = ("import os, runpy, sys\n"
              "def report(code, _exit=os._exit):\n"
              "    print('MODULES ' + ' '.join(sorted(sys.modules)), flush=True)\n"
              "    _exit(code)\n"
              "os._exit = report\n"
              f"sys.argv = ['portalgen', 'build', {str(project)!r}]\n"
              "try:\n    runpy.run_module('portalgen', run_name='__main__')\n"
              "finally:\n    report(0)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert "up to date" in done.stdout + done.stderr
    (listed,) = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    loaded = set(listed.split()[1:])
    assert "portalgen.pipeline.building" in loaded  # the list is the build's
    heavy = {"jinja2", "markdown", "nh3", "yaml", "babel", "portalgen.content.loading", "portalgen.pipeline.session",
             "portalgen.render.theme", "portalgen.model.items", "multiprocessing", "portalgen.pipeline.parallel",
             "portalgen.pipeline.back_listing"}
    assert not heavy & loaded, sorted(heavy & loaded)
