"""Odd values never make an internal error: each is handled, or a clear error naming the file and field.

Each case runs the real command (`python -m portalgen`, in a child process) on a small portal and
asserts the exit code, the message and that no traceback or "internal error" was printed:
extreme dates, character references with thousands of digits, odd <ol start> values, multi-line
names reaching e-mail headers, line breaks in `digest --to`, out-of-range SOURCE_DATE_EPOCH values
and terminal escape codes in file names, YAML keys and titles.
"""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest
from helpers_content import PORTAL, Project, change, decision, feedback

VERBS = {
    "check": ["check"],
    "build": ["build"],
    "report": ["report"],
    "digest": ["digest", "acme", "--format", "md"],
    "digest eml": ["digest", "acme", "--format", "eml"],
    "changelog": ["export", "changelog"],
}
ENTITY = "&#" + "9" * 5000  # int() refuses strings of more than 4,300 digits


def run(helpers, project: Path, verb: str, *extra: str, env: dict[str, str] | None = None):
    result = helpers.run_cli(*VERBS[verb], project, *extra, env=env)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result


def dated(root: Path, day: str) -> Project:
    """A portal whose every record is dated `day` (one quarter: the build stays small)."""
    project = Project.empty(root)
    project.write("content/customers/acme.yaml", f"name: Acme\nsegment: Healthcare\ncredit: named\njoined: {day}\n")
    project.write("content/feedback/ask.md", feedback("Ask", day))
    project.write("content/feedback/later.md", feedback("Later", day))
    project.write("content/decisions/not-now.md",
                  decision("[later]", "deferred", day, f"revisit: {day}\n", "Not now.\n", "Not now"))
    project.write("content/changes/done.md", change(day, "version: '1.0'\nfeedback: [ask]\n"))
    return project


END_OF_9999 = "253402214400"  # 9999-12-31 00:00 UTC


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_extreme_dates_work_in_every_verb(tmp_path: Path, helpers, day: str) -> None:
    project = dated(tmp_path, day)
    # A date after the build date is an error, so the far future is built on its own day.
    env = {"SOURCE_DATE_EPOCH": END_OF_9999} if day.startswith("9999") else {}
    for verb in VERBS:
        result = run(helpers, project.root, verb, *(["--today", day] if verb.startswith("digest") else []), env=env)
        assert result.returncode == 0, (verb, result.stderr)
    pages = json.loads((project.root / "site" / "api" / "portal.json").read_text(encoding="utf-8"))
    assert [f["date"] for f in pages["feedback"]] == [day, day]
    quarter = "9999-q4" if day.startswith("9999") else "1-q1"
    assert (project.root / "site" / "quarters" / quarter / "index.html").is_file()


def test_an_extreme_date_beside_ordinary_ones_in_reports_digests_and_changelogs(tmp_path: Path, helpers) -> None:
    project = Project.minimal(tmp_path)
    project.write("content/changes/far.md", change("9999-12-31", "version: '9.9'\nfeedback: [csv-export]\n"))
    env = {"SOURCE_DATE_EPOCH": END_OF_9999}
    for verb in ("check", "report", "digest", "changelog"):
        assert run(helpers, project.root, verb, env=env).returncode == 0, verb
    assert "## [9.9] - 9999-12-31" in run(helpers, project.root, "changelog", env=env).stdout


@pytest.mark.parametrize("value", ["99999999999999999", "253402300800", "9" * 5000])
def test_source_date_epoch_out_of_range_is_a_usage_error(tmp_path: Path, helpers, value: str) -> None:
    project = Project.minimal(tmp_path)
    for verb in ("build", "report"):
        result = run(helpers, project.root, verb, env={"SOURCE_DATE_EPOCH": value})
        assert result.returncode == 2, result.stderr
        assert "SOURCE_DATE_EPOCH" in result.stderr and "year 9999" in result.stderr
    # With --today the digest needs the epoch only for its Date: header, and falls back to midnight.
    eml = run(helpers, project.root, "digest eml", "--today", "2026-06-01", env={"SOURCE_DATE_EPOCH": value})
    assert eml.returncode == 0 and "Date: Mon, 01 Jun 2026 00:00:00 +0000" in eml.stdout


def test_thousands_of_digits_in_a_character_reference(tmp_path: Path, helpers) -> None:
    project = Project.minimal(tmp_path)
    project.write("content/changes/dark-mode-shipped.md",
                  change(title=f"'Dark {ENTITY}; mode'", body=f"Here {ENTITY}; and &#x{'f' * 5000}; now.\n",
                         extra="version: '2.0'\ndecisions: [dark-mode-planned]\n"))
    project.write("content/feedback/csv-export.md", feedback("CSV export", "2026-01-20", "[globex]",
                                                             body=f"Zeros {ENTITY} gone\n"))
    results = {verb: run(helpers, project.root, verb) for verb in VERBS}
    assert {verb: r.returncode for verb, r in results.items()} == dict.fromkeys(VERBS, 0)
    page = (project.root / "site" / "changes" / "dark-mode-shipped" / "index.html").read_text(encoding="utf-8")
    assert "9999999999" in page  # the title is shown as written
    assert "Here \ufffd and \ufffd now." in results["digest"].stdout


