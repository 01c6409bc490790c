"""The kinds of record, registered once: folder, file suffixes, fields, the record class, Markdown fields.

Discovery, validation, reference checks, the Markdown step, the URL scheme, `portalgen new` and
the docs all look a kind up here instead of keeping their own list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from portalgen.content import records, schema
from portalgen.content.schema import Field


@dataclass(frozen=True)
class Kind:
    name: str  # as messages and `portalgen new` say it: "feedback", "decision"
    folder: str  # under content/, in the published site, and the Records attribute that holds them
    fields: tuple[Field, ...]
    record: type[Any]  # the dataclass validation builds
    suffixes: tuple[str, ...] = (".md",)
    markdown: tuple[str, ...] = ("body",)  # attributes rendered from Markdown when published
    prompt: str = ""  # what `portalgen new` puts in the body for the author to replace

    @functools.cached_property
    def references(self) -> tuple[Field, ...]:
        """The keys that name other records."""
        return tuple(f for f in self.fields if f.target)

    def table(self, content: records.Records) -> dict[str, Any]:
        """This kind's records, by slug."""
        found: dict[str, Any] = getattr(content, self.folder)
        return found


CUSTOMER = Kind("customer", "customers", schema.CUSTOMER, records.Customer, (".yaml", ".yml", ".md"))
FEEDBACK = Kind("feedback", "feedback", schema.FEEDBACK, records.Feedback, prompt=(
    "<!-- What did the customer say, and what is the problem behind it? Write it here, in Markdown. -->"))
DECISION = Kind("decision", "decisions", schema.DECISION, records.Decision, markdown=("body", "workaround"),
                prompt="<!-- Why we decided this, in words the customer will understand. -->")
CHANGE = Kind("change", "changes", schema.CHANGE, records.Change,
              prompt="<!-- What changed, in the customers' terms. -->")

KINDS: dict[str, Kind] = {k.name: k for k in (CUSTOMER, FEEDBACK, DECISION, CHANGE)}
BY_FOLDER: dict[str, Kind] = {k.folder: k for k in KINDS.values()}


def find_kind(word: str) -> Kind | None:
    """A kind by its name or its folder name, as people type it: 'decision', 'Decisions'."""
    word = word.strip().lower()
    return KINDS.get(word) or BY_FOLDER.get(word)
