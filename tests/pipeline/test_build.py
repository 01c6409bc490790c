"""The build as a whole: reproducible output, all-or-nothing writes, portable links, drafts, summary."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

import portalgen
from portalgen.content.problems import ContentError
from portalgen.output import writing
from portalgen.output.writing import WriteError

MARKER = ".portalgen-site"
DRAFT = "path-analysis-sankey"
PRIVATE = "per-seat-pricing-for-viewers"


def differences(a: dict[str, bytes | None], b: dict[str, bytes | None]) -> list[str]:
    names = sorted(set(a) ^ set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return [f"only in one build: {n}" for n in names] + [f"bytes differ: {n}" for n in changed]


def siblings(path: Path) -> list[str]:
    """What sits beside the output, leaving out the build cache (kept on purpose, git-ignored)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name != ".portalgen-cache")


# --- reproducibility ------------------------------------------------------------------------------


def test_builds_are_byte_for_byte_reproducible(example_project: Path, example_site: Path, tmp_path: Path,
                                               helpers) -> None:
    reference = helpers.tree_snapshot(example_site)
    assert "index.html" in reference and MARKER in reference

    # Into two other folders: one in this process, one through the CLI with another hash seed,
    # so that set or dict ordering that depends on the seed shows up as a difference.
    a = portalgen.build(example_project, output=tmp_path / "a" / "site").output
    run = helpers.run_cli("build", example_project, "-o", tmp_path / "b" / "elsewhere",
                          env={"PYTHONHASHSEED": "12345"})
    assert run.returncode == 0, run.stderr
    b = tmp_path / "b" / "elsewhere"

    # In place, twice: the second build replaces the first with identical bytes.
    first = helpers.tree_snapshot(portalgen.build(example_project).output)
    second = helpers.tree_snapshot(portalgen.build(example_project).output)

    for name, snap in (("other folder", helpers.tree_snapshot(a)), ("CLI, other seed", helpers.tree_snapshot(b)),
                       ("in place", first), ("in place again", second)):
        diff = differences(reference, snap)
        assert not diff, f"{name}: " + "; ".join(diff[:20])


def test_output_does_not_mention_where_it_was_built(example_site: Path, example_build) -> None:
    project = str(example_build.project).encode()
    for path in example_site.rglob("*"):
        if path.is_file():
            assert project not in path.read_bytes(), f"{path} contains the build folder's path"


# --- all or nothing -------------------------------------------------------------------------------


def break_content(project: Path) -> list[str]:
    """Introduce content errors; returns the files that must be named in the report."""
    decision = project / "content/decisions/decline-custom-sql-tiles.md"
    text = decision.read_text(encoding="utf-8")
    head, _, _ = text.partition("\n---\n")
    decision.write_text(head + "\n---\n", encoding="utf-8")  # a "No" without its reason
    feedback = next((project / "content/feedback").rglob("dark-mode.md"))
    feedback.write_text(feedback.read_text(encoding="utf-8").replace("from: [pinecrest-learning]",
                                                                     "from: [no-such-customer]"),
                        encoding="utf-8")
    return ["content/decisions/decline-custom-sql-tiles.md", feedback.relative_to(project).as_posix()]


def test_failed_build_leaves_the_previous_site_untouched(example_project: Path, helpers) -> None:
    site = portalgen.build(example_project).output
    before = helpers.tree_hash(site)
    around = siblings(site)
    mtime = site.stat().st_mtime_ns
    named = break_content(example_project)

    run = helpers.run_cli("build", example_project)
    assert run.returncode == 1, run.stderr
    for rel in named:
        assert rel in run.stderr, f"the error report does not name {rel}:\n{run.stderr}"
    assert "nothing was written" in run.stderr
    assert "Traceback" not in run.stderr

    assert helpers.tree_hash(site) == before, "a failed build changed site/"
    assert site.stat().st_mtime_ns == mtime
    assert siblings(site) == around, "a failed build left something beside site/"
    assert not [n for n in siblings(site) if ".tmp-" in n or ".old-" in n]

    with pytest.raises(ContentError) as caught:
        portalgen.build(example_project)
    assert {p.path for p in caught.value.problems} >= set(named)
    assert helpers.tree_hash(site) == before
    assert siblings(site) == around


