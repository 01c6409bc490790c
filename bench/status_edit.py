"""The edits the save-to-page benchmark makes: a feedback body, and a decision's outcome.

A status edit changes the `outcome:` line of one decision, alternating between two outcomes, so
the status of a feedback item it answers changes with every save; the item's page then shows the
new status in its status panel (`class="status-panel status-<outcome>"` in templates/feedback.html).

The decision and the item are picked deterministically from the portal's front matter (any
portal: bench/generate.py's, serve_latency.py's own, the example): a published decision that is
the latest word on a published item no change answers and no duplicate links to, so the item's
status is that decision's outcome. planned ↔ in-progress is preferred; bench/generate.py has every
planned and in-progress decision delivered by a change (those items show "Shipped" whatever the
outcome), so there it is under-review ↔ planned.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


# (outcome now, the outcome the edit alternates with), in order of preference
SWAPS = {"planned": "in-progress", "in-progress": "planned", "under-review": "planned"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_OUTCOME = re.compile(r"^outcome:.*$", re.MULTILINE)


@dataclass(frozen=True)
class BodyEdit:
    """Append a paragraph with a new marker to a feedback item's body."""

    path: Path
    url_path: str  # the item's page: "/feedback/x/"
    kind: str = "feedback body"

    def ready(self, page: str) -> bool:
        return "</html>" in page

    def text(self, original: str, i: int) -> str:
        return original.rstrip("\n") + f"\n\nEdited: {self._marker(i)}.\n"

    def shown(self, page: str, i: int) -> bool:
        return self._marker(i) in page

    @staticmethod
    def _marker(i: int) -> str:
        return f"BENCH-EDIT-{i:03d}"


@dataclass(frozen=True)
class StatusEdit:
    """Switch a decision's outcome; the page of an item it answers shows the item's new status."""

    path: Path  # the decision's file
    url_path: str  # the page of a feedback item whose status the decision sets
    outcomes: tuple[str, str]  # the outcome in the file, the one it alternates with
    kind: str = "status change"

    def outcome(self, i: int) -> str:
        """The outcome edit `i` writes: the other one, then back, and so on."""
        return self.outcomes[(i + 1) % 2]

    def ready(self, page: str) -> bool:
        """Before the first edit, the page shows the status the decision's file gives."""
        return shows_status(page, self.outcomes[0])

    def text(self, original: str, i: int) -> str:
        return _OUTCOME.sub(f"outcome: {self.outcome(i)}", original, count=1)

    def shown(self, page: str, i: int) -> bool:
        return shows_status(page, self.outcome(i))


def shows_status(page: str, outcome: str) -> bool:
    """Whether a feedback item's page shows `outcome` as the item's status: its status panel's class
    (the words beside the badge depend on the status: no headline repeats its badge)."""
    return f'status-panel status-{outcome}"' in page


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8")
    if not text.startswith("---"):
        return {}
    end = _END.search(text, 3)
    data = yaml.load(text[3 : end.start() if end else len(text)], Loader=_LOADER)
    return data if isinstance(data, dict) else {}


def _published(data: dict[str, Any]) -> bool:
    return not data.get("draft") and data.get("visibility", "public") != "private"


def _slugs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or ()]


def _records(folder: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Published records of one kind, by slug (the file name)."""
    found = {}
    for path in sorted(folder.rglob("*.md")):
        data = front_matter(path)
        if _published(data):
            found[path.stem] = (path, data)
    return found


def _duplicated(feedback: Path) -> set[str]:
    """Items on either end of a duplicate_of link (they share a status with others)."""
    linked = set()
    for path in feedback.rglob("*.md"):
        if "duplicate_of" in path.read_text("utf-8"):  # cheap test first; parse only those
            target = front_matter(path).get("duplicate_of")
            if target:
                linked.update((path.stem, str(target)))
    return linked


def _latest_decisions(decisions: dict[str, tuple[Path, dict[str, Any]]]) -> dict[str, str]:
    """item slug -> slug of the latest decision on it (by date, then slug, as portalgen orders them)."""
    latest: dict[str, tuple[str, str]] = {}
    for slug, (_, data) in decisions.items():
        for item in _slugs(data.get("feedback")):
            key = (str(data.get("date")), slug)
            latest[item] = max(latest.get(item, key), key)
    return {item: slug for item, (_, slug) in latest.items()}


def _answered_by_changes(content: Path, decisions: dict[str, tuple[Path, dict[str, Any]]]) -> set[str]:
    answered: set[str] = set()
    for _, data in _records(content / "changes").values():
        answered.update(_slugs(data.get("feedback")))
        for delivered in _slugs(data.get("decisions")):
            if delivered in decisions:
                answered.update(_slugs(decisions[delivered][1].get("feedback")))
    return answered


def pick_status_edit(project: Path) -> StatusEdit | None:
    """The decision (and one item it answers) whose outcome is the item's status; None if there is none."""
    content = project / "content"
    decisions = _records(content / "decisions")
    excluded = _answered_by_changes(content, decisions) | _duplicated(content / "feedback")
    candidates: dict[str, list[tuple[str, str]]] = {outcome: [] for outcome in SWAPS}
    for item, slug in sorted(_latest_decisions(decisions).items()):
        outcome = str(decisions[slug][1].get("outcome"))
        if outcome in SWAPS and item not in excluded:
            candidates[outcome].append((slug, item))
    for outcome, found in candidates.items():
        for slug, item in found[len(found) // 2 :] + found[: len(found) // 2]:  # from the middle
            files = list((content / "feedback").rglob(f"{item}.md"))
            if len(files) == 1 and _published(front_matter(files[0])):
                return StatusEdit(decisions[slug][0], f"/feedback/{item}/", (outcome, SWAPS[outcome]))
    return None


def pick_body_edit(project: Path) -> BodyEdit:
    """The middle feedback file in path order, as run.py has always edited."""
    files = sorted((project / "content" / "feedback").rglob("*.md"))
    target = files[len(files) // 2]
    return BodyEdit(target, f"/feedback/{target.stem}/")
