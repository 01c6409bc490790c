"""Reading content/: files, encodings, front matter, YAML safety, file names and folders."""

from __future__ import annotations

import os
import time

import pytest

from portalgen.content import loading
from portalgen.content.problems import Severity

try:  # tests/ as a plain folder on sys.path, or as a package
    from helpers_content import Project, feedback, md, one
except ModuleNotFoundError:  # pragma: no cover
    from tests.helpers_content import Project, feedback, md, one

FB = "content/feedback/dark-mode.md"
ACME = "content/customers/acme.yaml"


@pytest.fixture
def project(tmp_path):
    return Project.minimal(tmp_path)


def test_minimal_project_has_no_problems(project):
    records, problems = project.check()
    assert problems == []
    assert set(records.feedback) == {"dark-mode", "csv-export"}
    assert set(records.customers) == {"acme", "globex"}
    assert set(records.decisions) == {"dark-mode-planned"}
    assert set(records.changes) == {"dark-mode-shipped"}


# --- front matter -----------------------------------------------------------------------


def test_missing_front_matter(project):
    project.write(FB, "Dark mode please.\n")
    p = one(project.problems(), "missing front matter", FB)
    assert p.severity is Severity.ERROR
    assert p.line == 1
    assert "must start with a '---' line" in p.message
    assert "add '---'" in p.hint
    assert "dark-mode" not in project.check()[0].feedback


def test_empty_file_is_missing_front_matter(project):
    project.write(FB, "")
    assert one(project.errors(), "missing front matter", FB).line == 1


def test_four_dashes_is_not_front_matter(project):
    project.write(FB, "----\ntitle: x\n---\n")
    assert one(project.errors(), "missing front matter", FB).line == 1


def test_unclosed_front_matter(project):
    project.write(FB, "---\ntitle: Dark mode\ndate: 2026-01-10\nfrom: [acme]\nBody text\n")
    p = one(project.errors(), "front matter is not closed", FB)
    assert p.line == 1
    assert "add a line with '---'" in p.hint


def test_first_line_must_be_exactly_three_dashes(project):
    project.write(FB, "--- title: Dark mode\ndate: 2026-01-10\nfrom: [acme]\n---\nBody\n")
    p = one(project.errors(), "the first line must be exactly '---'", FB)
    assert p.line == 1
    assert "next lines" in p.hint


def test_trailing_spaces_after_dashes_are_fine(project):
    project.write(FB, "---  \ntitle: Dark mode\ndate: 2026-01-10\nfrom: [acme]\n---   \nBody\n")
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].body == "Body"


def test_front_matter_may_close_with_three_dots(project):
    project.write(FB, "---\ntitle: Dark mode\ndate: 2026-01-10\nfrom: [acme]\n...\nBody\n")
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].body == "Body"


def test_body_and_its_line_number(project):
    project.write(FB, feedback(body="First line.\n\nSecond --- not a delimiter.\n"))
    records, problems = project.check()
    assert problems == []
    fb = records.feedback["dark-mode"]
    assert fb.body == "First line.\n\nSecond --- not a delimiter."
    assert fb.line == 6  # ---, title, date, from, ---, body


def test_file_ending_right_after_closing_delimiter(project):
    project.write(FB, "---\ntitle: Dark mode\ndate: 2026-01-10\nfrom: [acme]\n---")
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].body == ""


def test_empty_front_matter_reports_required_keys(project):
    project.write(FB, "---\n---\nBody\n")
    errors = project.errors()
    for key in ("title", "date", "from"):
        assert one(errors, f"'{key}': is required", FB)


# --- encodings ----------------------------------------------------------------------------


def test_bom_and_crlf_are_accepted(project):
    text = feedback(extra="tags: [UI]\n", body="Line one.\nLine two.\n").replace("\n", "\r\n")
    project.write(FB, b"\xef\xbb\xbf" + text.encode("utf-8"))
    records, problems = project.check()
    assert problems == []
    fb = records.feedback["dark-mode"]
    assert fb.title == "Dark mode"
    assert fb.tags == ("UI",)
    assert fb.body == "Line one.\nLine two."
    assert "\r" not in fb.body


def test_bom_in_yaml_customer_is_accepted(project):
    project.write(ACME, b"\xef\xbb\xbf" + b"name: Acme Health\r\ncredit: named\r\n")
    records, problems = project.check()
    assert problems == []
    assert records.customers["acme"].name == "Acme Health"


def test_old_mac_line_endings_are_accepted(project):
    project.write(FB, feedback().replace("\n", "\r"))
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].title == "Dark mode"


