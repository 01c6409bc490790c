"""Build small portal projects in a temporary folder, one tweak per test.

`Project.minimal(tmp_path)` writes a complete, valid project (portal.yaml, two customers,
feedback, a decision and a change) that `check` accepts without a single problem. Tests then
overwrite, add or remove one file and look at what `check`, `link` or the CLI make of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from portalgen.content import loading, validating
from portalgen.content.problems import Problem, Severity
from portalgen.content.records import Records
from portalgen.model import linking
from portalgen.model import markdown as markup
from portalgen.model.items import Model

PORTAL = """\
title: "Test portal — You said, we did"
base_url: "https://feedback.example.com/"
description: A portal for tests.
product: Testing
contact: cab@example.com
language: en
"""

ACME = """\
name: Acme Health
segment: Healthcare
credit: named
url: https://acme.example/
joined: 2025-06-01
people:
  - {name: Ana Ruiz, role: CTO, credit: named}
"""

GLOBEX = """\
name: Globex Retail
segment: Retail
"""


def md(front: str, body: str = "") -> str:
    """A Markdown record: YAML front matter between '---' lines, then the body."""
    return f"---\n{front.strip()}\n---\n{body}"


def feedback(title: str = "Dark mode", when: str = "2026-01-10", who: str = "[acme]",
             extra: str = "", body: str = "Please add a dark theme.\n") -> str:
    front = f"title: {title}\ndate: {when}\nfrom: {who}\n{extra}"
    return md(front, body)


def decision(fb: str = "[dark-mode]", outcome: str = "planned", when: str = "2026-02-01",
             extra: str = "", body: str = "We will build it.\n", title: str = "Dark mode") -> str:
    front = f"title: {title}\ndate: {when}\nfeedback: {fb}\noutcome: {outcome}\n{extra}"
    return md(front, body)


def change(when: str = "2026-03-01", extra: str = "", body: str = "Dark mode is here.\n",
           title: str = "Dark mode shipped") -> str:
    return md(f"title: {title}\ndate: {when}\n{extra}", body)


MINIMAL = {
    "content/portal.yaml": PORTAL,
    "content/customers/acme.yaml": ACME,
    "content/customers/globex.yaml": GLOBEX,
    "content/feedback/dark-mode.md": feedback(extra="tags: [UI]\nsource: CAB meeting\n"),
    "content/feedback/csv-export.md": feedback("CSV export", "2026-01-20", "[globex]"),
    "content/decisions/dark-mode-planned.md": decision(extra="priority: should\n"),
    "content/changes/dark-mode-shipped.md": change(extra="version: '2.0'\ndecisions: [dark-mode-planned]\n"),
}


@dataclass
class Project:
    root: Path

    @classmethod
    def minimal(cls, tmp_path: Path) -> Project:
        """The minimal valid project: check finds no problem at all."""
        project = cls(tmp_path)
        for rel, text in MINIMAL.items():
            project.write(rel, text)
        return project

    @classmethod
    def empty(cls, tmp_path: Path, portal: str = PORTAL) -> Project:
        """Only portal.yaml: add exactly the records a test needs."""
        project = cls(tmp_path)
        project.write("content/portal.yaml", portal)
        return project

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_bytes(text.encode("utf-8"))
        return path

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def check(self) -> tuple[Records, list[Problem]]:
        records, problems = validating.validate(loading.load(self.root))
        return records, problems.sorted()

    def problems(self) -> list[Problem]:
        return self.check()[1]

    def errors(self) -> list[Problem]:
        return [p for p in self.problems() if p.severity is Severity.ERROR]

    def warnings(self) -> list[Problem]:
        return [p for p in self.problems() if p.severity is Severity.WARNING]

    def link(self, drafts: bool = False, as_of: date | None = None) -> Model:
        records, problems = self.check()
        errors = [p.format() for p in problems if p.severity is Severity.ERROR]
        assert not errors, errors
        html = markup.render_records(records)
        return linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""),
                            drafts=drafts, as_of=as_of)


def matching(problems: list[Problem], text: str, path: str | None = None) -> list[Problem]:
    """Problems whose formatted line contains `text` (and that are about `path`, if given)."""
    return [p for p in problems if text in p.format() and (path is None or p.path == path)]


def one(problems: list[Problem], text: str, path: str | None = None) -> Problem:
    """The single problem matching `text`; fails listing every problem otherwise."""
    found = matching(problems, text, path)
    assert len(found) == 1, f"expected one problem with {text!r} in {path}, got:\n" + "\n".join(
        p.format() for p in problems)
    return found[0]
