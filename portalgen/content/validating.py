"""Turn raw records into typed records and a list of problems. Never raises for content errors."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portalgen.content import placeholders, project_checks
from portalgen.content.fields import read_fields
from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import BY_FOLDER, KINDS, Kind
from portalgen.content.loading import LoadResult
from portalgen.content.problems import Problem, Problems
from portalgen.content.records import Portal, Records
from portalgen.content.schema import PORTAL

# The value a record keeps for an optional key that is not set, by field type.
_EMPTY: dict[str, Any] = {"slugs": (), "tags": (), "texts": (), "people": (), "date": None, "int": None,
                          "count": None, "any": None}


def _portal(raw: RawRecord | None, problems: Problems) -> Portal:
    if raw is None:
        return Portal(title="Portal")
    v = read_fields(raw, PORTAL, problems)
    placeholders.report(raw, placeholders.find(raw, {}), True, problems)
    if v["base_url"] and not v["base_url"].endswith("/"):
        v["base_url"] += "/"
    given = {f.attribute: v[f.name] for f in PORTAL if v[f.name] not in (None, "")}
    return Portal(**{"title": "Portal", **given})


def _record(kind: Kind, raw: RawRecord, v: dict[str, Any], portal: Portal) -> Any:
    """The typed record: each kept key under its attribute, unset keys as their type's empty value."""
    values: dict[str, Any] = {}
    for f in kind.fields:
        values.update((attribute, derive(v[f.name])) for attribute, derive in f.also)
        if not f.attribute:
            continue  # private notes are never kept, only what `also` reads from them
        value = v[f.name]
        if f.convert is not None:
            value = f.convert(value)
        elif value is None:
            value = _EMPTY.get(f.type, "")
        values[f.attribute] = value
    if kind.name == "customer":
        values["name"] = values["name"] or raw.slug
        values["credit"] = values["credit"] or portal.credit_default
    else:
        values["line"] = raw.body_line
    return kind.record(slug=raw.slug, path=raw.path, body=raw.body.strip("\n"), **values)


def _required_missing(kind: Kind, v: dict[str, Any]) -> bool:
    """A record whose required keys are unreadable is left out (its problems are reported)."""
    return kind.name != "customer" and any(v[f.name] is None for f in kind.fields if f.required)


# One raw record checked on its own: (typed record or None, its problems). A long-running caller
# (the dev server) keeps these between builds, keyed by the raw record and the portal settings.
Checked = tuple[Any, list[Problem]]
Raws = dict[tuple[str, str], RawRecord]


@dataclass(frozen=True)
class Delta:
    """How one validation's records differ from the previous one's: only the records of `keys`
    ((kind, slug)) are other objects; every other record, and the portal, are the same."""

    base: Records
    now: Records
    keys: frozenset[tuple[str, str]]

    def between(self, old: Records | None, new: Records) -> frozenset[tuple[str, str]] | None:
        """The keys that differ between `old` and `new`, when this delta is about them."""
        return self.keys if self.base is old and self.now is new else None


@dataclass
class Made:
    """What a validation made of one load, to be patched when the next load only replaced records."""

    token: object  # LoadResult.token of the load
    loaded: list[RawRecord]
    records: Records
    raws: Raws
    found: dict[str, list[Problem]]  # each record file's own problems, for those that have any


@dataclass
class Memo:
    """Each raw record's own check, kept while the portal settings (which typed records use) stay."""

    portal: Portal | None = None
    checked: dict[int, tuple[RawRecord, Checked]] = field(default_factory=dict)
    project: project_checks.Memo = field(default_factory=project_checks.Memo)
    made: Made | None = None
    delta: Delta | None = None  # the last validation's records against the one's before, when patched
    # For a fresh process (the CLI), what an earlier one checked, from the build cache: the typed
    # records of files whose check found no problem, by "path\0text_key" (stored()), with the
    # digest of the portal settings they were made with. `texts`: each file's text_key now.
    stored: tuple[str, dict[str, tuple[Any, ...]]] = ("", {})
    texts: dict[str, str] = field(default_factory=dict)
    checked_now: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # what this process stored

    _digest: tuple[Portal | None, str] = (None, "")

    def portal_digest(self) -> str:
        """Of the portal settings `portal`: what `stored` is valid for."""
        if self._digest[0] is not self.portal:
            self._digest = (self.portal, settings_digest(self.portal))
        return self._digest[1]


