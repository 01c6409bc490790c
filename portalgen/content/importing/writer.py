"""Turn a plan into files under content/: write what is new, update what an earlier import made,
leave alone what an editor has changed since (and say so), and never write a duplicate.

Every file is YAML made by PyYAML's safe dumper and read back before it is written: a title such as
`a: b\\n---\\nc: d` stays a title. A record is found again by `private.imported` (its source and
id), so its slug, made once from the title, never changes.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from portalgen.content.frontmatter import split_front_matter
from portalgen.content.importing.existing import BODY, SAFE_LOADER, Existing, Index, digest, index
from portalgen.content.importing.plan import Plan, Planned, Ref
from portalgen.content.importing.scrub import Scrubber
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problems, UsageError
from portalgen.content.slugs import MAX_SLUG, slugify


@dataclass
class Action:
    verb: str  # "write" (new), "update", "unchanged", "conflict" (only kept edits), "linked" (not ours)
    kind: str
    path: Path
    where: str
    text: str = ""
    changed: list[str] = field(default_factory=list)  # the fields updated
    conflicts: list[str] = field(default_factory=list)  # fields an editor changed and the export too
    draft: str = ""  # why this record is a draft the editor must finish


@dataclass
class Outcome:
    actions: list[Action] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def of(self, verb: str) -> list[Action]:
        return [a for a in self.actions if a.verb == verb]

    @property
    def drafts(self) -> list[Action]:
        return [a for a in self.actions if a.draft]  # still drafts, whether written now or before


def prepare(project: Path, made: Plan) -> Outcome:
    """What importing `made` into `project` would do; nothing is written."""
    found = index(project)
    if found.unreadable:
        raise UsageError("these imported records cannot be read, so importing again could duplicate them: "
                         + ", ".join(found.unreadable) + "; fix them first (portalgen check says how)")
    slugs = _slugs(project, made, found)
    outcome = Outcome(skipped=list(made.skipped))
    for planned in made.records:
        slug = slugs[(planned.kind, planned.key)]
        fields = {k: _resolve(v, slugs) for k, v in planned.fields.items()}
        values = {**fields, **{f"private.{k}": v for k, v in planned.private.items()}}
        if planned.kind != "customer":
            values[BODY] = planned.body
        old = found.by_key.get((planned.kind, planned.source, planned.key))
        linked = _organisation(planned, found) if old is None else None
        if linked is not None:
            outcome.actions.append(Action("linked", planned.kind, linked.path, planned.where))
        elif old is None:
            outcome.actions.append(_new(project, planned, slug, values))
        else:
            outcome.actions.append(_merge(old, planned, values))
    return outcome


def apply(outcome: Outcome) -> None:
    for action in outcome.actions:
        if action.verb in ("write", "update", "conflict"):
            _write(action.path, action.text, new=action.verb == "write")


def _slugs(project: Path, made: Plan, found: Index) -> dict[tuple[str, str], str]:
    """Each planned record's slug: the one an earlier import gave it, else one made from its title
    that no record of its kind uses."""
    taken = {kind: set(found.slugs.get(kind, ())) for kind in KINDS}
    slugs: dict[tuple[str, str], str] = {}
    guard: Scrubber | None = None
    for planned in made.records:  # customers come first
        old = found.by_key.get((planned.kind, planned.source, planned.key)) or _organisation(planned, found)
        if old is not None:
            slugs[(planned.kind, planned.key)] = old.slug
            continue
        base = slugify(planned.title)
        if planned.kind != "customer":
            # A slug is public, and a customer's slug may be an anonymous customer's protected name: a
            # title with no letters gets the same hash slug as an organisation of the same punctuation.
            guard = guard or Scrubber(taken["customer"])
            if guard(base) != base:
                base = f"{planned.kind}-{hashlib.sha256(planned.key.encode()).hexdigest()[:10]}"
        slug, n = base, 2
        while slug in taken[planned.kind] or (planned.kind != "customer" and slug in taken["customer"]):
            suffix = f"-{n}"
            slug = base[:MAX_SLUG - len(suffix)].rstrip("-") + suffix
            n += 1
        taken[planned.kind].add(slug)
        slugs[(planned.kind, planned.key)] = slug
    return slugs


def _organisation(planned: Planned, found: Index) -> Existing | None:
    """The customer already in content/ for an organisation of the export: the same company, whether
    another import or an editor made it. It is credited as it is and never changed."""
    if planned.kind != "customer" or not planned.key.startswith("org:"):
        return None
    return found.organisations.get(" ".join(str(planned.fields["name"]).casefold().split()))


def _resolve(value: Any, slugs: dict[tuple[str, str], str]) -> Any:
    if isinstance(value, Ref):
        return slugs[(value.kind, value.key)]
    if isinstance(value, list):
        return list(dict.fromkeys(_resolve(v, slugs) for v in value))
    return value


class _OneLine(dict[str, str]):
    """A mapping written on one line: the field hashes are for the import, not for the editor's eyes."""