def test_line_numbers_count_crlf_lines_once(project):
    project.write(FB, "---\r\ntitle: a\r\ndate: 2026-01-10\r\nfrom: [acme]\r\ntitle: b\r\n---\r\n")
    p = one(project.errors(), "duplicate key 'title'", FB)
    assert p.line == 5
    assert "first set on line 2" in p.message


def test_invalid_utf8_names_file_and_line(project):
    project.write(FB, b"---\ntitle: Dark mode\ndate: 2026-01-10\nfrom: [acme]\n---\nCaf\xe9 au lait\n")
    p = one(project.errors(), "not valid UTF-8", FB)
    assert p.line == 6
    assert "0xe9" in p.message
    assert "save the file as UTF-8" in p.hint
    assert p.format().startswith(f"{FB}:6: error: not valid UTF-8")


def test_invalid_utf8_in_yaml_customer(project):
    project.write(ACME, b"name: Acme\nsegment: Sa\xfflud\n")
    p = one(project.errors(), "not valid UTF-8", ACME)
    assert p.line == 2


def test_utf16_file_is_not_utf8(project):
    project.write(FB, feedback().encode("utf-16"))
    assert one(project.errors(), "not valid UTF-8", FB).line == 1


def test_nul_bytes_are_refused(project):
    project.write(FB, feedback(body="binary\x00junk\n"))
    p = one(project.errors(), "NUL bytes", FB)
    assert "looks binary" in p.message
    assert "plain UTF-8 text" in p.hint


def test_file_over_one_mebibyte_is_refused(project):
    head = feedback(body="")
    project.write(FB, head + "x" * (1024 * 1024 + 1 - len(head)))
    assert project.path(FB).stat().st_size == 1024 * 1024 + 1
    p = one(project.errors(), "over the 1024 KiB limit", FB)
    assert "split it" in p.hint


def test_file_of_exactly_one_mebibyte_is_accepted(project):
    head = feedback(body="")
    project.write(FB, head + "x" * (1024 * 1024 - len(head)))
    assert project.path(FB).stat().st_size == 1024 * 1024
    assert project.problems() == []


def test_non_utf8_reads_nothing_else_from_that_file(project):
    # One clear error for the broken file; no cascade of "missing key" errors from it.
    project.write(FB, b"---\ntitle: \xff\n---\n")
    assert [p.message[:20] for p in project.errors() if p.path == FB] == ["not valid UTF-8 (byt"]


# --- YAML ---------------------------------------------------------------------------------


def test_yaml_syntax_error_names_file_and_line(project):
    project.write(FB, feedback(title="Exports: CSV please"))
    p = one(project.errors(), "YAML syntax error", FB)
    assert p.line == 2
    assert "mapping values are not allowed" in p.message
    assert "quote values that contain ': '" in p.hint


def test_yaml_syntax_error_line_in_yaml_customer(project):
    project.write(ACME, "name: Acme\nsegment: [Healthcare\ncredit: named\n")
    p = one(project.errors(), "YAML syntax error", ACME)
    assert p.line in (2, 3, 4)  # libyaml reports where it gave up, after the open bracket


def test_yaml_tab_indentation_hint(project):
    project.write(ACME, "name: Acme\npeople:\n  - name: Ana\n\trole: CTO\n")
    p = one(project.errors(), "tab", ACME)
    assert p.format() == ("content/customers/acme.yaml:4: error: the file uses a tab to indent line 4; YAML allows "
                          "only spaces there — fix: indent with spaces instead of the tab")


def test_impossible_date_names_line_and_value(project):
    project.write(FB, feedback(when="2026-02-30"))
    p = one(project.errors(), "2026-02-30", FB)
    assert p.line == 3
    assert "not a real date" in p.message
    assert "YYYY-MM-DD" in p.hint


def test_duplicate_keys_are_an_error_naming_both_lines(project):
    project.write(FB, feedback(extra="title: Dark theme\n"))
    p = one(project.errors(), "duplicate key 'title'", FB)
    assert p.line == 5
    assert "first set on line 2" in p.message
    assert "keep one of them" in p.hint


def test_duplicate_keys_in_yaml_customer_and_nested_mapping(project):
    project.write(ACME, "name: Acme\npeople:\n  - name: Ana\n    role: CTO\n    name: Bo\nname: Acme 2\n")
    errors = project.errors()
    assert one(errors, "duplicate key 'name' (first set on line 1)", ACME).line == 6
    assert one(errors, "duplicate key 'name' (first set on line 3)", ACME).line == 5


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines)


