"""Safety of the build: no content can make it write outside site/, destroy the user's files,
hang, or run out of memory.

- slugs and tags never become paths outside site/;
- symlinks out of the project, pipes, odd and clashing file names get clear errors;
- the output folder is never content/, the project, a parent of it, / or a folder portalgen
  did not make; stray temporary folders of a killed build are cleaned up;
- resource limits: YAML bombs, a 20 MB file, deep nesting, hostile Markdown, invalid UTF-8;
  a BOM and CRLF line endings are fine.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

import portalgen
from portalgen.content.problems import ContentError, UsageError
from portalgen.model.budget import TooSlow
from portalgen.model.markdown import TIME_BUDGET, Renderer
from portalgen.output import writing
from portalgen.output.writing import MARKER, WriteError

PORTAL = "title: Safety portal\nbase_url: https://portal.example.org/\n"
CUSTOMER = "name: Acme Health\nsegment: Healthcare\ncredit: named\n"


def feedback(title: str = "Dark mode", extra: str = "", body: str = "Please.\n") -> str:
    return f"---\ntitle: {json.dumps(title)}\ndate: 2026-01-10\nfrom: [acme]\n{extra}---\n{body}"


def project(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    base = {"content/portal.yaml": PORTAL, "content/customers/acme.yaml": CUSTOMER,
            "content/feedback/dark-mode.md": feedback()}
    for rel, text in {**base, **(files or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def errors_of(root: Path) -> list[str]:
    _, problems = portalgen.check(root)
    return [p.format() for p in problems.errors]


def tree(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes | None]:
    return {p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes())
            for p in sorted(root.rglob("*")) if not p.relative_to(root).as_posix().startswith(skip)}


def run(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "portalgen", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False)


# --- 8. slugs and tags never leave site/ --------------------------------------------------------------

HOSTILE_TAGS = ["../../etc", "/abs", "..", ".", "~", "a/../../b", "..\\..\\windows", "%2e%2e%2f", "C:\\x",
                "\u2024\u2024/\u2024\u2024", "\uff0e\uff0e\uff0f", "🦊 emoji", "日本語", "x" * 60, "CON", "nul",
                ".git", "-", "--", "\u202e\u202d", "tag\twith\ttabs", "index.html", "../../../../../../tmp/evil",
                "\u0000nul", "a\u200bb", "Ⅻ", "ǅ", "ß", "İ"]


def test_hostile_tags_never_write_outside_site(tmp_path: Path) -> None:
    # Spread over items: one item may carry at most 20 tags.
    root = project(tmp_path / "portal", {
        f"content/feedback/dark-mode-{n}.md": feedback(extra=yaml.safe_dump({"tags": HOSTILE_TAGS[n:n + 10]}))
        for n in range(0, len(HOSTILE_TAGS), 10)})
    outside = tree(tmp_path, skip=("portal/site", "portal/.portalgen-cache", "portal/.site"))
    site = portalgen.build(root).output
    assert tree(tmp_path, skip=("portal/site", "portal/.portalgen-cache", "portal/.site")) == outside
    tags = json.loads((site / "api" / "portal.json").read_text(encoding="utf-8"))["tags"]
    assert len(tags) > 10
    for tag in tags:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag["slug"]) and len(tag["slug"]) <= 80, tag
        assert (site / "tags" / tag["slug"] / "index.html").is_file()
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site.resolve())
        assert not path.is_symlink()
        rel = path.relative_to(site).as_posix()
        assert re.fullmatch(r"[a-z0-9._/-]+", rel), f"unexpected output path {rel!r}"


def test_tag_too_long_is_a_clear_error(tmp_path: Path) -> None:
    root = project(tmp_path, {"content/feedback/dark-mode.md": feedback(extra=f"tags: [{'x' * 61}]\n")})
    assert any("content/feedback/dark-mode.md" in e and "longer than 60" in e for e in errors_of(root))


@pytest.mark.parametrize("rel", ["../x", "/etc/x", "a/../../x", "a/../b", "", "a\\b", "a/\x00/b", "..", "."])
def test_writer_refuses_paths_outside_the_site(tmp_path: Path, rel: str) -> None:
    with pytest.raises(WriteError):
        writing.write_site(tmp_path / "site", {rel: b"x"}, {})
    assert not (tmp_path / "site").exists()
    assert not (tmp_path / "x").exists()
    assert [p.name for p in tmp_path.iterdir()] == [], "the temporary folder was cleaned up"


# --- 8. symlinks and special files ------------------------------------------------------------------


def test_symlinks_out_of_the_project_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "leak.md").write_text(feedback("Leaked"), encoding="utf-8")
    root = project(tmp_path / "portal")
    (root / "content" / "feedback" / "passwd.md").symlink_to("/etc/passwd")
    (root / "content" / "feedback" / "leak.md").symlink_to(secret / "leak.md")
    (root / "content" / "feedback" / "folder").symlink_to(secret, target_is_directory=True)
    (root / "content" / "decisions").symlink_to(secret, target_is_directory=True)
    errors = errors_of(root)
    for rel in ("content/feedback/passwd.md", "content/feedback/leak.md", "content/feedback/folder",
                "content/decisions"):
        assert any(e.startswith(rel + ":") and "symlink points outside the project" in e for e in errors), (
            rel, errors)
    with pytest.raises(ContentError):
        portalgen.build(root)
    assert not (root / "site").exists()


def test_portal_yaml_symlinked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text(PORTAL, encoding="utf-8")
    root = project(tmp_path / "portal")
    (root / "content" / "portal.yaml").unlink()
    (root / "content" / "portal.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert any("content/portal.yaml" in e and "symlink" in e for e in errors_of(root))


def test_symlink_inside_the_project_is_followed(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "notes").mkdir()
    (root / "notes" / "csv.md").write_text(feedback("CSV export"), encoding="utf-8")
    (root / "content" / "feedback" / "csv-export.md").symlink_to(root / "notes" / "csv.md")
    records, problems = portalgen.check(root)
    assert not problems.errors and records.feedback["csv-export"].title == "CSV export"


def test_broken_and_looping_symlinks_are_clear_errors(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = root / "content" / "feedback"
    (folder / "loop.md").symlink_to("loop.md")
    (folder / "a.md").symlink_to("b.md")
    (folder / "b.md").symlink_to("a.md")
    (folder / "gone.md").symlink_to("nothing-here.md")
    errors = errors_of(root)
    for name in ("loop", "a", "b", "gone"):
        assert any(e.startswith(f"content/feedback/{name}.md:") and "symlink" in e for e in errors), errors


def test_a_named_pipe_does_not_hang_the_build(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until someone writes; the loader must not wait."""
    root = project(tmp_path)
    os.mkfifo(root / "content" / "feedback" / "pipe.md")
    result = run("check", root, timeout=30)
    assert result.returncode == 1
    assert "content/feedback/pipe.md" in result.stderr and "not a regular file" in result.stderr


