"""`portalgen init` and `portalgen new`: every path, including every refusal."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from in_process import Run
from site_trees import tree

from portalgen import __version__
from portalgen.content.problems import Severity
from portalgen.content.schema import OUTCOMES
from portalgen.pipeline.building import build, build_date
from portalgen.pipeline.building import check as check_project

INIT_FILES = {
    ".gitignore", "README.md", ".github/workflows/portal.yml", "content/portal.yaml",
    "content/customers/example-customer.yaml", "content/feedback/export-reports-to-csv.md",
    "content/decisions/plan-csv-export.md", "content/changes/csv-export.md",
    # Editor set-up (tests/commands/test_init_editor_install.py): schemas and VS Code settings.
    ".vscode/settings.json", ".vscode/extensions.json",
    *(f".portalgen/schema/{kind}.schema.json" for kind in ("portal", "customer", "feedback", "decision", "change")),
}


def front_matter(path: Path) -> dict:
    text = path.read_text("utf-8")
    if path.suffix == ".yaml":
        return yaml.safe_load(text)
    return yaml.safe_load(text.split("---\n", 2)[1])


def problems_of(root: Path) -> list[str]:
    _, problems = check_project(root)
    return [p.format() for p in problems.sorted()]


# --- init -----------------------------------------------------------------------------------


def test_init_creates_a_project_that_passes_strict_check_and_builds(run: Run, tmp_path: Path) -> None:
    result = run("init", "portal", cwd=tmp_path)
    assert result.code == 0, result.err
    root = tmp_path / "portal"
    assert set(tree(root)) == INIT_FILES
    assert sorted(result.out.split()) == sorted(f"portal/{f}" for f in INIT_FILES)
    assert "portalgen serve" in result.err
    assert problems_of(root) == []  # no errors, and no warnings either
    assert run("check", "--strict", cwd=root).code == 0
    built = build(root, strict=True)
    assert built.pages > 5
    assert (root / "site" / "feedback" / "export-reports-to-csv" / "index.html").is_file()


def test_init_examples_cover_every_kind_of_record(run: Run, tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).code == 0  # default: the current folder
    records, _ = check_project(tmp_path)
    assert len(records.customers) == len(records.feedback) == len(records.decisions) == 1
    assert len(records.changes) == 1
    assert records.portal.base_url
    change = next(iter(records.changes.values()))
    decision = next(iter(records.decisions.values()))
    feedback = next(iter(records.feedback.values()))
    assert change.decisions == (decision.slug,) and decision.feedback == (feedback.slug,)
    assert feedback.customers == tuple(records.customers)


def test_init_gitignore_readme_and_workflow(run: Run, tmp_path: Path) -> None:
    assert run("init", "p", cwd=tmp_path).code == 0
    root = tmp_path / "p"
    ignored = (root / ".gitignore").read_text().split()
    for entry in ("site/", ".portalgen-cache/", "__pycache__/"):
        assert entry in ignored
    readme = (root / "README.md").read_text()
    assert "portalgen serve" in readme and "portalgen new" in readme and "content/feedback/" in readme

    workflow = yaml.safe_load((root / ".github/workflows/portal.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    # Rebuilt every day, so days waiting keep counting on the published site when nobody publishes.
    assert triggers["schedule"] == [{"cron": "17 3 * * *"}]
    jobs = workflow["jobs"]
    check_job, build_job, deploy_job = jobs["check"], jobs["build"], jobs["deploy"]
    assert "pull_request" in check_job["if"] and "!=" in build_job["if"]

    def uses(job: dict) -> list[str]:
        return [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]

    def runs(job: dict) -> str:
        return "\n".join(s.get("run", "") for s in job["steps"])

    assert uses(check_job) == ["actions/checkout", "actions/setup-python"]
    assert f'pip install "portalgen=={__version__}"' in runs(check_job)
    assert "portalgen check --strict" in runs(check_job)
    assert uses(build_job) == ["actions/checkout", "actions/setup-python", "actions/upload-pages-artifact"]
    assert "portalgen build" in runs(build_job)
    upload = next(s for s in build_job["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    assert uses(deploy_job) == ["actions/deploy-pages"] and deploy_job["needs"] == "build"
    assert deploy_job["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy_job["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert workflow["permissions"] == {"contents": "read"}


def test_init_title_and_base_url(run: Run, tmp_path: Path) -> None:
    title = 'Acme: "You said" — we did # not a comment'
    result = run("init", "p", "--title", title, "--base-url", "https://acme.github.io/cab", cwd=tmp_path)
    assert result.code == 0, result.err
    portal = front_matter(tmp_path / "p/content/portal.yaml")
    assert portal["title"] == title
    assert portal["base_url"] == "https://acme.github.io/cab/"
    assert (tmp_path / "p/README.md").read_text().startswith(f"# {title}\n")
    assert problems_of(tmp_path / "p") == []


def test_init_rejects_a_bad_base_url(run: Run, tmp_path: Path) -> None:
    result = run("init", "p", "--base-url", "acme.github.io", cwd=tmp_path)
    assert result.code == 2 and "not an absolute http(s) URL" in result.err
    assert not (tmp_path / "p").exists()


def test_init_creates_missing_parent_folders(run: Run, tmp_path: Path) -> None:
    assert run("init", "a/b/c", cwd=tmp_path).code == 0
    assert set(tree(tmp_path / "a/b/c")) == INIT_FILES


@pytest.mark.parametrize("existing", ["README.md", ".gitignore", "content/portal.yaml",
                                      "content/feedback/export-reports-to-csv.md",
                                      ".github/workflows/portal.yml", ".vscode/settings.json"])
def test_init_refuses_to_overwrite_any_file(run: Run, tmp_path: Path, existing: str) -> None:
    target = tmp_path / existing
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("mine\n")
    before = tree(tmp_path)
    result = run("init", cwd=tmp_path)
    assert result.code == 1
    assert f"{existing}: error: already exists" in result.err
    assert "nothing was written" in result.err
    assert tree(tmp_path) == before  # not one file added
    assert result.out == ""


def test_init_names_every_clash_and_a_file_in_place_of_a_folder(run: Run, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine")
    (tmp_path / "content").write_text("a file where the folder goes")
    result = run("init", cwd=tmp_path)
    assert result.code == 1
    assert "README.md: error: already exists" in result.err
    assert "content: error: already exists" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "content"]


def test_init_does_not_follow_symlinks(run: Run, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = tmp_path / "p"
    project.mkdir()
    (project / "content").symlink_to(elsewhere)
    result = run("init", "p", cwd=tmp_path)
    assert result.code == 1 and "content: error: already exists" in result.err
    assert list(elsewhere.iterdir()) == []


def test_init_into_a_file_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    result = run("init", "notes.txt", cwd=tmp_path)
    assert result.code == 2 and "is a file" in result.err


def test_init_then_init_again_refuses(run: Run, tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).code == 0
    before = tree(tmp_path)
    result = run("init", cwd=tmp_path)
    assert result.code == 1
    assert result.err.count("already exists") == len(INIT_FILES)
    assert tree(tmp_path) == before


# --- new: every kind ------------------------------------------------------------------------


def test_new_feedback(run: Run, example: Path) -> None:
    before = problems_of(example)
    result = run("new", "feedback", "Dark mode, please!", "--from", "meridian-health,city-of-eastbrook",
                 "--from", "meridian-health", cwd=example)
    assert result.code == 0, result.err
    assert result.out == "content/feedback/dark-mode-please.md\n"
    path = example / "content/feedback/dark-mode-please.md"
    data = front_matter(path)
    assert data == {"title": "Dark mode, please!", "date": build_date(),
                    "from": ["meridian-health", "city-of-eastbrook"]}
    assert problems_of(example) == before  # no new problem of any kind
    assert "TODO" not in path.read_text()  # feedback needs no body: the prompt is a comment


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_new_decision_for_every_outcome_passes_strict_check(run: Run, example: Path, outcome: str) -> None:
    """Every outcome passes check at once, except those that need words only the author has: their
    placeholders fail check until they are written (tests/commands/test_placeholders.py)."""
    before = problems_of(example)
    result = run("new", "decision", f"Our answer: {outcome}", "--feedback", "dark-mode", "--outcome", outcome,
                 cwd=example)
    assert result.code == 0, result.err
    path = example / result.out.strip()
    assert path == example / f"content/decisions/our-answer-{outcome}.md"
    data = front_matter(path)
    assert data["outcome"] == outcome and data["feedback"] == ["dark-mode"] and data["date"] == build_date()
    body = path.read_text().split("---\n", 2)[2]
    added = [p for p in check_project(example)[1].sorted() if p.format() not in before]
    if outcome in ("declined", "deferred", "already-available"):
        assert body.startswith("<!-- fill in: ")  # the required body is there, and obviously unfinished
        assert 'Fill in what is marked "fill in:"' in result.err
        assert added and all(p.code == "placeholder" and p.severity is Severity.ERROR for p in added)
    else:
        assert added == [], "no error, no warning"
    if outcome == "declined":
        assert data["workaround"].startswith("<!-- fill in: ")
    if outcome == "deferred":
        assert data["revisit"] > build_date()


def test_new_decision_defaults_to_under_review(run: Run, example: Path) -> None:
    result = run("new", "decision", "Looking at it", "--feedback", "dark-mode", cwd=example)
    assert result.code == 0
    assert front_matter(example / result.out.strip())["outcome"] == "under-review"


def test_new_change(run: Run, example: Path) -> None:
    before = problems_of(example)
    result = run("new", "change", "Dark theme", "--decisions", "defer-mobile-dashboards",
                 "--feedback", "dark-mode", cwd=example)
    assert result.code == 0, result.err
    data = front_matter(example / "content/changes/dark-theme.md")
    assert data == {"title": "Dark theme", "date": build_date(), "decisions": ["defer-mobile-dashboards"],
                    "feedback": ["dark-mode"]}
    assert problems_of(example) == before
    result = run("new", "change", "Small fixes", cwd=example)  # references are optional
    assert result.code == 0 and problems_of(example) == before


def test_new_customer(run: Run, example: Path) -> None:
    before = problems_of(example)
    result = run("new", "customer", "Acme Health Ltd.", cwd=example)
    assert result.code == 0
    assert result.out == "content/customers/acme-health-ltd.yaml\n"
    data = front_matter(example / "content/customers/acme-health-ltd.yaml")
    assert data == {"name": "Acme Health Ltd.", "credit": "anonymous", "joined": build_date()}
    assert problems_of(example) == before


def test_new_in_a_fresh_init_project_chain(run: Run, tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).code == 0
    steps = [
        ("new", "customer", "Acme Health"),
        ("new", "feedback", "Dark mode", "--from", "acme-health"),
        ("new", "decision", "Yes: dark mode", "--feedback", "dark-mode", "--outcome", "planned"),
        ("new", "change", "Dark mode", "--decisions", "yes-dark-mode", "--feedback", "dark-mode"),
    ]
    for step in steps:
        result = run(*step, cwd=tmp_path)
        assert result.code == 0, (step, result.err)
    assert problems_of(tmp_path) == []
    assert run("check", "--strict", cwd=tmp_path).code == 0
    assert build(tmp_path, strict=True).pages > 5


def test_new_with_project_option_and_path_output(run: Run, example: Path, tmp_path: Path) -> None:
    result = run("new", "customer", "Elsewhere Inc", "-C", example, cwd=tmp_path)
    assert result.code == 0
    assert result.out.strip() == "example/content/customers/elsewhere-inc.yaml"
    assert (example / "content/customers/elsewhere-inc.yaml").is_file()


def test_new_plural_kind_slug_and_draft(run: Run, example: Path) -> None:
    before = problems_of(example)
    result = run("new", "decisions", "A long title we would rather not use as a file name",
                 "--feedback", "dark-mode", "--slug", "dark-mode-answer", "--draft", cwd=example)
    assert result.code == 0, result.err
    data = front_matter(example / "content/decisions/dark-mode-answer.md")
    assert data["draft"] is True
    assert problems_of(example) == before


@pytest.mark.parametrize("title", [
    'Exports: "CSV" # not a comment', "- starts like a list", "{looks: like a mapping}", "yes",
    "back\\slash and 'quotes'", "Ünïcødé — en dash ✓ 漢字", "2026-01-01", "  spaced\tout\n title ",
])
def test_new_titles_survive_yaml(run: Run, example: Path, title: str) -> None:
    result = run("new", "feedback", "--from", "meridian-health", "--", title, cwd=example)
    assert result.code == 0, result.err
    path = example / result.out.strip()
    assert front_matter(path)["title"] == " ".join(title.split())
    records, problems = check_project(example)
    assert not problems.errors
    assert records.feedback[path.stem].title == " ".join(title.split())


def test_new_quotes_slugs_yaml_would_misread(run: Run, example: Path) -> None:
    before = problems_of(example)
    odd = ["null", "0x1f", "2001-02-03"]  # YAML 1.1 would read: None, 31, a date
    for slug in odd:
        assert run("new", "customer", f"Customer {slug}", "--slug", slug, cwd=example).code == 0
    result = run("new", "feedback", "Odd names", "--from", ",".join(odd), cwd=example)
    assert result.code == 0, result.err
    assert front_matter(example / result.out.strip())["from"] == odd
    assert problems_of(example) == before


def test_new_is_deterministic_given_a_date(example: Path) -> None:
    from portalgen.commands.new import Given, new_record

    made = new_record(example, "decision", "Later", Given(feedback=["dark-mode"], outcome="deferred"),
                      today=date(2026, 1, 31))
    text = made.path.read_text()
    assert "date: 2026-01-31\n" in text
    assert f"revisit: {(date(2026, 1, 31) + timedelta(days=91)).isoformat()}" in text
    assert made.todo == ["revisit date", "the reasoning in the body"]


# --- new: refusals --------------------------------------------------------------------------


def test_new_refuses_a_slug_clash_in_a_sub_folder(run: Run, example: Path) -> None:
    before = tree(example)
    result = run("new", "feedback", "Dark mode", "--from", "meridian-health", cwd=example)
    assert result.code == 1
    assert ("content/feedback/2025/q4/dark-mode.md: error: feedback slug 'dark-mode' is already used"
            in result.err)
    assert "--slug" in result.err and "nothing was written" in result.err
    assert result.out == ""
    assert tree(example) == before


def test_new_clash_is_per_kind(run: Run, example: Path) -> None:
    before = problems_of(example)
    result = run("new", "decision", "Dark mode", "--feedback", "dark-mode", cwd=example)
    assert result.code == 0, result.err  # a decision may share a feedback item's slug
    assert result.out == "content/decisions/dark-mode.md\n"
    assert problems_of(example) == before
    result = run("new", "customer", "Pinecrest Learning", cwd=example)  # an existing .md customer
    assert result.code == 1 and "content/customers/pinecrest-learning.md" in result.err


def test_new_refuses_anything_check_would_reject(run: Run, example: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """After writing, `new` runs the real check; an error the new file adds anywhere undoes it."""
    from portalgen.pipeline import building

    real_check = building.check

    def stricter(root: Path):
        records, problems = real_check(root)
        if (root / "content/customers/acme.yaml").exists():
            problems.error("content/feedback/2025/q4/dark-mode.md", 9, "mentions a new anonymous customer")
        return records, problems

    monkeypatch.setattr(building, "check", stricter)
    before = tree(example)
    result = run("new", "customer", "Acme", cwd=example)
    assert result.code == 1
    assert "content/feedback/2025/q4/dark-mode.md:9: error: mentions a new anonymous customer" in result.err
    assert tree(example) == before


def test_new_in_a_project_that_already_has_errors(run: Run, example: Path) -> None:
    broken = example / "content/feedback/2025/q4/dark-mode.md"
    broken.write_text(broken.read_text().replace("date: 2025-12-15", "date: soon"))
    result = run("new", "customer", "Acme", cwd=example)
    assert result.code == 0, result.err  # errors that were there before are not the new file's
    assert (example / "content/customers/acme.yaml").is_file()


def test_new_refuses_unknown_references_like_check(run: Run, example: Path) -> None:
    before = tree(example)
    result = run("new", "feedback", "Dark mode again", "--from", "meridian-helth,nobody-at-all",
                 cwd=example)
    assert result.code == 1
    assert tree(example) == before
    lines = [line for line in result.err.splitlines() if ": error: " in line]
    assert lines == [
        "content/feedback/dark-mode-again.md:4: error: 'from': no customer 'meridian-helth' — fix: did you "
        "mean 'meridian-health'? create content/customers/meridian-helth.yaml or fix the slug",
        "content/feedback/dark-mode-again.md:4: error: 'from': no customer 'nobody-at-all' — fix: create "
        "content/customers/nobody-at-all.yaml or fix the slug",
    ]


@pytest.mark.parametrize(("kind", "options"), [
    ("feedback", ["--from", "meridian-helth"]),
    ("decision", ["--feedback", "dark-mod,csv-export-drops-leading-zeros"]),
    ("change", ["--decisions", "defer-mobile-dashbords"]),
    ("change", ["--feedback", "dark-mode", "--decisions", "nope"]),
])
def test_new_reference_messages_equal_checks(run: Run, example: Path, tmp_path: Path, kind: str,
                                             options: list[str]) -> None:
    """The contract: `new` refuses with exactly the problem `check` would report for that file."""
    result = run("new", kind, "Same words", *options, cwd=example)
    assert result.code == 1
    refused = sorted(line for line in result.err.splitlines() if ": error: " in line)
    assert refused

    # Write the very same file anyway (bypassing the refusal) into a copy, and ask check.
    from portalgen.commands.new import Given, _render, split_slugs

    copy = tmp_path / "copy"
    shutil.copytree(example, copy)
    given = {"--from": [], "--feedback": [], "--decisions": []}
    for i in range(0, len(options), 2):
        given[options[i]] = split_slugs([options[i + 1]])
    text, _ = _render(kind, "Same words", build_date(), Given(given["--from"], given["--feedback"],
                                                              given["--decisions"], "under-review"))
    folder = {"feedback": "feedback", "decision": "decisions", "change": "changes"}[kind]
    (copy / "content" / folder / "same-words.md").write_text(text, "utf-8")
    _, problems = check_project(copy)
    reported = sorted(p.format() for p in problems.errors if p.path.endswith("same-words.md"))
    assert reported == refused


@pytest.mark.parametrize(("args", "message"), [
    (["new", "feedbak", "X"], "unknown kind 'feedbak': did you mean 'feedback'?"),
    (["new", "release", "X"], "unknown kind 'release'"),
    (["new", "decision", "X", "--feedback", "dark-mode", "--outcome", "declind"],
     "--outcome 'declind' is not allowed: did you mean 'declined'? one of: under-review"),
    (["new", "decision", "X", "--feedback", "dark-mode", "--outcome", "yes"], "is not allowed"),
    (["new", "feedback", "X"], "needs --from CUSTOMER"),
    (["new", "decision", "X", "--outcome", "planned"], "needs --feedback ITEM"),
    (["new", "feedback", "X", "--from", "meridian-health", "--outcome", "planned"],
     "--outcome is for decisions, not for a feedback"),
    (["new", "customer", "X", "--from", "meridian-health"], "--from is for feedback, not for a customer"),
    (["new", "change", "X", "--from", "meridian-health"], "--from is for feedback, not for a change"),
    (["new", "feedback", "X", "--from", "meridian-health", "--decisions", "a"], "--decisions is for changes"),
    (["new", "customer", "   "], "the title is empty"),
    (["new", "customer", "X", "--slug", "Not A Slug"], "--slug 'Not A Slug' is not a valid slug"),
])
def test_new_usage_errors(run: Run, example: Path, args: list[str], message: str) -> None:
    before = tree(example)
    result = run(*args, cwd=example)
    assert result.code == 2, result.err
    assert message in result.err
    assert tree(example) == before


def test_new_rejects_references_that_are_not_slugs(run: Run, example: Path) -> None:
    result = run("new", "feedback", "X", "--from", "Meridian Health", cwd=example)
    assert result.code == 1
    assert "'from': 'Meridian Health' is not a slug" in result.err


def test_new_outside_a_project(run: Run, tmp_path: Path) -> None:
    result = run("new", "customer", "Acme", cwd=tmp_path)
    assert result.code == 2 and "no content/ folder" in result.err
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_an_existing_customer_file(run: Run, example: Path) -> None:
    target = example / "content/customers/acme.yaml"
    target.write_text("name: Acme\n")
    result = run("new", "customer", "Acme", cwd=example)
    assert result.code == 1 and "content/customers/acme.yaml" in result.err
    assert target.read_text() == "name: Acme\n"


def test_check_and_new_agree_on_severity_words(example: Path) -> None:
    # `new` prints problems through Problem.format, like check: "path:line: error: message — fix: hint"
    from portalgen.commands.authoring import Refused
    from portalgen.commands.new import Given, new_record

    with pytest.raises(Refused) as caught:
        new_record(example, "feedback", "Y", Given(customers=["meridian-helth"]))
    (problem,) = caught.value.problems
    assert problem.severity is Severity.ERROR and problem.line == 4