def test_alias_bomb_is_refused_quickly(project):
    project.write(FB, md("title: Dark mode\ndate: 2026-01-10\nfrom: [acme]\n" + _billion_laughs()))
    started = time.perf_counter()
    errors = project.errors()
    assert time.perf_counter() - started < 5  # expanding it would take minutes and gigabytes
    p = one(errors, "expands to more than", FB)
    assert "remove anchors/aliases" in p.hint
    assert "dark-mode" not in project.check()[0].feedback


def test_recursive_alias_is_refused(project):
    project.write(ACME, "name: Acme\nloop: &x [*x]\n")
    assert one(project.errors(), "YAML", ACME)


def test_small_aliases_are_fine(project):
    project.write(FB, feedback(extra="tags: &t [UI]\nquote: *t\n"))
    # the alias expands fine; quote is then the wrong type, which is validation's business
    assert one(project.errors(), "'quote': must be text, not a list", FB)


def test_deeply_nested_flow_yaml_is_refused(project):
    project.write(FB, feedback(extra="tags: " + "[" * 100 + "]" * 100 + "\n"))
    p = one(project.errors(), "nested more than 64 levels deep", FB)
    assert "remove the nesting" in p.hint


def test_deeply_nested_block_yaml_is_refused(project):
    nested = "private:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(100)) + " " * 102 + "x\n"
    project.write(ACME, "name: Acme\n" + nested)
    assert one(project.errors(), "nested more than 64 levels deep", ACME)


def test_very_deep_block_sequence_does_not_crash(project):
    project.write(ACME, "name: Acme\nprivate:\n  " + "- " * 200_000 + "x\n")
    assert one(project.errors(), "YAML", ACME)


@pytest.mark.parametrize(("front", "found"), [
    ("- title\n- date", "list"),
    ("just some text", "str"),
    ("42", "int"),
])
def test_front_matter_must_be_a_mapping(project, front, found):
    project.write(FB, md(front, "Body\n"))
    p = one(project.errors(), "expected 'key: value' lines", FB)
    assert p.line == 2
    assert f"found a YAML {found}" in p.message
    assert "mapping of keys to values" in p.hint


def test_yaml_customer_must_be_a_mapping(project):
    project.write(ACME, "- Acme\n- Globex\n")
    assert one(project.errors(), "expected 'key: value' lines, found a YAML list", ACME).line == 1


def test_empty_yaml_customer_reports_missing_name(project):
    project.write(ACME, "")
    assert one(project.errors(), "'name': is required", ACME)


@pytest.mark.parametrize(("key", "shown"), [("1", "1"), ("true", "True"), ("2026-01-01", "datetime.date")])
def test_keys_must_be_text(project, key, shown):
    project.write(FB, feedback(extra=f"{key}: x\n"))
    p = one(project.errors(), "is not text", FB)
    assert shown in p.message
    assert "'title' or 'date'" in p.hint


def test_unhashable_key_is_a_yaml_error(project):
    project.write(FB, feedback(extra="? [a, b]\n: x\n"))
    p = one(project.errors(), "unhashable key", FB)
    assert p.line == 5


# --- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "suggestion"), [
    ("Dark-Mode.md", "dark-mode.md"),
    ("dark mode.md", "dark-mode.md"),
    ("dark_mode.md", "dark-mode.md"),
    ("café-au-lait.md", "cafe-au-lait.md"),
    ("-leading-dash.md", "leading-dash.md"),
    ("dark.mode.md", "dark-mode.md"),
    ("a" * 81 + ".md", "a" * 80 + ".md"),
])
def test_invalid_file_names_are_errors_with_a_rename(project, name, suggestion):
    rel = f"content/feedback/{name}"
    project.write(rel, feedback("Something else"))
    p = one(project.errors(), "is not a valid slug", rel)
    assert f"file name '{name}'" in p.message
    assert "lowercase a-z, 0-9 and '-'" in p.message
    assert "at most 80 characters" in p.message
    assert p.hint == f"rename it to feedback/{suggestion}"


def test_invalid_customer_file_name(project):
    project.write("content/customers/Initech Corp.yaml", "name: Initech\n")
    p = one(project.errors(), "is not a valid slug", "content/customers/Initech Corp.yaml")
    assert p.hint == "rename it to customers/initech-corp.yaml"


def test_name_of_only_non_ascii_letters_gets_a_usable_suggestion(project):
    rel = "content/feedback/日本語.md"
    project.write(rel, feedback("Japanese"))
    p = one(project.errors(), "is not a valid slug", rel)
    assert p.hint.startswith("rename it to feedback/t-")
    assert p.hint.endswith(".md")


