"""The JSON Schemas for editors: generated from the content schema, shipped, and true to the example portal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from repo_paths import REPO

from portalgen.content import editor_schema, kinds
from portalgen.content.frontmatter import split_front_matter
from portalgen.content.problems import Problems
from portalgen.content.schema import OUTCOMES, PRIORITIES

SHIPPED = REPO / "portalgen" / "schemas"
EXAMPLE = REPO / "content"


def _as_editors_read(value: Any) -> Any:
    """A YAML value as the editor's YAML 1.2 parser sees it: a date is a string there."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_editors_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editors_read(v) for v in value]
    return value


def _data(path: Path) -> Any:
    text = path.read_text("utf-8")
    if path.suffix == ".md":
        split = split_front_matter(text, path.name, Problems())
        assert split is not None, path
        text = split[0]
    return _as_editors_read(yaml.safe_load(text))


def _validator(name: str) -> jsonschema.Draft7Validator:
    schema = editor_schema.schemas()[editor_schema.schema_file(name)]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _errors(name: str, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(name).iter_errors(data)]


def test_shipped_schemas_match_the_generator() -> None:
    shipped = {p.name: p.read_text("utf-8") for p in SHIPPED.glob("*.json")}
    assert shipped == editor_schema.schema_texts(), (
        "portalgen/schemas/ is out of date with the content schema: "
        "run python -m portalgen.content.editor_schema portalgen/schemas and commit the result")


def test_one_draft_07_schema_per_kind_and_portal() -> None:
    found = editor_schema.schemas()
    assert set(found) == {f"{n}.schema.json" for n in ("portal", *kinds.KINDS)}
    for schema in found.values():
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(schema)


def test_every_declared_key_is_in_its_schema_with_its_requirement() -> None:
    for kind in kinds.KINDS.values():
        schema = editor_schema.schemas()[f"{kind.name}.schema.json"]
        assert list(schema["properties"]) == [f.name for f in kind.fields]
        assert schema.get("required", []) == [f.name for f in kind.fields if f.required]
        assert schema["additionalProperties"] is False
        for field in kind.fields:
            assert schema["properties"][field.name]["description"], field.name


def test_choices_slugs_and_dates_are_spelt_out() -> None:
    decision = editor_schema.schemas()["decision.schema.json"]["properties"]
    assert decision["outcome"]["enum"] == list(OUTCOMES)
    assert decision["priority"]["enum"] == list(PRIORITIES)
    assert "declined" in decision["outcome"]["description"]
    assert decision["date"]["pattern"] == r"^\d{4}-\d{2}-\d{2}$"
    feedback = editor_schema.schemas()["feedback.schema.json"]["properties"]
    assert feedback["duplicate_of"]["pattern"] == "^[a-z0-9][a-z0-9-]{0,79}$"
    assert feedback["private"] == {"description": feedback["private"]["description"]}  # anything at all


EXAMPLE_FILES = sorted(p for p in EXAMPLE.rglob("*") if p.suffix in (".md", ".yaml", ".yml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.relative_to(EXAMPLE).as_posix())
def test_the_example_portal_validates(path: Path) -> None:
    rel = path.relative_to(EXAMPLE)
    name = "portal" if rel.as_posix() == "portal.yaml" else kinds.BY_FOLDER[rel.parts[0]].name
    assert _errors(name, _data(path)) == []


def test_the_example_portal_has_every_kind() -> None:
    folders = {p.relative_to(EXAMPLE).parts[0] for p in EXAMPLE_FILES}
    assert folders == {"portal.yaml", *(k.folder for k in kinds.KINDS.values())}


def _example(folder: str) -> dict[str, Any]:
    first = next(p for p in EXAMPLE_FILES if p.relative_to(EXAMPLE).parts[0] == folder)
    data = _data(first)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("kind", "change", "complaint"), [
    ("decision", {"outcome": "rejected"}, "outcome: 'rejected' is not one of"),
    ("decision", {"outcome": None}, "'outcome' is a required property"),
    ("decision", {"priority": "high"}, "priority: 'high' is not one of"),
    ("decision", {"title": None}, "'title' is a required property"),
    ("feedback", {"title": None}, "'title' is a required property"),
    ("feedback", {"date": "31/03/2026"}, "date: '31/03/2026' does not match"),
    ("feedback", {"from": []}, "from: [] is not valid"),
    ("feedback", {"from": ["Acme Health"]}, "from: ['Acme Health'] is not valid"),
    ("feedback", {"tags": "exports"}, "tags: 'exports' is not of type 'array'"),
    ("feedback", {"tags": [f"t{i}" for i in range(21)]}, "is too long"),
    ("feedback", {"titel": "typo"}, "Additional properties are not allowed ('titel' was unexpected)"),
    ("change", {"draft": "yes"}, "draft: 'yes' is not of type 'boolean'"),
    ("customers", {"credit": "public"}, "credit: 'public' is not one of"),
    ("customers", {"people": [{"role": "CTO"}]}, "people/0: 'name' is a required property"),
    ("portal", {"stale_after_days": 0}, "stale_after_days: 0 is less than the minimum of 1"),
    ("portal", {"base_url": "example.com"}, "base_url: 'example.com' does not match"),
])
def test_wrong_values_fail(kind: str, change: dict[str, Any], complaint: str) -> None:
    folder = {"decision": "decisions", "feedback": "feedback", "change": "changes"}.get(kind, kind)
    data = _data(EXAMPLE / "portal.yaml") if kind == "portal" else _example(folder)
    for key, value in change.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    name = "customer" if kind == "customers" else kind
    errors = _errors(name, data)
    assert any(complaint in e for e in errors), errors


def test_private_takes_anything() -> None:
    data = _example("customers")
    data["private"] = {"email": ["a@b.example"], "weight": 120000, "notes": [{"any": {"thing": True}}]}
    assert _errors("customer", data) == []


def test_schema_texts_are_json_and_end_with_a_newline() -> None:
    for name, text in editor_schema.schema_texts().items():
        assert text.endswith("}\n"), name
        assert json.loads(text) == editor_schema.schemas()[name]