ODD_STARTS = ["²", "٣", "9" * 5000, "-3", "x"]


def test_odd_list_start_values(tmp_path: Path, helpers) -> None:
    project = Project.minimal(tmp_path)
    for n, start in enumerate(ODD_STARTS):
        project.write(f"content/changes/steps-{n}.md",
                      change(title=f"Steps {n}", body=f'Steps:\n\n<ol start="{start}"><li>one</li><li>two</li></ol>\n',
                             extra=f"version: '3.{n}'\nfeedback: [dark-mode]\n"))
    for verb in ("build", "digest", "digest eml"):
        assert run(helpers, project.root, verb).returncode == 0, verb
    changelog = run(helpers, project.root, "changelog")
    assert changelog.stdout.count("Steps: one; two.") == len(ODD_STARTS)


def test_multi_line_names_and_titles_never_reach_a_header_as_lines(tmp_path: Path, helpers) -> None:
    project = Project.minimal(tmp_path)
    project.write("content/portal.yaml", PORTAL.replace("product: Testing", 'product: "Testing\\nBcc: p@evil.example"'))
    project.write("content/customers/acme.yaml",
                  'name: "Acme\\r\\nBcc: n@evil.example"\nsegment: Healthcare\ncredit: named\n')
    project.write("content/decisions/dark-mode-planned.md",
                  decision(title='"Dark\\nBcc: t@evil.example"', extra="priority: should\n"))
    result = run(helpers, project.root, "digest eml")
    assert result.returncode == 0, result.stderr
    message = email.message_from_string(result.stdout, policy=policy.default)
    assert message["Bcc"] is None
    assert sorted(message.keys()) == ["Content-Type", "Date", "From", "MIME-Version", "Message-ID", "Subject", "To"]
    assert str(message["To"]) == '"Acme Bcc: n@evil.example" <recipient@example.invalid>'
    assert str(message["From"]) == '"Testing Bcc: p@evil.example" <cab@example.com>'
    assert str(message["Subject"]).startswith("Testing Bcc: p@evil.example: what happened")


@pytest.mark.parametrize("to", ["Ana\nBcc: evil@example.com <ana@acme.example>", "Ana <ana@acme.example>\r\nBcc: x@y.z",
                                "Ana <ana@acme.example>\u2028", "Ana <a@b@c>", "Ana <ü@acme.example>"])
def test_an_odd_recipient_is_a_usage_error(tmp_path: Path, helpers, to: str) -> None:
    project = Project.minimal(tmp_path)
    result = run(helpers, project.root, "digest eml", "--to", to)
    assert result.returncode == 2, result.stderr
    assert "Invalid value for '--to'" in result.stderr and result.stdout == ""
    assert "\n" not in result.stderr.split("--to'", 1)[1].rstrip("\n")  # the value is shown on one line


def test_terminal_escapes_in_file_names_keys_and_values_are_printed_escaped(tmp_path: Path, helpers) -> None:
    project = Project.minimal(tmp_path)
    project.write("content/feedback/\x1b[31mred.md", feedback("Red"))
    project.write("content/feedback/keyed.md", feedback("Keyed", extra='"\\e]0;owned\\a\\e[2J": 1\n"bell\\x07": 2\n'))
    project.write("content/feedback/titled.md", feedback('"Title \\x9b31m \\u202e"'))
    result = run(helpers, project.root, "check")
    assert result.returncode == 1
    assert "content/feedback/\\x1b[31mred.md: error: file name '\\x1b[31mred.md' is not a valid slug" in result.stderr
    assert "unknown key '\\x1b]0;owned\\x07\\x1b[2J'" in result.stderr and "unknown key 'bell\\x07'" in result.stderr
    for out in (result.stderr, run(helpers, project.root, "report").stdout):
        assert not any(ch in out for ch in "\x1b\x07\x9b\u202e"), repr(out)
    assert "Title \\x9b31m \\u202e" in run(helpers, project.root, "report").stdout
    typed = helpers.run_cli("digest", "acme", project.root, "--since", "\x1b]0;owned\x07")
    assert typed.returncode == 2 and "'\\x1b]0;owned\\x07' does not match the format" in typed.stderr


def test_a_base_url_urllib_cannot_read_is_a_content_error(tmp_path: Path, helpers) -> None:
    project = Project.minimal(tmp_path)
    for url in ("https://[oops/", "https://feedback.example.com:99999/"):
        project.write("content/portal.yaml", PORTAL.replace("https://feedback.example.com/", url))
        for verb in ("build", "digest eml"):
            result = run(helpers, project.root, verb)
            assert result.returncode == 1, (verb, result.stderr)
            assert "content/portal.yaml" in result.stderr and "base_url" in result.stderr