def test_failed_build_writes_nothing_at_all(example_project: Path, tmp_path: Path, helpers) -> None:
    break_content(example_project)
    before = helpers.tree_snapshot(tmp_path)
    run = helpers.run_cli("build", example_project)
    assert run.returncode == 1
    run = helpers.run_cli("build", example_project, "-o", tmp_path / "new" / "site")
    assert run.returncode == 1
    assert helpers.tree_snapshot(tmp_path) == before, "a failed build created files or folders"


def test_write_failure_leaves_the_previous_site_untouched(example_project: Path, helpers,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    site = portalgen.build(example_project).output
    before = helpers.tree_hash(site)
    around = siblings(site)
    written = []

    def failing_write(path: str, data: bytes, flags: int) -> None:
        if len(written) > 20:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        written.append(path)
        original(path, data, flags)

    original = writing.write_all  # what writes each page and site-wide file into the new folder
    monkeypatch.setattr(writing, "write_all", failing_write)
    with pytest.raises(WriteError):
        portalgen.build(example_project, use_cache=False)  # with the cache, nothing changed: nothing to write
    monkeypatch.undo()
    assert written, "the build got as far as writing"
    assert helpers.tree_hash(site) == before, "a build that failed while writing changed site/"
    assert siblings(site) == around, "a build that failed while writing left files beside site/"


def test_the_progress_bar_hears_of_every_phase(example_project: Path) -> None:
    """`portalgen build` on a terminal shows a bar fed by each phase; a phase it did not know
    (the output guard's) ended the build with an internal error."""
    seen: list[tuple[str, int, int]] = []
    portalgen.build(example_project, use_cache=False, progress=lambda name, done, total, _: seen.append(
        (name, done, total)))
    names = [name for name, _, _ in seen]
    assert "render" in names and "guard" in names and "write" in names
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert seen[-1][1] == seen[-1][2]


# --- portable output ------------------------------------------------------------------------------


def test_site_works_under_a_sub_path(example_site: Path, tmp_path: Path, helpers) -> None:
    root = tmp_path / "some" / "sub" / "path"
    shutil.copytree(example_site, root)
    pages = helpers.parse_site(root)
    pages.pop("404.html")  # served at any depth, so it links from the site's own path by design
    assert not helpers.broken_links(root, None, pages)

    # The same, the way a browser opening the files from disk resolves them.
    root_url = root.as_uri() + "/"
    checked = 0
    for rel, tree in pages.items():
        page_url = urljoin(root_url, rel)
        for link in helpers.page_links(rel, tree):
            if not link.value or link.value.startswith(("#", "mailto:", "http:", "https:")):
                continue
            url = urljoin(page_url, link.value)
            parts = urlsplit(url)
            assert parts.scheme == "file", f"{rel}: {link.value!r}"
            assert url.startswith(root_url), f"{rel}: {link.value!r} leaves the sub-path ({url})"
            target = Path(unquote(parts.path))
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{rel}: {link.value!r} -> {target} does not exist"
            checked += 1
    assert checked > 1000


# --- the output folder ----------------------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_output_has_marker_and_stray_temporaries_are_cleaned(example_project: Path, helpers) -> None:
    site = example_project / "site"
    pid = dead_pid()
    strays = [example_project / f".site.tmp-{pid}", example_project / f".site.old-{pid}"]
    for stray in strays:  # as a killed build leaves them: marked as portalgen's when made
        (stray / "feedback").mkdir(parents=True)
        (stray / "feedback" / "index.html").write_text("half-written", encoding="utf-8")
        (stray / MARKER).write_bytes(b"")

    # A build that is still running (a live process) keeps its temporary folder.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = example_project / f".site.tmp-{sleeper.pid}"
        live.mkdir()
        result = portalgen.build(example_project)
        assert live.is_dir(), "the temporary folder of a running build was removed"
    finally:
        sleeper.kill()
        sleeper.wait()
    shutil.rmtree(live)

    assert result.output == site
    assert (site / MARKER).is_file() and (site / MARKER).read_bytes()
    for stray in strays:
        assert not stray.exists(), f"{stray.name} from a dead build was not cleaned up"
    assert siblings(site) == ["content", "site"]
    assert helpers.tree_snapshot(site).keys() >= {MARKER, "index.html"}


def test_refuses_to_overwrite_a_folder_it_did_not_make(example_project: Path, tmp_path: Path, helpers) -> None:
    mine = tmp_path / "my-files"
    mine.mkdir()
    (mine / "thesis.txt").write_text("irreplaceable", encoding="utf-8")
    before = helpers.tree_snapshot(mine)
    run = helpers.run_cli("build", example_project, "-o", mine)
    assert run.returncode == 2, run.stderr
    assert MARKER in run.stderr
    assert helpers.tree_snapshot(mine) == before


# --- drafts ---------------------------------------------------------------------------------------


def test_drafts_only_with_the_drafts_flag(example_project: Path, example_site: Path, tmp_path: Path,
                                          helpers) -> None:
    out = tmp_path / "preview"
    run = helpers.run_cli("build", example_project, "--drafts", "-o", out)
    assert run.returncode == 0, run.stderr

    draft_page = out / "feedback" / DRAFT / "index.html"
    assert draft_page.is_file()
    tree = helpers.parse_html(draft_page)
    marks = [el for el in tree.iter("span") if "badge-draft" in (el.get("class") or "").split()]
    assert marks and "Draft" in helpers.text_of(marks[0])
    listing = helpers.parse_html(out / "feedback/index.html")
    card = next(li for li in listing.iter("li")
                if any(a.get("href", "").rstrip("/").endswith(f"{DRAFT}/index.html") for a in li.iter("a")))
    assert "Draft" in helpers.text_of(card), "the draft is marked in lists too"
    assert not (out / "feedback" / PRIVATE).exists(), "private records stay private in a drafts build"
    assert PRIVATE.encode() not in b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())

    assert not (example_site / "feedback" / DRAFT).exists()
    everything = b"".join(p.read_bytes() for p in example_site.rglob("*") if p.is_file())
    assert DRAFT.encode() not in everything
    pages = b"".join(p.read_bytes() for p in example_site.rglob("*.html"))
    assert b"badge-draft" not in pages and b"preview-banner" not in pages


# --- what the build says ----------------------------------------------------------------------------


def test_build_prints_a_summary(example_project: Path, helpers) -> None:
    run = helpers.run_cli("build", example_project)
    assert run.returncode == 0, run.stderr
    output = run.stdout + run.stderr
    match = re.search(r"built (\d+) pages? \((\d+) files?\) into (.+?) in (\d+(?:\.\d+)?) ?s\b", output)
    assert match, f"no summary in:\n{output}"
    site = example_project / "site"
    pages = sum(1 for _ in site.rglob("*.html"))
    assert int(match[1]) == pages
    assert int(match[2]) >= pages
    assert Path(match[3]).resolve() == site.resolve()
    assert 0 <= float(match[4]) < 60


def test_library_build_result(example_build) -> None:
    result = example_build.result
    assert result.output == example_build.site
    assert result.pages == sum(1 for _ in result.output.rglob("*.html"))
    assert result.files == sum(1 for p in result.output.rglob("*") if p.is_file() and p.name != MARKER)
    assert result.seconds > 0
    assert os.path.isabs(result.output)