def settings_digest(portal: Portal | None) -> str:
    """What typed records made under these portal settings are valid for (Memo.stored)."""
    return hashlib.sha256(repr(portal).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def early_checks(raw: RawRecord | None) -> tuple[str, functools.partial[tuple[Any, ...] | None]]:
    """Each record's own check, for the workers that parse the records (content/loading.py: checks),
    under the portal settings of `raw`: what a validation takes from Memo.stored instead of
    checking the record itself (15,000 records checked one after the other were most of a cold
    build's validation, with the other core idle). The settings are read here as validate() reads
    them; a check made under other ones is not taken (its digest differs)."""
    portal = _portal(raw, Problems())
    return settings_digest(portal), functools.partial(_early_check, portal)


def joined(stored: tuple[str, dict[str, Any]], made: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Memo.stored from a build cache's (`stored`) and the checks made as the records were parsed
    (`made`, LoadResult.checked): the cache's are kept when made under the same settings."""
    if not made[1]:
        return stored
    return made[0], ({**stored[1], **made[1]} if stored[0] == made[0] else made[1])


def _early_check(portal: Portal, raw: RawRecord) -> tuple[Any, ...] | None:
    """The stored form of a record's check (_stored()); None when it found a problem or cannot be stored."""
    kind = KINDS.get(raw.kind)
    if kind is None:
        return None
    record, problems = check_record(kind, raw, portal)
    return _stored(record) if record is not None and not problems else None


def _stored(record: Any) -> tuple[Any, ...] | None:
    """A typed record as plain data for the build cache (marshal), or None when it holds anything
    else than text, numbers, flags, dates and tuples of text. Its slug, path and body are the raw
    record's (None here): a body is not kept twice."""
    values: list[Any] = []
    dated = _dated(type(record))
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if name in ("slug", "path", "body"):
            value = None
        elif type(value) is date:
            if name not in dated:
                return None  # _restored() looks for dates only where a date is declared
            value = [value.toordinal()]  # a list: no record value is one
        elif not (type(value) in _PLAIN or (type(value) is tuple and all(type(v) is str for v in value))):
            return None
        values.append(value)
    return tuple(values)


def _restored(kind: Kind, raw: RawRecord, values: tuple[Any, ...]) -> Any:
    cls = kind.record
    names = _field_names(cls)
    if len(names) != len(values):
        return None
    # What the frozen dataclass's __init__ would set, field by field through object.__setattr__
    # (most of the cost of taking 15,000 records back): a record has no __post_init__ nor slots.
    record = object.__new__(cls)
    fields = record.__dict__
    fields.update(zip(names, values, strict=True))
    for name in _dated(cls):  # only fields declared as dates hold one (_stored())
        value = fields[name]
        if type(value) is list:
            fields[name] = date.fromordinal(value[0])
    fields["slug"], fields["path"], fields["body"] = raw.slug, raw.path, raw.body.strip("\n")
    return record


_PLAIN = (str, bool, int, float, type(None))


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_DATED: dict[type, tuple[str, ...]] = {}


def _dated(cls: type) -> tuple[str, ...]:
    """The fields of a record class declared to hold a date (`date` or `date | None`)."""
    names = _DATED.get(cls)
    if names is None:
        names = _DATED[cls] = tuple(f.name for f in dataclasses.fields(cls)
                                    if str(f.type).replace("dt.", "") in ("date", "date | None"))
    return names


def check_record(kind: Kind, raw: RawRecord, portal: Portal) -> Checked:
    """The rules one record obeys on its own: its keys, their types, its kind's rules."""
    problems = Problems()
    v = read_fields(raw, kind.fields, problems)
    if _required_missing(kind, v):
        return None, problems.items
    texts = {name: raw.body if name == "body" else v.get(name) or "" for name in kind.markdown}
    found = placeholders.find(raw, texts)
    reason = v["outcome"] if kind.name == "decision" and v["outcome"] in ("declined", "deferred") else ""
    placeholders.report(raw, found, placeholders.published(kind.name, v, portal.credit_default), problems, reason)
    _check_rules(kind, raw, v, problems, {f.field for f in found})
    return _record(kind, raw, v, portal), problems.items


def _checked(kind: Kind, raw: RawRecord, portal: Portal, memo: Memo | None) -> Checked:
    if memo is None:
        return check_record(kind, raw, portal)
    found = memo.checked.get(id(raw))
    if found is None or found[0] is not raw:
        found = memo.checked[id(raw)] = (raw, _check_stored(kind, raw, portal, memo))
    return found[1]


def _check_stored(kind: Kind, raw: RawRecord, portal: Portal, memo: Memo) -> Checked:
    """check_record(), or what an earlier process made of the same file's text (Memo.stored)."""
    text = memo.texts.get(raw.path) if memo.texts else None
    if text is None:
        return check_record(kind, raw, portal)
    entry = f"{raw.path}\0{text}"
    values = memo.stored[1].get(entry) if memo.stored[0] == memo.portal_digest() else None
    record = _restored(kind, raw, values) if values is not None else None
    if values is not None and record is not None:
        memo.checked_now[entry] = values
        return record, []
    record, problems = check_record(kind, raw, portal)
    if record is not None and not problems:
        values = _stored(record)
        if values is not None:
            memo.checked_now[entry] = values
    return record, problems


def validate(loaded: LoadResult, memo: Memo | None = None, today: date | None = None) -> tuple[Records, Problems]:
    """Check every rule of the content model; return typed records and all problems.

    With `memo`, a raw record (the same object as last time) is not checked on its own again, and
    a load that only put new records in the places of old ones (LoadResult.since) is checked by
    checking those records alone: what the others found is taken as it was (`memo.delta` then
    says which records changed). With `today` (the build date), nothing may be dated after it
    (content/dates.py).
    """
    problems = Problems()
    problems.extend(loaded.problems)
    portal = _portal(loaded.portal, problems)
    if memo is not None and memo.portal != portal:  # other settings: every record is checked again
        memo.portal, memo.checked, memo.made, memo.checked_now = portal, {}, None, {}
    before = memo.made if memo is not None else None
    patched = _patch(loaded, portal, memo) if memo is not None else None
    if patched is not None:
        made, keys = patched
    else:
        made, keys = _check_all(loaded, portal, memo), None
    for found in made.found.values():
        problems.extend(found)
    records = made.records
    # A file that could not be read still holds its slug: what refers to it is not wrong, the file is.
    claimed = {(BY_FOLDER[folder].name, slug) for folder, slug in loaded.problems.claimed() if folder in BY_FOLDER}
    since = (before.records, keys) if before is not None and keys is not None else None
    project_checks.check(records, made.raws, problems, claimed, today, memo.project if memo is not None else None,
                         since)
    if memo is not None:
        memo.delta = Delta(before.records, records, keys) if before is not None and keys is not None else None
        memo.made = made if made.token is not None else None
    if loaded.portal is not None and loaded.portal.data.get("base_url") in (None, ""):  # not a wrong one
        problems.warn(loaded.portal.path, None, "no base_url: sitemap.xml is skipped and the feed uses "
                      "relative links", "add base_url: https://where.the.site.is/")
    return records, problems


def _check_all(loaded: LoadResult, portal: Portal, memo: Memo | None) -> Made:
    """Every record of the load checked on its own (or taken from `memo`). The result can be
    patched later (its token is the load's) unless two files claim one slug."""
    tables: dict[str, dict[str, Any]] = {kind.name: {} for kind in KINDS.values()}
    paths: dict[tuple[str, str], str] = {}
    raws: Raws = {}
    found: dict[str, list[Problem]] = {}
    kept: dict[int, tuple[RawRecord, Checked]] = {}
    token: object | None = loaded.token
    for raw in loaded.records:
        key = (raw.kind, raw.slug)
        if key in paths:
            found.setdefault(raw.path, []).append(Problem(
                raw.path, None, f"{raw.kind} slug '{raw.slug}' is also used by {paths[key]}",
                "slugs are unique within a kind: rename one of the files"))
            token = None  # which file is the record depends on every other file: never patched
            continue
        paths[key] = raw.path
        raws[key] = raw
        record, problems = _checked(KINDS[raw.kind], raw, portal, memo)
        if memo is not None:
            kept[id(raw)] = (raw, (record, problems))
        if problems:
            found.setdefault(raw.path, []).extend(problems)
        if record is not None:
            tables[raw.kind][raw.slug] = record
    if memo is not None:
        memo.checked = kept  # what an edit replaced is let go
    records = Records(portal, **{kind.folder: tables[name] for name, kind in KINDS.items()})
    return Made(token, loaded.records, records, raws, found)


def _patch(loaded: LoadResult, portal: Portal, memo: Memo) -> tuple[Made, frozenset[tuple[str, str]]] | None:
    """The last validation with the records a patched load replaced checked again; None when the
    load is not a patch of the one validated last, or a record came or went (a table's order
    would change)."""
    last = memo.made
    if last is None or loaded.since is None or loaded.since[0] is not last.token:
        return None
    tables: dict[str, dict[str, Any]] = {}
    raws = dict(last.raws)
    found = dict(last.found)
    keys = []
    for place in loaded.since[1]:
        old, new = last.loaded[place], loaded.records[place]
        if (old.kind, old.slug, old.path) != (new.kind, new.slug, new.path):
            return None
        kind = KINDS[new.kind]
        record, problems = _checked(kind, new, portal, memo)
        if (record is None) != (kind.table(last.records).get(new.slug) is None):
            return None
        if record is not None:
            tables.setdefault(new.kind, dict(kind.table(last.records)))[new.slug] = record
        raws[new.kind, new.slug] = new
        found.pop(new.path, None)
        if problems:
            found[new.path] = problems
        keys.append((new.kind, new.slug))
        if memo.checked.get(id(old), (None,))[0] is old:
            del memo.checked[id(old)]  # replaced: let it go
    records = Records(portal, **{kind.folder: tables.get(name, kind.table(last.records))
                                 for name, kind in KINDS.items()})
    return Made(loaded.token, loaded.records, records, raws, found), frozenset(keys)


def _check_rules(kind: Kind, raw: RawRecord, v: dict[str, Any], problems: Problems, unfinished: set[str]) -> None:
    """The rules of one kind beyond the types of its keys. `unfinished`: the fields that hold a
    placeholder, reported already."""
    lists = {"feedback": ("from", "'from': must list at least one customer",
                          "add the slug of the customer who said it"),
             "decision": ("feedback", "'feedback': must list at least one item",
                          "add the slug of the feedback this decision answers")}
    if kind.name in lists:
        key, message, hint = lists[kind.name]
        if not v[key]:
            problems.error(raw.path, raw.key_lines.get(key), message, hint)
    if kind.name == "decision":
        _check_decision(raw, v, problems, "body" in unfinished)


def _check_decision(raw: RawRecord, v: dict[str, Any], problems: Problems, unfinished: bool) -> None:
    outcome = v["outcome"]
    empty = not unfinished and not _has_text(raw.body)  # a placeholder is reported as one, not also as empty
    if outcome in ("declined", "deferred") and empty:
        problems.error(raw.path, raw.body_line - 1 if raw.body_line > 1 else None,
                       f"a {outcome} decision needs its reasoning in the body",
                       "write below the front matter why we said "
                       + ("no" if outcome == "declined" else "not now")
                       + " — a No is never published without its reason")
    if outcome == "already-available" and empty:
        problems.warn(raw.path, None, "an already-available decision needs a body saying how to do it today",
                      "describe the steps below the front matter")
    if outcome == "deferred" and raw.data.get("revisit") is None:  # a wrong date is an error already
        problems.warn(raw.path, raw.key_lines.get("outcome"), "a deferred decision has no 'revisit' date",
                      "add revisit: YYYY-MM-DD, when we will look again")
    if outcome == "declined" and not v["workaround"]:
        problems.warn(raw.path, raw.key_lines.get("outcome"), "a declined decision has no 'workaround'",
                      "add workaround: what customers can do instead")


def _has_text(body: str) -> bool:
    return bool(re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL).strip())
