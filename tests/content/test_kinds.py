"""The registry of record kinds and the schema: one declaration per kind, which the record classes,
the docs and `portalgen new` cannot contradict."""

from __future__ import annotations

import dataclasses
import re

import pytest
from repo_paths import REPO

from portalgen.content import schema
from portalgen.content.kinds import BY_FOLDER, KINDS, find_kind
from portalgen.content.records import Portal

DOCS = REPO / "docs" / "content-model.md"
TABLES = {"portal": schema.PORTAL, "person": schema.PERSON,
          **{name: kind.fields for name, kind in KINDS.items()}}
# What a record knows about itself besides its keys: where it came from.
SOURCE_ATTRIBUTES = {"slug", "path", "body", "line"}
_TABLE = re.compile(r"<!-- fields: (\w+) [^>]*-->\n(.*?)\n<!-- /fields -->", re.DOTALL)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_record_class_holds_exactly_the_kept_keys(name: str) -> None:
    kind = KINDS[name]
    kept = {f.attribute for f in kind.fields if f.attribute} | {name for f in kind.fields for name, _ in f.also}
    attributes = {f.name for f in dataclasses.fields(kind.record)}
    assert kept <= attributes, f"{kind.record.__name__} lacks {sorted(kept - attributes)}"
    assert attributes - kept <= SOURCE_ATTRIBUTES, (
        f"{kind.record.__name__} has attributes no key fills: {sorted(attributes - kept - SOURCE_ATTRIBUTES)}")


def test_portal_settings_class_matches_the_schema() -> None:
    assert {f.attribute for f in schema.PORTAL} == {f.name for f in dataclasses.fields(Portal)}


def test_private_keys_are_never_kept() -> None:
    """Private notes never reach a record, except a customer's e-mail addresses (where its news
    goes; the output guard protects their domains)."""
    for name, fields in TABLES.items():
        for f in fields:
            if f.name == "private":
                assert f.attribute == ("emails" if name == "customer" else ""), "private notes must not reach a record"
    private = next(f for f in schema.CUSTOMER if f.name == "private")
    assert private.convert is not None
    assert private.convert({"notes": "call Ana", "email": "Ana <ana@globex.example>",
                            "more": [{"cc": "b@globex.example"}]}) == ("ana@globex.example", "b@globex.example")


def test_references_name_registered_kinds() -> None:
    for kind in KINDS.values():
        for f in kind.references:
            assert f.target in KINDS, f"{kind.name}.{f.name} names an unknown kind {f.target!r}"
            assert f.type in ("slug", "slugs")


def test_kinds_are_found_by_name_or_folder() -> None:
    for kind in KINDS.values():
        assert find_kind(kind.name) is kind and find_kind(kind.folder.upper()) is kind
    assert find_kind("nonsense") is None
    assert set(BY_FOLDER) == {"customers", "feedback", "decisions", "changes"}


def test_docs_tables_are_generated_from_the_schema(request: pytest.FixtureRequest) -> None:
    """docs/content-model.md shows each kind's keys as the schema declares them.

    After a reviewed schema change: ./scripts/test tests/content/test_kinds.py --update-golden
    """
    text = DOCS.read_text(encoding="utf-8")
    found = dict(_TABLE.findall(text))
    assert set(found) == set(TABLES), f"docs tables: {sorted(found)}; schema tables: {sorted(TABLES)}"
    if request.config.getoption("--update-golden"):
        updated = _TABLE.sub(lambda m: m[0].replace(m[2], schema.docs_table(TABLES[m[1]])), text)
        DOCS.write_text(updated, encoding="utf-8")
        return
    for name, table in found.items():
        assert table == schema.docs_table(TABLES[name]), (
            f"the '{name}' table in docs/content-model.md differs from the schema; "
            "run ./scripts/test tests/content/test_kinds.py --update-golden and review the diff")