def test_eighty_character_name_is_fine(project):
    slug = "b" * 80
    project.write(f"content/feedback/{slug}.md", feedback("Long name"))
    records, problems = project.check()
    assert problems == []
    assert slug in records.feedback


def test_invalid_names_are_not_loaded(project):
    project.write("content/feedback/Other.md", feedback("Other"))
    records, _ = project.check()
    assert "Other" not in records.feedback
    assert "other" not in records.feedback


# --- folders and files ---------------------------------------------------------------------


def test_unknown_folder_warns(project):
    project.write("content/notes/meeting.md", "whatever")
    problems = project.problems()
    p = one(problems, "'notes' is not part of the content model; ignored", "content/notes")
    assert p.severity is Severity.WARNING
    assert "customers/, feedback/, decisions/ and changes/" in p.hint
    assert len(problems) == 1  # the folder's content is not read


def test_stray_file_at_content_top_warns(project):
    project.write("content/README.md", "# notes")
    p = one(project.problems(), "'README.md' is not part of the content model", "content/README.md")
    assert p.severity is Severity.WARNING


def test_record_folder_that_is_a_file_is_an_error(tmp_path):
    project = Project.minimal(tmp_path)
    for rel in ("content/changes/dark-mode-shipped.md",):
        project.remove(rel)
    project.path("content/changes").rmdir()
    project.write("content/changes", "oops")
    p = one(project.errors(), "'changes' must be a folder", "content/changes")
    assert p.hint == "make it a folder"


@pytest.mark.parametrize(("rel", "allowed"), [
    ("content/feedback/screenshot.png", "(.md)"),
    ("content/feedback/notes.txt", "(.md)"),
    ("content/decisions/dark-mode.yaml", "(.md)"),
    ("content/customers/acme-notes.txt", "(.md or .yaml or .yml)"),
])
def test_non_record_files_warn(project, rel, allowed):
    project.write(rel, "data")
    problems = project.problems()
    p = one(problems, "is not a record file", rel)
    assert p.severity is Severity.WARNING
    assert allowed in p.message
    assert "move it out of content/" in p.hint
    assert len(problems) == 1


@pytest.mark.parametrize("name", [
    ".dark-mode.md.swp", "dark-mode.md~", "#dark-mode.md#", ".#dark-mode.md", ".DS_Store",
    "dark-mode.md.tmp", "dark-mode.md.bak", "4913.swx",
])
def test_editor_temp_files_are_ignored(project, name):
    project.write(f"content/feedback/{name}", b"\x00garbage \xff")
    assert project.problems() == []


def test_hidden_folders_are_ignored(project):
    project.write("content/feedback/.trash/Bad Name.md", b"\xff")
    project.write("content/.git/config", "x")
    assert project.problems() == []


def test_sub_folders_are_allowed(project):
    project.remove(FB)
    project.write("content/feedback/2026/q1/dark-mode.md", feedback())
    project.write("content/customers/europe/initech.yaml", "name: Initech\n")
    records, problems = project.check()
    assert problems == []
    assert records.feedback["dark-mode"].path == "content/feedback/2026/q1/dark-mode.md"
    assert "initech" in records.customers


def test_symlinked_file_outside_project_is_refused(tmp_path):
    project = Project.minimal(tmp_path / "project")
    outside = tmp_path / "outside.md"
    outside.write_text(feedback("Secret"))
    os.symlink(outside, project.path("content/feedback/secret.md"))
    records, problems = project.check()
    p = one(problems, "symlink points outside the project", "content/feedback/secret.md")
    assert p.severity is Severity.ERROR
    assert "copy the file into content/" in p.hint
    assert "secret" not in records.feedback


