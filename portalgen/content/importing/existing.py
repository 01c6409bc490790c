"""What earlier imports made: every record in content/ that remembers where it came from.

An imported record keeps, under `private.imported`, its source, its id there and a short hash of
each field as the import last wrote it:

    private:
      imported: {source: github, id: "34", hash: {title: 9f2c…, body: 41aa…, …}}

`private:` is never published and never checked, so `check --strict` stays quiet about it. The
hashes tell a field an editor has changed since (its hash no longer matches) from one nobody
touched, which a newer export may update.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from portalgen.content.files import discover
from portalgen.content.frontmatter import split_front_matter
from portalgen.content.problems import Problems

BODY = "body"
# LibYAML's safe loader when PyYAML has it (it reads the same YAML, ten times faster), else PyYAML's.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Existing:
    kind: str
    path: Path
    slug: str
    data: dict[str, Any]  # the front matter (or the whole YAML of a customer), as read
    body: str
    source: str = ""
    id: str = ""
    hashes: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """A field by its name in the hash table: a key, "body", or "private.KEY"."""
        if name == BODY:
            return self.body.strip()
        if name.startswith("private."):
            private = self.data.get("private")
            return private.get(name[8:]) if isinstance(private, dict) else None
        return self.data.get(name)


def digest(value: Any) -> str:
    """A short hash of a value as YAML reads it back (a date hashes as its ISO text)."""
    if isinstance(value, str):
        value = value.strip()
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Index:
    by_key: dict[tuple[str, str, str], Existing] = field(default_factory=dict)  # (kind, source, id)
    slugs: dict[str, set[str]] = field(default_factory=dict)  # kind → every slug in use
    unreadable: list[str] = field(default_factory=list)  # imported-looking files we could not read
    organisations: dict[str, Existing] = field(default_factory=dict)  # a customer by its name, casefolded


def index(project: Path) -> Index:
    found = Index()
    content = project / "content"
    if not content.is_dir():
        return found
    for kind, path in discover(content, project, Problems()):
        found.slugs.setdefault(kind, set()).add(path.stem)
        record = _read(kind, path)
        if record is None:
            if _mentions_import(path):
                found.unreadable.append(path.relative_to(project).as_posix())
            continue
        if kind == "customer" and isinstance(record.data.get("name"), str):
            found.organisations.setdefault(" ".join(record.data["name"].casefold().split()), record)
        imported = record.data.get("private", {}).get("imported") if isinstance(record.data.get("private"), dict) \
            else None
        if not isinstance(imported, dict) or not imported.get("source") or imported.get("id") in (None, ""):
            continue
        record.source, record.id = str(imported["source"]), str(imported["id"])
        hashes = imported.get("hash")
        record.hashes = {str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {}
        found.by_key.setdefault((kind, record.source, record.id), record)
    return found


def _mentions_import(path: Path) -> bool:
    try:
        return b"imported:" in path.read_bytes()
    except OSError:
        return False


def _read(kind: str, path: Path) -> Existing | None:
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None
    if path.suffix in (".yaml", ".yml"):
        front, body = text, ""
    else:
        parts = split_front_matter(text, path.name, Problems())
        if parts is None:
            return None
        front, _, body, _ = parts
    try:
        data = yaml.load(front, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    return Existing(kind, path, path.stem, data, body)
