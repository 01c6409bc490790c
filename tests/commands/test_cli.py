"""The `portalgen` command: exit codes, output format, strict mode and unsafe output folders."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import portalgen
from portalgen.commands import cli

try:  # tests/ as a plain folder on sys.path, or as a package
    from helpers_content import Project, decision, feedback
except ModuleNotFoundError:  # pragma: no cover
    from tests.helpers_content import Project, decision, feedback

FB = "content/feedback/dark-mode.md"
DEC = "content/decisions/dark-mode-planned.md"
LINE = re.compile(r"^(?P<path>[^:]+)(?::(?P<line>\d+))?: (?P<sev>error|warning): (?P<msg>.+?)"
                  r"(?: — fix: (?P<hint>.+))?$")


@pytest.fixture
def project(tmp_path):
    return Project.minimal(tmp_path / "portal")


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run `portalgen ARGS` in-process through the real entry point; return (code, out, err)."""
    monkeypatch.setattr(sys, "argv", ["portalgen", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def problem_lines(err: str) -> list[re.Match]:
    return [m for line in err.splitlines() if (m := LINE.match(line))]


def snapshot(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- check ------------------------------------------------------------------------------------


def test_check_valid_project_exits_0(monkeypatch, capsys, project):
    code, out, err = run(monkeypatch, capsys, "check", str(project.root))
    assert code == 0
    assert out == ""  # everything goes to stderr
    assert "content is valid" in err
    assert problem_lines(err) == []


def test_check_uses_current_folder(monkeypatch, capsys, project):
    monkeypatch.chdir(project.root)
    code, _, err = run(monkeypatch, capsys, "check")
    assert code == 0
    assert "content is valid" in err


def test_check_accepts_the_content_folder_itself(monkeypatch, capsys, project):
    code, _, err = run(monkeypatch, capsys, "check", str(project.path("content")))
    assert code == 0, err


def test_check_with_errors_exits_1_and_prints_one_line_each(monkeypatch, capsys, project):
    project.write(FB, feedback(title="no", when="soon"))
    code, out, err = run(monkeypatch, capsys, "check", str(project.root))
    assert code == 1
    assert out == ""
    lines = problem_lines(err)
    assert len(lines) == 2
    title, when = sorted(lines, key=lambda m: int(m["line"]))
    assert title.group(0) == (f'{FB}:2: error: \'title\': YAML read this as the boolean false'
                              f' — fix: quote the text: title: "..."')
    assert (when["path"], when["line"], when["sev"]) == (FB, "3", "error")
    assert "'soon' is not a date" in when["msg"]
    assert when["hint"] == "write it as YYYY-MM-DD, e.g. 2026-03-31"
    assert "2 errors" in err.splitlines()[-1]


def test_check_output_without_line_omits_it(monkeypatch, capsys, project):
    project.write("content/feedback/Bad Name.md", feedback("Bad"))
    code, _, err = run(monkeypatch, capsys, "check", str(project.root))
    assert code == 1
    (m,) = problem_lines(err)
    assert m["path"] == "content/feedback/Bad Name.md"
    assert m["line"] is None
    assert m["hint"] == "rename it to feedback/bad-name.md"


def test_check_reports_every_problem_of_every_file(monkeypatch, capsys, project):
    project.write(FB, "no front matter\n")
    project.write("content/feedback/csv-export.md", feedback(who="[nobody]"))
    project.write("content/customers/globex.yaml", "name: Globex\ncredit: maybe\n")
    project.write(DEC, decision(outcome="declined", extra="workaround: x\n", body=""))
    project.write("content/changes/dark-mode-shipped.md", "---\ntitle: x\ntitle: y\n---\n")
    code, _, err = run(monkeypatch, capsys, "check", str(project.root))
    assert code == 1
    lines = problem_lines(err)
    assert len(lines) >= 5
    assert {m["path"] for m in lines} >= {FB, "content/feedback/csv-export.md",
                                          "content/customers/globex.yaml", DEC,
                                          "content/changes/dark-mode-shipped.md"}
    # every problem line is in the documented format, sorted by file: the files that cannot be read first
    problem_text = [line for line in err.splitlines() if line.startswith("content/")]
    assert len(problem_text) == len(lines)
    unreadable = [FB, "content/changes/dark-mode-shipped.md"]  # no front matter; a duplicate key
    paths = [m["path"] for m in lines]
    assert sorted(set(paths[:2])) == sorted(unreadable)
    assert paths == sorted(paths[:2]) + sorted(paths[2:])


def test_check_warnings_only_exits_0(monkeypatch, capsys, project):
    project.write(FB, feedback(extra="tagz: [x]\n"))
    code, _, err = run(monkeypatch, capsys, "check", str(project.root))
    assert code == 0
    (m,) = problem_lines(err)
    assert (m["path"], m["line"], m["sev"]) == (FB, "5", "warning")
    assert m["msg"] == "unknown key 'tagz'"
    assert m["hint"].startswith("did you mean 'tags'?")
    assert "content is valid (1 warning)" in err


def test_check_strict_turns_warnings_into_errors(monkeypatch, capsys, project):
    project.write(FB, feedback(extra="tagz: [x]\n"))
    code, _, err = run(monkeypatch, capsys, "check", "--strict", str(project.root))
    assert code == 1
    assert len(problem_lines(err)) == 1
    assert "1 error" in err.splitlines()[-1]


def test_check_strict_on_clean_project_exits_0(monkeypatch, capsys, project):
    code, _, _ = run(monkeypatch, capsys, "check", "--strict", str(project.root))
    assert code == 0


def test_check_folder_without_content_exits_2(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, "check", str(tmp_path))
    assert code == 2
    assert "no content/ folder" in err
    assert "portalgen init" in err


def test_check_missing_folder_is_a_usage_error(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, "check", str(tmp_path / "nope"))
    assert code == 2
    assert "error" in err.lower()


def test_unknown_option_is_a_usage_error(monkeypatch, capsys, project):
    code, _, err = run(monkeypatch, capsys, "check", "--stric", str(project.root))
    assert code == 2
    assert "--stric" in err


def test_problem_format():
    from portalgen.content.problems import Problem, Severity

    assert Problem("content/a.md", 3, "bad", "fix it").format() == "content/a.md:3: error: bad — fix: fix it"
    assert Problem("content/a.md", None, "bad").format() == "content/a.md: error: bad"
    assert Problem("content/a.md", 1, "odd", "", Severity.WARNING).format() == "content/a.md:1: warning: odd"


# --- build --------------------------------------------------------------------------------------


def test_build_writes_site(monkeypatch, capsys, project):
    code, _, err = run(monkeypatch, capsys, "build", str(project.root))
    assert code == 0, err
    site = project.path("site")
    assert (site / ".portalgen-site").is_file()
    assert (site / "index.html").is_file()
    assert (site / "feedback/dark-mode/index.html").is_file()
    assert "built" in err


def test_build_with_errors_writes_nothing(monkeypatch, capsys, project):
    project.write(DEC, decision(outcome="declined", extra="workaround: x\n", body=""))
    code, _, err = run(monkeypatch, capsys, "build", str(project.root))
    assert code == 1
    assert not project.path("site").exists()
    (m,) = problem_lines(err)
    assert (m["path"], m["sev"]) == (DEC, "error")
    assert "a declined decision needs its reasoning in the body" in m["msg"]
    assert "nothing was written" in err.splitlines()[-1]


def test_build_with_errors_leaves_previous_site_untouched(monkeypatch, capsys, project):
    code, _, _ = run(monkeypatch, capsys, "build", str(project.root))
    assert code == 0
    before = snapshot(project.path("site"))
    project.write(FB, feedback(title="New title that must not appear", when="bad"))
    code, _, err = run(monkeypatch, capsys, "build", str(project.root))
    assert code == 1
    assert "nothing was written" in err
    assert snapshot(project.path("site")) == before


def test_build_strict_fails_on_warnings_and_writes_nothing(monkeypatch, capsys, project):
    project.write(FB, feedback(extra="tagz: [x]\n"))
    code, _, err = run(monkeypatch, capsys, "build", "--strict", str(project.root))
    assert code == 1
    assert "nothing was written" in err
    assert not project.path("site").exists()
    code, _, err = run(monkeypatch, capsys, "build", str(project.root))
    assert code == 0
    assert len(problem_lines(err)) == 1  # the warning is still shown
    assert project.path("site/index.html").is_file()


def test_build_to_custom_output(monkeypatch, capsys, project, tmp_path):
    out = tmp_path / "public"
    code, _, err = run(monkeypatch, capsys, "build", str(project.root), "-o", str(out))
    assert code == 0, err
    assert (out / "index.html").is_file()
    assert not project.path("site").exists()


@pytest.mark.parametrize("where", [".", "content", "content/feedback", "/", ".."])
def test_build_refuses_unsafe_output(monkeypatch, capsys, project, where):
    target = where if where == "/" else str(project.root / where)
    before = snapshot(project.root)
    code, _, err = run(monkeypatch, capsys, "build", str(project.root), "-o", target)
    assert code == 2
    assert "refusing to build into" in err
    assert snapshot(project.root) == before


def test_build_refuses_existing_folder_not_made_by_portalgen(monkeypatch, capsys, project, tmp_path):
    docs = tmp_path / "my-documents"
    docs.mkdir()
    (docs / "thesis.txt").write_text("years of work")
    code, _, err = run(monkeypatch, capsys, "build", str(project.root), "-o", str(docs))
    assert code == 2
    assert "was not made by portalgen" in err
    assert snapshot(docs) == {"thesis.txt": b"years of work"}


def test_build_refuses_output_that_is_a_file(monkeypatch, capsys, project, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep")
    code, _, err = run(monkeypatch, capsys, "build", str(project.root), "-o", str(target))
    assert code == 2
    assert "is not a folder" in err
    assert target.read_text() == "keep"


def test_build_into_empty_existing_folder_and_rebuild(monkeypatch, capsys, project, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert run(monkeypatch, capsys, "build", str(project.root), "-o", str(out))[0] == 0
    assert run(monkeypatch, capsys, "build", str(project.root), "-o", str(out))[0] == 0  # marker found
    assert (out / ".portalgen-site").is_file()


def test_build_folder_without_content_exits_2(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, "build", str(tmp_path))
    assert code == 2
    assert "no content/ folder" in err
    assert not (tmp_path / "site").exists()


# --- the installed entry points ------------------------------------------------------------------


def _subprocess(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "portalgen", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


def test_python_m_portalgen_version():
    result = _subprocess("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"portalgen, version {portalgen.__version__}"


def test_python_m_portalgen_exit_codes(project, tmp_path):
    assert _subprocess("check", str(project.root)).returncode == 0
    assert _subprocess("check", str(tmp_path / "elsewhere")).returncode == 2
    project.write(FB, feedback(when="31/01/2026"))
    result = _subprocess("check", str(project.root))
    assert result.returncode == 1
    assert f"{FB}:3: error: 'date': '31/01/2026' is not a date — fix: write it as YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_m_portalgen_build_ends_with_its_output_written(project):
    """entry() ends the process without tearing the interpreter down: what it printed into a pipe
    and what it built are all there, and a message given to sys.exit still reaches stderr."""
    result = _subprocess("build", "-v", str(project.root))
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "✓ built" in said and "save cache" in said
    assert (project.root / "site" / "index.html").is_file()
    assert list((project.root / ".portalgen-cache").glob("journal-*.bin")), "the cache was saved"
    said = subprocess.run([sys.executable, "-c", "import sys; from portalgen.commands import cli; "
                           "cli.main = lambda: sys.exit('said so'); cli.entry()"],
                          capture_output=True, text=True, timeout=60)
    assert (said.returncode, said.stderr.strip()) == (1, "said so")


def test_help_lists_commands(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "--help")
    assert code == 0
    for command in ("check", "build", "serve"):
        assert command in out