# --- 8. odd file names ---------------------------------------------------------------------------------

ODD_NAMES = ["Dark Mode.md", "café.md", "UPPER.md", "-leading-dash.md", "a.b.md", "x" * 81 + ".md", "emoji-🦊.md",
             "tab\tname.md", "new\nline.md", "quote'.md", "semi;colon.md", "dollar$(x).md", "under_score.md",
             "\u202egnp.md", "\x1b[31mred.md"]


@pytest.mark.parametrize("name", ODD_NAMES, ids=[repr(n)[:24] for n in ODD_NAMES])
def test_odd_file_names_get_clear_errors(tmp_path: Path, name: str) -> None:
    root = project(tmp_path)
    (root / "content" / "feedback" / name).write_text(feedback("Odd"), encoding="utf-8")
    errors = [e for e in errors_of(root) if "is not a valid slug" in e]
    assert len(errors) == 1, errors_of(root)
    assert "rename it to feedback/" in errors[0]
    suggestion = errors[0].rsplit("rename it to feedback/", 1)[1].split(".md")[0]
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", suggestion), suggestion


def test_case_clash_and_same_slug_in_two_folders(tmp_path: Path) -> None:
    root = project(tmp_path, {"content/feedback/Dark-Mode.md": feedback("Clash"),
                              "content/feedback/2026/csv.md": feedback("CSV"),
                              "content/feedback/2025/csv.md": feedback("CSV again")})
    errors = errors_of(root)
    assert any(e.startswith("content/feedback/Dark-Mode.md") and "not a valid slug" in e for e in errors), errors
    assert any("csv" in e and "also used by" in e for e in errors), errors