class _Inline(list[Any]):
    """A list of slugs or tags, written as the content model's examples write them: `[a, b]`."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # LibYAML's, when there
    pass


_Dumper.add_representer(_OneLine, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data, flow_style=True))
_Dumper.add_representer(_Inline, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def _imported(planned: Planned, values: dict[str, Any]) -> dict[str, Any]:
    return {"source": planned.source, "id": planned.key,
            "hash": _OneLine({name: digest(v) for name, v in values.items() if v is not None})}


def _new(project: Path, planned: Planned, slug: str, values: dict[str, Any]) -> Action:
    kind = KINDS[planned.kind]
    path = project / "content" / kind.folder / f"{slug}{kind.suffixes[0]}"
    data = {k: v for k, v in values.items() if k != BODY and not k.startswith("private.")}
    data["private"] = {**planned.private, "imported": _imported(planned, values)}
    text = render(data, planned.body, markdown=path.suffix == ".md", where=planned.where)
    return Action("write", planned.kind, path, planned.where, text, draft=planned.draft_reason)


def _merge(old: Existing, planned: Planned, values: dict[str, Any]) -> Action:
    """Update the fields nobody edited since the last import; keep the edited ones, and report those
    the export changed too."""
    data = copy.deepcopy(old.data)
    found = data.get("private")
    private: dict[str, Any] = found if isinstance(found, dict) else {}
    body = old.body.strip()
    changed: list[str] = []
    conflicts: list[str] = []
    for name in dict.fromkeys([*values, *old.hashes]):
        new, current, last = values.get(name), old.value(name), old.hashes.get(name)
        if digest(current) == digest(new) or (new is None and last is None):
            continue
        edited = (current is not None) if last is None else digest(current) != last
        if edited:
            if last is None or digest(new) != last:
                conflicts.append(name)
            continue
        changed.append(name)
        if name == BODY:
            body = new or ""
        elif name.startswith("private."):
            _set(private, name[8:], new)
        else:
            _set(data, name, new)
    hashes = _imported(planned, values)
    verb = "update" if changed else "conflict" if conflicts else "unchanged"
    if hashes["hash"] != old.hashes and verb == "unchanged":
        verb = "update"  # the export changed back to what an editor wrote: remember it, quietly
    private["imported"] = {**(private.get("imported") or {}), **hashes}
    data["private"] = private
    text = "" if verb == "unchanged" else render(_ordered(old.kind, data), body, markdown=old.path.suffix == ".md",
                                                 where=planned.where)
    draft = planned.draft_reason if data.get("draft") is True else ""
    return Action(verb, old.kind, old.path, planned.where, text, changed, conflicts, draft)


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _ordered(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The kind's keys in schema order, then any others an editor added, `private` last."""
    order = [f.name for f in KINDS[kind].fields if f.name != "private"]
    keys = [k for k in order if k in data] + [k for k in data if k not in order and k != "private"]
    return {k: data[k] for k in keys} | ({"private": data["private"]} if "private" in data else {})


def render(data: dict[str, Any], body: str, markdown: bool, where: str = "") -> str:
    """The file's text, read back to prove that it holds exactly these keys and this body."""
    shown = {k: _Inline(v) if isinstance(v, list) and all(isinstance(i, str) for i in v) else v
             for k, v in data.items()}
    front = yaml.dump(shown, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                      default_flow_style=False)
    text = f"---\n{front}---\n{body.strip()}\n" if markdown else front
    if markdown:
        parts = split_front_matter(text, "import", Problems())
        back, _, body_back, _ = parts if parts else ("", 0, "", 0)
        ok = parts is not None and body_back.strip() == body.strip()
    else:
        back, ok = text, True
    if not ok or yaml.load(back, Loader=SAFE_LOADER) != data:
        raise UsageError(f"{where}: cannot write this record safely as YAML; please report it as a portalgen bug")
    return text


def _write(path: Path, text: str, new: bool) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.import-tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        if new and path.exists():
            temporary.unlink()
            raise UsageError(f"{path} appeared while importing; run the import again")
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
