"""Any sequence of edits, then an incremental build: byte for byte what a cold build makes.

A hypothesis state machine edits a small portal the way authors and theme writers do (records of
every kind added, changed, renamed and deleted; drafts and private records; a customer's credit
and segment; portal.yaml, its anonymity threshold included; template overrides, one that reads
`model` and one that prints the page's path; a static file) and after every step compares with a
cold build both the CLI's incremental build and the dev server's engine (a Session kept in
memory, told only which paths changed, as the watcher tells it). When the cold build refuses the
content, both must refuse it too. The default run tries a few sequences; `-m slow` runs many more.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from generate import generate
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from repo_paths import REPO
from site_trees import tree

import portalgen
from portalgen.content.problems import ContentError
from portalgen.pipeline.session import Session

EPOCH = "1795996800"  # 2026-11-30: after every date the generator writes
BUILTIN = REPO / "templates"
MODEL_TEMPLATE = """{% extends "base.html" %}
{% block main %}<h1 id="page-title">{{ item.record.title }}</h1>
<p>Changes so far: {{ model.changes|length }}; latest: {{ model.changes[0].record.title if model.changes }}</p>
{% endblock %}
"""


def build(project: Path, output: Path | None = None, cold: bool = False) -> dict[str, bytes] | list[str]:
    """The site as {path: bytes}, or the problems that refused it."""
    try:
        result = portalgen.build(project, output, use_cache=not cold, jobs=1)
    except ContentError as exc:
        return sorted(p.format() for p in exc.problems)
    return tree(result.output)


class EditAndRebuild(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(os.environ["PORTALGEN_PROPERTY_TMP"]) / f"run-{id(self)}"
        self.counter = 0
        self.changed: set[str] = set()

    @initialize()
    def make_portal(self) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        generate(self.root / "portal", 18, seed=3)
        self.project = self.root / "portal"
        self.content = self.project / "content"
        build(self.project)
        self.served = self.root / "served"
        self.session = Session(self.project, self.served, persist=False)
        self.session.run()

    # --- helpers -----------------------------------------------------------------------------

    def touched(self, *paths: Path) -> None:
        self.changed.update(str(p) for p in paths)

    def files(self, folder: str) -> list[Path]:
        return sorted((self.content / folder).rglob("*.md")) + sorted((self.content / folder).rglob("*.yaml"))

    def pick(self, folder: str, n: int) -> Path | None:
        found = self.files(folder)
        return found[n % len(found)] if found else None

    def edit(self, path: Path | None, old: str, new: str) -> None:
        if path is not None and path.exists():
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(old, new, 1) if old in text else text, encoding="utf-8")
            self.touched(path)

    def set_key(self, path: Path | None, key: str, value: str) -> None:
        """Set a front-matter key: replace its line, or add it after the opening '---'."""
        if path is None or not path.exists():
            return
        lines = path.read_text(encoding="utf-8").split("\n")
        yaml_file = path.suffix == ".yaml"
        for i, line in enumerate(lines):
            if line.startswith(f"{key}:"):
                lines[i] = f"{key}: {value}"
                break
        else:
            lines.insert(0 if yaml_file else 1, f"{key}: {value}")
        path.write_text("\n".join(lines), encoding="utf-8")
        self.touched(path)

    # --- content edits ---------------------------------------------------------------------------

    @rule(folder=st.sampled_from(["feedback", "decisions", "changes"]), n=st.integers(0, 99))
    def change_a_body(self, folder: str, n: int) -> None:
        path = self.pick(folder, n)
        if path is not None:
            path.write_text(path.read_text(encoding="utf-8") + f"\nMore words {self.counter}.\n", encoding="utf-8")
            self.touched(path)
            self.counter += 1

    @rule(folder=st.sampled_from(["feedback", "decisions", "changes"]), n=st.integers(0, 99))
    def retitle(self, folder: str, n: int) -> None:
        self.counter += 1
        self.set_key(self.pick(folder, n), "title", f'"Retitled {self.counter}"')

    @rule(n=st.integers(0, 99), tag=st.sampled_from(["exports", "mobile", "brand new theme"]))
    def add_feedback(self, n: int, tag: str) -> None:
        customer = self.pick("customers", n)
        if customer is None:
            return
        self.counter += 1
        self.touched(self.content / "feedback" / f"added-{self.counter}.md")
        (self.content / "feedback" / f"added-{self.counter}.md").write_text(
            f"---\ntitle: Added {self.counter}\ndate: 2025-0{1 + n % 9}-1{n % 9}\nfrom: [{customer.stem}]\n"
            f"tags: [{tag}]\n---\nSaid {self.counter}.\n", encoding="utf-8")

    @rule(n=st.integers(0, 99), outcome=st.sampled_from(["planned", "declined", "in-progress"]))
    def add_decision(self, n: int, outcome: str) -> None:
        item = self.pick("feedback", n)
        if item is None:
            return
        self.counter += 1
        self.touched(self.content / "decisions" / f"decided-{self.counter}.md")
        (self.content / "decisions" / f"decided-{self.counter}.md").write_text(
            f"---\ntitle: Decided {self.counter}\ndate: 2026-0{1 + n % 9}-2{n % 9}\nfeedback: [{item.stem}]\n"
            f"outcome: {outcome}\nworkaround: Use the API.\n---\nBecause {self.counter}.\n", encoding="utf-8")

    @rule(n=st.integers(0, 99))
    def add_change(self, n: int) -> None:
        item = self.pick("feedback", n)
        if item is None:
            return
        self.counter += 1
        self.touched(self.content / "changes" / f"shipped-{self.counter}.md")
        (self.content / "changes" / f"shipped-{self.counter}.md").write_text(
            f"---\ntitle: Shipped {self.counter}\ndate: 2026-10-0{1 + n % 9}\nversion: \"9.{n % 3}\"\n"
            f"feedback: [{item.stem}]\n---\nIt is done.\n", encoding="utf-8")

    @rule(folder=st.sampled_from(["feedback", "decisions", "changes", "customers"]), n=st.integers(0, 99))
    def delete(self, folder: str, n: int) -> None:
        path = self.pick(folder, n)
        if path is not None:
            path.unlink()
            self.touched(path)

    @rule(folder=st.sampled_from(["feedback", "decisions", "changes"]), n=st.integers(0, 99))
    def rename(self, folder: str, n: int) -> None:
        path = self.pick(folder, n)
        if path is not None:
            self.counter += 1
            path.rename(path.with_name(f"renamed-{self.counter}{path.suffix}"))
            self.touched(path, path.with_name(f"renamed-{self.counter}{path.suffix}"))

    @rule(folder=st.sampled_from(["feedback", "decisions", "changes"]), n=st.integers(0, 99), on=st.booleans())
    def toggle_draft(self, folder: str, n: int, on: bool) -> None:
        self.set_key(self.pick(folder, n), "draft", "true" if on else "false")

    @rule(folder=st.sampled_from(["feedback", "decisions", "changes"]), n=st.integers(0, 99), private=st.booleans())
    def toggle_private(self, folder: str, n: int, private: bool) -> None:
        self.set_key(self.pick(folder, n), "visibility", "private" if private else "public")

    @rule(n=st.integers(0, 99), outcome=st.sampled_from(["under-review", "planned", "in-progress", "declined"]))
    def change_outcome(self, n: int, outcome: str) -> None:
        """A status change: the items the decision answers move, if it is their latest word."""
        self.set_key(self.pick("decisions", n), "outcome", outcome)

    @rule(n=st.integers(0, 99), named=st.booleans())
    def customer_credit(self, n: int, named: bool) -> None:
        self.set_key(self.pick("customers", n), "credit", "named" if named else "anonymous")

    @rule(n=st.integers(0, 99))
    def customer_segment(self, n: int) -> None:
        self.set_key(self.pick("customers", n), "segment", ["Retail", "Energy", "Healthcare"][n % 3])

    @rule(title=st.sampled_from(["Board portal", "Our customers said", "Bench"]), stale=st.integers(1, 400),
          threshold=st.integers(1, 4))
    def portal_settings(self, title: str, stale: int, threshold: int) -> None:
        """anonymity_threshold moves anonymous credits between their segment and "other segments"."""
        path = self.content / "portal.yaml"
        self.set_key(path, "title", title)
        self.set_key(path, "stale_after_days", str(stale))
        self.set_key(path, "anonymity_threshold", str(threshold))

    # --- theme edits -----------------------------------------------------------------------------

    @rule(variant=st.integers(0, 2))
    def override_reading_model(self, variant: int) -> None:
        target = self.project / "templates" / "feedback.html"
        self.touched(target)
        if variant == 2:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(exist_ok=True)
        target.write_text(MODEL_TEMPLATE.replace("so far", "so far" if variant == 0 else "until now"),
                          encoding="utf-8")

    @rule(variant=st.integers(0, 1))
    def override_card_with_page_path(self, variant: int) -> None:
        target = self.project / "templates" / "macros.html"
        self.touched(target)
        if variant == 1:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(exist_ok=True)
        text = (BUILTIN / "macros.html").read_text(encoding="utf-8")
        target.write_text(text.replace('<li class="card" data-status', '<li class="card" data-page="{{ page_path }}" '
                                       "data-status", 1), encoding="utf-8")

    @rule(variant=st.integers(0, 2))
    def static_file(self, variant: int) -> None:
        target = self.project / "templates" / "static" / "extra.css"
        self.touched(target)
        if variant == 2:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"body {{ margin: {variant}px; }}\n", encoding="utf-8")

    # --- the property ----------------------------------------------------------------------------

    @invariant()
    def incremental_equals_cold(self) -> None:
        if not hasattr(self, "project"):
            return
        before = tree(self.project / "site")
        warm = build(self.project)
        cold = build(self.project, self.root / "cold", cold=True)
        if isinstance(cold, list):
            assert warm == cold, "an incremental build must refuse what a cold build refuses, with the same problems"
            assert tree(self.project / "site") == before, "a refused build must leave site/ as it was"
            assert self.serve() == cold, "the dev server's engine must refuse it too, with the same problems"
            return
        assert isinstance(warm, dict), f"the incremental build refused content the cold build accepted: {warm}"
        differ = sorted(k for k in warm.keys() | cold.keys() if warm.get(k) != cold.get(k))
        assert not differ, f"incremental differs from cold in {differ[:8]}"
        served = self.serve()
        assert isinstance(served, dict), f"the dev server's engine refused content the cold build accepted: {served}"
        differ = sorted(k for k in served.keys() | cold.keys() if served.get(k) != cold.get(k))
        assert not differ, f"the dev server's engine differs from cold in {differ[:8]}"
        shutil.rmtree(self.root / "cold")

    def serve(self) -> dict[str, bytes] | list[str]:
        """What the dev server's engine makes of the paths changed since its last run."""
        changed, self.changed = self.changed, set()
        try:
            self.session.run(changed)
        except ContentError as exc:
            return sorted(p.format() for p in exc.problems)
        return tree(self.served)


EditAndRebuild.TestCase.settings = settings(max_examples=4, stateful_step_count=8, deadline=None,
                                            suppress_health_check=list(HealthCheck))
TestEditAndRebuild = EditAndRebuild.TestCase


@pytest.fixture(autouse=True)
def _pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("PORTALGEN_PROPERTY_TMP", str(tmp_path))


@pytest.mark.slow
def test_many_more_edit_sequences(tmp_path: Path) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    # PORTALGEN_PROPERTY_EXAMPLES: fewer sequences when a run must fit a time box (60 take ~40 CPU minutes).
    examples = int(os.environ.get("PORTALGEN_PROPERTY_EXAMPLES", "60"))
    run_state_machine_as_test(EditAndRebuild, settings=settings(max_examples=examples, stateful_step_count=20,
                                                                deadline=None, suppress_health_check=list(HealthCheck)))