def test_hidden_and_editor_files_are_ignored(tmp_path: Path) -> None:
    root = project(tmp_path, {"content/feedback/.dark-mode.md.swp": b"\x00\x01binary",
                              "content/feedback/dark-mode.md~": feedback("Backup"),
                              "content/feedback/.DS_Store": b"\x00\x00"})
    assert errors_of(root) == []


# --- 9. the output folder ------------------------------------------------------------------------------


def _refuses(root: Path, output: Path | str) -> str:
    before = tree(root.parent)
    with pytest.raises(UsageError) as info:
        portalgen.build(root, output=output)
    assert tree(root.parent) == before, "a refused build changed files"
    result = run("build", root, "--output", output)
    assert result.returncode == 2, result.stderr
    assert "refusing" in result.stderr or "not made by portalgen" in result.stderr, result.stderr
    assert tree(root.parent) == before
    return str(info.value)


def test_refuses_to_build_into_content_or_the_project(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    assert "content" in _refuses(root, root / "content")
    assert "content" in _refuses(root, root / "content" / "feedback")
    assert "content" in _refuses(root, root / "content" / "new-folder")
    assert "project" in _refuses(root, root)
    assert "project" in _refuses(root, tmp_path)
    assert "project" in _refuses(root, root / "site" / "..")


def test_refuses_to_build_into_the_file_system_root(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    with pytest.raises(UsageError, match="root"):
        portalgen.build(root, output="/")
    result = run("build", root, "--output", "/")
    assert result.returncode == 2 and "refusing" in result.stderr


def test_refuses_a_symlink_that_leads_into_content(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    (tmp_path / "sneaky").symlink_to(root / "content", target_is_directory=True)
    assert "content" in _refuses(root, tmp_path / "sneaky")


def test_refuses_to_replace_a_folder_portalgen_did_not_make(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work", encoding="utf-8")
    assert "not made by portalgen" in _refuses(root, mine)
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder"):
        portalgen.build(root, output=tmp_path / "a-file")


def test_replaces_its_own_output_and_an_empty_folder(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    empty = tmp_path / "empty"
    empty.mkdir()
    site = portalgen.build(root, output=empty).output
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    (site / "stale.html").write_text("old", encoding="utf-8")
    (root / "content" / "feedback" / "csv.md").write_text(feedback("CSV"), encoding="utf-8")
    portalgen.build(root, output=empty)
    assert not (empty / "stale.html").exists(), "a rebuild replaces the whole folder"


def test_cleans_up_stray_temporary_folders_of_a_killed_build(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    portalgen.build(root)
    dead = 2 ** 22 + 12345  # above pid_max's default: no such process
    strays = [root / f".site.tmp-{dead}", root / f".site.old-{dead}", root / ".site.tmp-notapid"]
    for stray in strays:  # as a killed build leaves them: marked as portalgen's when made
        (stray / "feedback").mkdir(parents=True)
        (stray / "feedback" / "index.html").write_text("half a site", encoding="utf-8")
        (stray / MARKER).write_bytes(b"")
    unrelated = root / ".sitemap.tmp-1"
    unrelated.mkdir()
    portalgen.build(root)
    for stray in strays:
        assert not stray.exists(), stray
    assert unrelated.exists(), "only portalgen's own temporary folders are removed"
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".site.")]
    assert leftovers == [], leftovers


def test_a_stray_folder_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    root = project(tmp_path / "portal")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = root / f".site.tmp-{sleeper.pid}"
        busy.mkdir()
        portalgen.build(root)
        assert busy.exists(), "another build (a live process) may be writing it"
    finally:
        sleeper.kill()
        sleeper.wait()


# --- 10. resource limits ---------------------------------------------------------------------------------

BILLION_LAUGHS = """\
title: Laughs
date: 2026-01-10
from: [acme]
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_alias_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    root = project(tmp_path, {"content/feedback/laughs.md": f"---\n{BILLION_LAUGHS}---\nHa.\n",
                              "content/customers/bomb.yaml": BILLION_LAUGHS.replace("title", "name")})
    started = time.perf_counter()
    errors = errors_of(root)
    assert time.perf_counter() - started < 5
    for rel in ("content/feedback/laughs.md", "content/customers/bomb.yaml"):
        assert any(e.startswith(rel) and "aliases" in e for e in errors), errors


# Run in a child process so its peak memory can be measured on its own.
MEASURE = textwrap.dedent("""
    import json, os, resource, sys
    from pathlib import Path
    import portalgen
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = lambda: sum(os.times()[:4])  # this process and its workers, user and system
    started = cpu()
    records, problems = portalgen.check(Path(sys.argv[1]))
    print(json.dumps({"seconds": cpu() - started,
                      "grew_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before,
                      "errors": [p.format() for p in problems.errors]}))
""")


def measured_check(root: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURE, str(root)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


HUGE = {
    "20 MB file": lambda: feedback(body="A long paste. " * (20 * 1024 * 1024 // 14)),
    "20 MB of one YAML value": lambda: "---\ntitle: " + "x" * (20 * 1024 * 1024) + "\n---\n",
    "deep flow nesting": lambda: "---\ntitle: x\ndate: 2026-01-01\nfrom: " + "[" * 200_000 + "]" * 200_000 + "\n---\n",
    "deep block nesting": lambda: "---\ntitle: x\nfrom:\n" + "".join(" " * i + "-\n" for i in range(1, 1400)) + "---\n",
    "deep sequence on one line": lambda: "---\ntitle: x\nfrom:\n  " + "- " * 400_000 + "x\n---\n",
    "many keys": lambda: "---\n" + "".join(f"k{i}: {i}\n" for i in range(100_000)) + "---\n",
    "long lines of anchors": lambda: "---\n" + "".join(f"k{i}: &a{i} [1, 2, 3]\n" for i in range(30_000)) + "---\n",
}


@pytest.mark.parametrize("kind", list(HUGE))
def test_huge_or_deep_input_is_a_clean_error_in_bounded_time_and_memory(tmp_path: Path, kind: str) -> None:
    root = project(tmp_path, {"content/feedback/huge.md": HUGE[kind]()})
    result = measured_check(root)
    assert result["seconds"] < 10, result["seconds"]  # CPU seconds: a loaded machine does not make it fail
    assert result["grew_kib"] < 200 * 1024, f"peak memory grew by {result['grew_kib'] // 1024} MiB"
    errors = [e for e in result["errors"] if e.startswith("content/feedback/huge.md")]
    assert errors, result["errors"]


HOSTILE_MARKDOWN = {  # patterns on which a Markdown parser can go super-linear
    "unclosed CDATA": "<![CDATA[",
    "unclosed link": "[a](",
    "unclosed image": "![a](b",
    "unclosed tags": "<a ",
    "unclosed quoted attribute": "<a x='",
    "unclosed autolinks": "<http://",
    "headings": "# a\n",
    "backslashes": "\\",
    "brackets": "[",
    "emphasis": "*_",
    "strong": "**a",
    "code spans": "`a",
    "quotes": "> ",
    "list items": "- a\n",
    "ordered list markers": "1. ",
    "nested quotes": ">",
    "html blocks": "<div>\n",
    "hard breaks": "a  \n",
    "table cells": "| a ",
    "entities": "&#x",
    "link references": "[a]: <",
}


def test_hostile_markdown_renders_or_is_refused_in_bounded_time() -> None:
    """Each body is rendered, or refused as too slow (TooSlow), within the time budget plus a
    margin for the linear steps around it; none runs on for minutes.

    Measured in this thread's CPU time, which other work on the machine does not inflate (the budget
    is a wall clock deadline, so a busy machine only makes it fire sooner), nor a thread an earlier
    test left running in this pytest worker (the whole process's CPU time once read 77 s for a body
    that takes 0.5 s alone); the margin is generous."""
    budget = 0.5  # a short budget keeps the test fast; the mechanism is the same as the build's
    render = Renderer(budget=budget)
    slow = {}
    for name, unit in HOSTILE_MARKDOWN.items():
        text = unit * (900_000 // len(unit))
        started = time.thread_time()
        with contextlib.suppress(TooSlow):
            assert isinstance(render(text), str)
        seconds = time.thread_time() - started
        if seconds > budget + 10:
            slow[name] = round(seconds, 1)
    assert slow == {}, f"Markdown that ran past its budget: {slow}"


def test_deep_nesting_is_refused_before_the_sanitiser() -> None:
    """The sanitiser is native code the time budget cannot interrupt, and quadratic in depth."""
    render = Renderer()
    for text in (">" * 50_000, "<div>" * 50_000, "<span>" * 50_000, "".join("  " * i + "- x\n" for i in range(300))):
        started = time.thread_time()
        with pytest.raises(TooSlow):
            render(text)
        assert time.thread_time() - started < TIME_BUDGET + 10
    assert render("> " * 20 + "quoted\n").count("<blockquote>") == 20, "ordinary nesting still renders"


def test_a_build_of_hostile_bodies_is_refused_cleanly_in_bounded_time(tmp_path: Path) -> None:
    units = [HOSTILE_MARKDOWN[k] for k in ("unclosed CDATA", "unclosed link", "html blocks", "list items")]
    files = {f"content/feedback/m-{n}.md": feedback(f"Body {n}", body=unit * (300_000 // len(unit)))
             for n, unit in enumerate(units)}
    root = project(tmp_path, files)
    started = time.perf_counter()
    with pytest.raises(ContentError) as info:
        portalgen.build(root, use_cache=False)
    assert time.perf_counter() - started < 120
    slow = [p for p in info.value.problems if p.severity == "error"]
    assert slow, "some of these bodies are over the budget"
    for problem in slow:
        assert re.fullmatch(r"content/feedback/m-\d+\.md", problem.path), problem.format()
        assert "to render" in problem.message, problem.format()
    assert not (root / "site").exists(), "nothing is written"


def test_invalid_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "content/feedback/latin1.md": "---\ntitle: Caf\u00e9\ndate: 2026-01-10\nfrom: [acme]\n---\n".encode("latin-1"),
        "content/feedback/utf16.md": feedback("Wide").encode("utf-16"),
        "content/customers/broken.yaml": b"name: Ok\nsegment: \xff\xfe\n",
    })
    errors = errors_of(root)
    assert any(e.startswith("content/feedback/latin1.md:2") and "not valid UTF-8" in e for e in errors), errors
    assert any(e.startswith("content/feedback/utf16.md") and "UTF-8" in e for e in errors), errors
    assert any(e.startswith("content/customers/broken.yaml:2") and "UTF-8" in e for e in errors), errors


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    root = project(tmp_path, {"content/feedback/nul.md": feedback(body="a\x00b")})
    assert any(e.startswith("content/feedback/nul.md") and "NUL" in e for e in errors_of(root))


def test_bom_crlf_and_cr_line_endings_work(tmp_path: Path) -> None:
    crlf = feedback("Windows", extra="quote: \"Saved in Notepad\"\n", body="Line one.\nLine two.\n")
    root = project(tmp_path, {
        "content/feedback/windows.md": b"\xef\xbb\xbf" + crlf.replace("\n", "\r\n").encode("utf-8"),
        "content/feedback/old-mac.md": feedback("Old Mac", body="One.\nTwo.\n").replace("\n", "\r").encode(),
        "content/customers/bom.yaml": b"\xef\xbb\xbf" + CUSTOMER.replace("acme", "bom").replace(
            "\n", "\r\n").encode("utf-8"),
    })
    records, problems = portalgen.check(root)
    assert not problems.errors, [p.format() for p in problems.errors]
    windows = records.feedback["windows"]
    assert windows.title == "Windows" and windows.quote == "Saved in Notepad"
    assert "\r" not in windows.body and windows.body.startswith("Line one.")
    assert records.feedback["old-mac"].title == "Old Mac"
    assert records.customers["bom"].name == "Acme Health"
    site = portalgen.build(root).output
    page = (site / "feedback" / "windows" / "index.html").read_bytes()
    assert b"\r" not in page and b"\xef\xbb\xbf" not in page


def test_control_characters_never_reach_the_output(tmp_path: Path) -> None:
    controls = "".join(chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32), 127))
    root = project(tmp_path, {
        "content/feedback/ctl.md": feedback(f"Ti{controls}tle", extra=f"quote: {json.dumps('q' + controls)}\n",
                                            body=f"Body {controls} &#11;&#x1b;&#0;&#xFFFE; end\n")})
    site = portalgen.build(root).output
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js", ".txt"):
            data = path.read_text(encoding="utf-8")
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", data), path


def test_a_planted_build_cache_cannot_inject_script(tmp_path: Path) -> None:
    """.portalgen-cache/ sits in the project, where a pull request could add one. Its HTML is used
    as it is (not sanitised again) only from a file signed with this user's key, kept outside the
    project, and made under this sanitiser policy (model/markdown.py: render_texts): a planted,
    tampered, copied or foreign-policy entry never reaches a page."""
    from portalgen.model import markdown
    from portalgen.pipeline import cache as caching
    from portalgen.pipeline import signing

    root = project(tmp_path, {"content/feedback/dark-mode.md": feedback(body="Harmless **body**.\n")})
    portalgen.build(root)
    caches = list((root / ".portalgen-cache").glob("cache-*.bin"))
    assert caches, "the build keeps a cache"
    key = signing.signing_key()
    assert key is not None
    planted = '<script>alert(1)</script><p onclick="alert(2)">planted</p><img src=x onerror=alert(3)>'
    originals = {cache: cache.read_bytes() for cache in caches}
    # The journal written with the large file (pipeline/cache.py), put back beside it unchanged
    journals = {path: path.read_bytes() for path in (root / ".portalgen-cache").glob("journal-*.bin")}
    assert journals, "the large file has its journal"

    def plant(sign_with: bytes | None, policy: str | None = None) -> str:
        for path, journal in journals.items():
            path.write_bytes(journal)
        for cache, original in originals.items():
            mac, _, body = original.partition(b"\n")
            data = marshal.loads(body)
            assert data["html"] and data["html_policy"] == markdown.policy(), "the cache holds rendered Markdown"
            data["html"] = {text: planted for text in data["html"]}
            if policy is not None:
                data["html_policy"] = policy
            body = marshal.dumps(data)
            cache.write_bytes((caching.sign(sign_with, body) if sign_with is not None else mac) + b"\n" + body)
        shutil.rmtree(root / "site")
        site = portalgen.build(root).output
        return (site / "feedback" / "dark-mode" / "index.html").read_text(encoding="utf-8")

    def safe(page: str) -> bool:
        return "planted" not in page and "alert(" not in page and "<strong>body</strong>" in page

    assert safe(plant(sign_with=None)), "a tampered cache (its old signature kept) is ignored"
    assert safe(plant(sign_with=b"another machine's key")), "a cache signed elsewhere is ignored"
    assert safe(plant(sign_with=key, policy="nh3 0.0.1")), "HTML sanitised under another policy is not used"
    # What this user's portalgen signed under this policy is its own sanitised HTML, used as it
    # is: the only way in, shown here so that the refusals above are known to be refusals.
    assert "<script>alert(1)</script>" in plant(sign_with=key)