def test_symlinked_folder_outside_project_is_refused(tmp_path):
    project = Project.minimal(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(feedback("Secret"))
    os.symlink(outside, project.path("content/feedback/2026"))
    records, problems = project.check()
    assert one(problems, "symlink points outside the project", "content/feedback/2026")
    assert "secret" not in records.feedback


def test_symlinked_record_folder_outside_project_is_refused(tmp_path):
    project = Project.minimal(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(feedback("Secret"))
    os.symlink(outside, project.path("content/feedback-elsewhere"))
    project.path("content/feedback/dark-mode.md").unlink()
    project.path("content/feedback/csv-export.md").unlink()
    project.path("content/feedback").rmdir()
    os.rename(project.path("content/feedback-elsewhere"), project.path("content/feedback"))
    records, problems = project.check()
    assert one(problems, "symlink points outside the project", "content/feedback")
    assert "secret" not in records.feedback


def test_symlinked_portal_yaml_outside_project_is_refused(tmp_path):
    project = Project.minimal(tmp_path / "project")
    outside = tmp_path / "portal.yaml"
    outside.write_text("title: Elsewhere\n")
    project.remove("content/portal.yaml")
    os.symlink(outside, project.path("content/portal.yaml"))
    records, problems = project.check()
    assert one(problems, "symlink points outside the project", "content/portal.yaml")
    assert records.portal.title != "Elsewhere"


def test_symlink_inside_project_is_followed(project):
    project.write("shared/globex.yaml", "name: Globex Shared\n")
    project.remove("content/customers/globex.yaml")
    os.symlink(project.path("shared/globex.yaml"), project.path("content/customers/globex.yaml"))
    records, problems = project.check()
    assert problems == []
    assert records.customers["globex"].name == "Globex Shared"


def test_customers_may_be_markdown_with_front_matter(project):
    project.remove(ACME)
    project.write("content/customers/acme.md", md("name: Acme Health\ncredit: named", "Our oldest customer.\n"))
    records, problems = project.check()
    assert problems == []
    assert records.customers["acme"].name == "Acme Health"
    assert records.customers["acme"].body == "Our oldest customer."


def test_customers_may_use_yml(project):
    project.write("content/customers/initech.yml", "name: Initech\n")
    records, problems = project.check()
    assert problems == []
    assert records.customers["initech"].name == "Initech"


def test_customer_as_both_yaml_and_md_is_a_duplicate_slug(project):
    project.write("content/customers/acme.md", md("name: Acme again"))
    p = one(project.errors(), "customer slug 'acme' is also used by", "content/customers/acme.yaml")
    assert "content/customers/acme.md" in p.message
    assert "rename one of the files" in p.hint


def test_portal_yaml_is_required(project):
    project.remove("content/portal.yaml")
    p = one(project.errors(), "portal.yaml is missing", "content/portal.yaml")
    assert "title: Your portal name" in p.hint


def test_portal_yml_is_accepted(project):
    text = project.path("content/portal.yaml").read_text()
    project.remove("content/portal.yaml")
    project.write("content/portal.yml", text.replace("Test portal", "YML portal"))
    records, problems = project.check()
    assert problems == []
    assert records.portal.title.startswith("YML portal")


def test_load_keeps_key_lines_and_relative_paths(project):
    loaded = loading.load(project.root)
    raw = next(r for r in loaded.records if r.slug == "dark-mode")
    assert raw.kind == "feedback"
    assert raw.path == FB
    assert raw.key_lines["title"] == 2
    assert raw.key_lines["from"] == 4
    assert loaded.portal is not None and loaded.portal.path == "content/portal.yaml"


class _Store:
    """A record store that knows every file's digest; `give` says whether it hands records back."""

    def __init__(self, hashes: dict[str, set[str]], give: bool):
        self.hashes, self.give, self.put, self.asked = hashes, give, 0, 0

    def record_hashes(self):
        return self.hashes

    def get_record(self, rel, text_hash):
        self.asked += 1
        return self.records[rel] if self.give else None

    def put_record(self, text_hash, raw):
        self.put += 1

    def prune_records(self, live):
        pass


def test_a_file_the_store_knows_is_taken_from_it_and_one_it_cannot_give_back_is_parsed(project):
    fresh = loading.load(project.root)
    store = _Store({rel: {digest} for rel, digest in fresh.files.items()}, give=True)
    store.records = {raw.path: raw for raw in fresh.records}
    kept = loading.load(project.root, store)
    assert [raw is store.records[raw.path] for raw in kept.records] == [True] * len(fresh.records)
    assert store.put == 0
    failing = _Store(store.hashes, give=False)
    again = loading.load(project.root, failing)
    assert [raw.path for raw in again.records] == [raw.path for raw in fresh.records]
    assert failing.asked == failing.put == len(fresh.records)


def test_reading_problems_come_before_parsing_problems_as_in_file_order(project):
    project.write("content/feedback/a-broken.md", "no front matter\n")
    project.write("content/feedback/z-unreadable.md", b"---\ntitle: \xff\n---\n")
    problems = loading.load(project.root).problems.items
    paths = [p.path for p in problems]
    assert paths.index("content/feedback/z-unreadable.md") < paths.index("content/feedback/a-broken.md")
