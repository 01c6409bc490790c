"""JSON Schemas of the record files, for editors: completion, hover help and squiggles as you type.

Generated from the same declarations check reads (schema.py's Field tables, kinds.py's kinds), so an
editor suggests exactly the keys, choices and formats that `portalgen check` accepts. Draft-07,
because VS Code's YAML extension (yaml-language-server) supports JSON Schema 7 and below.

The schemas are written into the package (portalgen/schemas/, shipped in the wheel, checked by a test
against this generator) and by `portalgen init` into a project's .portalgen/schema/. They guide; they
do not replace `portalgen check`, which knows what a schema cannot say (references between records,
dates after the build date, placeholders, names of anonymous customers).

Regenerate the package's copies after changing the content schema:
    python -m portalgen.content.editor_schema portalgen/schemas
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from portalgen.content import kinds
from portalgen.content.fields import MAX_TAGS
from portalgen.content.schema import PERSON, PORTAL, URL_RE, Field
from portalgen.content.slugs import SLUG_RE

DRAFT = "http://json-schema.org/draft-07/schema#"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SLUG_PATTERN = f"^{SLUG_RE.pattern}$"
# A looser version of the checks in fields.py: an editor only needs to catch the obvious slip.
_EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


def schema_file(name: str) -> str:
    """The file name of one kind's schema ('portal' is portal.yaml)."""
    return f"{name}.schema.json"


def _plain(text: str) -> str:
    """Docs text without Markdown links and code marks: hover help shows it as plain text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return text.replace("`", "")


def _description(field: Field) -> str:
    meaning = field.doc or (field.help[:1].upper() + field.help[1:] if field.help else field.name)
    text = _plain(meaning).rstrip(".") + "."
    if field.choices:
        text += " One of: " + ", ".join(field.choices) + "."
    if field.required:
        return text + " Required."
    if field.default and field.default != "—":
        return text + f" Default: {_plain(field.default)}."
    return text


def _slug(target: str) -> dict[str, Any]:
    return {"type": "string", "pattern": SLUG_PATTERN,
            "description": f"A {target} slug: its file name without the extension (a-z, 0-9 and -)."}


def _one_or_list(item: dict[str, Any], required: bool) -> dict[str, Any]:
    """A list of items; `check` also takes one item without brackets."""
    listed: dict[str, Any] = {"type": "array", "items": item}
    if required:
        listed["minItems"] = 1
    return {"anyOf": [listed, item]}


# Field types whose schema does not depend on the field.
_FIXED: dict[str, dict[str, Any]] = {
    "date": {"type": "string", "pattern": DATE_PATTERN, "format": "date"},
    "tags": {"type": "array", "maxItems": MAX_TAGS,
             "items": {"type": ["string", "number"], "minLength": 1, "maxLength": 60}},
    "bool": {"type": "boolean"},
    "url": {"type": "string", "pattern": f"^{URL_RE.pattern}$", "format": "uri"},
    "contact": {"type": "string", "anyOf": [{"pattern": _EMAIL_PATTERN}, {"pattern": f"^{URL_RE.pattern}$"}]},
    "int": {"type": "integer", "minimum": 1, "maximum": 36500},
    "count": {"type": "integer", "minimum": 1},
    "language": {"type": "string", "pattern": _LANGUAGE_PATTERN},
    "any": {},  # private: anything at all
}


def _type(field: Field) -> dict[str, Any]:
    """The JSON Schema of one field's value, by its type in schema.py."""
    kind = field.type
    if kind in _FIXED:
        return dict(_FIXED[kind])
    if kind in ("text", "markdown"):
        # A number is taken as written (version: 4.4); fields.py refuses one YAML changed (4.10).
        return {"type": ["string", "number"], **({"minLength": 1} if field.required else {})}
    if kind == "slug":
        return _slug(field.target)
    if kind == "slugs":
        return _one_or_list(_slug(field.target), field.required)
    if kind == "texts":
        return _one_or_list({"type": ["string", "number"], "minLength": 1}, False)
    if kind == "choice":
        return {"type": "string", "enum": list(field.choices)}
    if kind == "people":
        return {"type": "array", "items": _object(PERSON, "A contact at the organisation.")}
    raise ValueError(f"no JSON Schema for the field type {kind!r} of '{field.name}'")


def _object(fields: tuple[Field, ...], description: str) -> dict[str, Any]:
    properties = {f.name: {"description": _description(f), **_type(f)} for f in fields}
    required = [f.name for f in fields if f.required]
    return {"type": "object", "description": description, "properties": properties,
            **({"required": required} if required else {}),
            # Unknown keys are a warning in check (an error with --strict): most are typos.
            "additionalProperties": False}


def _document(name: str, fields: tuple[Field, ...], description: str) -> dict[str, Any]:
    return {"$schema": DRAFT, "title": f"portalgen {name}", **_object(fields, description)}


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema, by file name: portal.yaml's and one per kind of record."""
    found = {schema_file("portal"): _document(
        "portal.yaml", PORTAL, "Site settings of a portalgen portal: content/portal.yaml.")}
    for kind in kinds.KINDS.values():
        where = "the front matter of a Markdown file"
        if ".yaml" in kind.suffixes:
            where = "a YAML file (or the front matter of a Markdown file)"
        found[schema_file(kind.name)] = _document(
            f"{kind.name} record", kind.fields,
            f"A {kind.name} record: {where} in content/{kind.folder}/. Anything under private: is never published.")
    return found


def schema_texts() -> dict[str, str]:
    """Every schema as the bytes written to disk: stable key order, one trailing newline."""
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in schemas().items()}


def write(folder: Path) -> list[Path]:
    """Write every schema into `folder` (made if missing); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m portalgen.content.editor_schema portalgen/schemas
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "portalgen/schemas")):
        print(path)
