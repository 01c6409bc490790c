"""Turn raw records into typed records and a list of problems. Never raises for content errors."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any

from portalgen.content.loading import LoadResult, RawRecord, strip_controls
from portalgen.content.problems import Problems
from portalgen.content.records import Change, Customer, Decision, Feedback, Person, Portal, Records
from portalgen.content.schema import FOLDERS, PERSON, SCHEMAS, Field
from portalgen.content.slugs import SLUG_RE

_LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MISSING = object()


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class _Reader:
    """Reads the fields of one raw record, recording problems with file and line."""

    def __init__(self, raw: RawRecord, problems: Problems, where: str = ""):
        self.raw = raw
        self.problems = problems
        self.where = where  # e.g. "people[2]." for nested mappings

    def line(self, key: str) -> int | None:
        return self.raw.key_lines.get(key) if not self.where else self.raw.key_lines.get("people")

    def error(self, key: str, message: str, hint: str) -> None:
        self.problems.error(self.raw.path, self.line(key), f"'{self.where}{key}': {message}", hint)

    def unknown_keys(self, data: dict[str, Any], fields: tuple[Field, ...]) -> None:
        names = [f.name for f in fields]
        for key in data:
            if key not in names:
                guess = did_you_mean(key, names)
                hint = f"{guess} " if guess else ""
                hint += "known keys: " + ", ".join(names)
                self.problems.warn(self.raw.path, self.line(key), f"unknown key '{self.where}{key}'", hint)

    def read(self, data: dict[str, Any], field: Field) -> Any:
        value = data.get(field.name, _MISSING)
        if value is _MISSING or value is None:
            if field.required:
                self.error(field.name, "is required", f"add '{field.name}:' ({field.help or field.type})")
            return None
        reader = getattr(self, "_" + field.type)
        return reader(field, value)

    # One method per field type; each returns the converted value or None after an error.
    def _text(self, field: Field, value: Any) -> str | None:
        if isinstance(value, bool):
            self.error(field.name, f"YAML read this as the boolean {str(value).lower()}",
                       f"quote the text: {field.name}: \"...\"")
            return None
        if isinstance(value, (int, float, date)):
            value = value.isoformat() if isinstance(value, date) else str(value)
        if not isinstance(value, str):
            self.error(field.name, f"must be text, not a {_kind(value)}", f"write {field.name}: \"...\"")
            return None
        value = strip_controls(value).strip()
        if field.required and not value:
            self.error(field.name, "is empty", f"write the {field.name}")
            return None
        return value

    _markdown = _text

    def _date(self, field: Field, value: Any) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                    return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(field.name, f"{value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2026-03-31")
        return None

    def _slug(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
            self.error(field.name, f"{value!r} is not a slug",
                       "use the other record's file name without extension, e.g. dark-mode")
            return None
        return value

    def _slugs(self, field: Field, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(field.name, f"must be a list of slugs, not a {_kind(value)}",
                       f"write {field.name}: [first-slug, second-slug]")
            return None
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not SLUG_RE.fullmatch(item):
                self.error(field.name, f"{item!r} is not a slug",
                           "use record file names without extension, e.g. acme-health")
                continue
            if item in out:
                self.problems.warn(self.raw.path, self.line(field.name),
                                   f"'{field.name}' lists '{item}' twice", "remove the repeat")
                continue
            out.append(item)
        if field.required and not out and value == []:
            self.error(field.name, "must list at least one slug", f"add a slug to {field.name}")
            return None
        return tuple(out)

    def _tags(self, field: Field, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, str):
            self.error(field.name, "must be a list", f"write {field.name}: [{value}]")
            return None
        if not isinstance(value, list):
            self.error(field.name, f"must be a list of text, not a {_kind(value)}",
                       f"write {field.name}: [exports, dashboards]")
            return None
        out: list[str] = []
        for item in value:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            text = " ".join(strip_controls(item).split()) if isinstance(item, str) else ""
            if not text:
                self.error(field.name, f"{item!r} is not a tag", "each tag is a short piece of text")
                continue
            if len(text) > 60:
                self.error(field.name, f"tag '{text[:30]}…' is longer than 60 characters",
                           "tags are short themes, like 'exports'")
                continue
            if text not in out:
                out.append(text)
        return tuple(out)

    def _bool(self, field: Field, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.error(field.name, f"must be true or false, not {value!r}", f"write {field.name}: true")
            return None
        return value

    def _choice(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or value not in field.choices:
            guess = did_you_mean(str(value), field.choices) if isinstance(value, str) else ""
            hint = (guess + " " if guess else "") + "one of: " + ", ".join(field.choices)
            self.error(field.name, f"{value!r} is not allowed", hint)
            return None
        return value

    def _url(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value.strip()):
            self.error(field.name, f"{value!r} is not an absolute http(s) URL",
                       "write it like https://example.com/")
            return None
        return value.strip()

    def _contact(self, field: Field, value: Any) -> str | None:
        if isinstance(value, str) and _EMAIL_RE.fullmatch(value.strip()):
            return value.strip()
        return self._url(field, value)

    def _language(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not _LANG_RE.fullmatch(value):
            self.error(field.name, f"{value!r} is not a BCP 47 language tag", "e.g. en, en-GB, de")
            return None
        return value

    def _int(self, field: Field, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 36500:
            self.error(field.name, f"{value!r} is not a positive whole number of days", f"e.g. {field.name}: 30")
            return None
        return value

    def _any(self, field: Field, value: Any) -> Any:
        return None  # private data is checked for nothing and kept nowhere

    def _people(self, field: Field, value: Any) -> tuple[Person, ...] | None:
        if not isinstance(value, list):
            self.error(field.name, f"must be a list, not a {_kind(value)}",
                       "write people: [{name: Ana Ruiz, role: CTO, credit: named}]")
            return None
        people: list[Person] = []
        for i, item in enumerate(value, 1):
            sub = _Reader(self.raw, self.problems, f"people[{i}].")
            if not isinstance(item, dict):
                sub.error("name", f"must be a mapping, not a {_kind(item)}",
                          "write {name: Ana Ruiz, role: CTO, credit: named}")
                continue
            sub.unknown_keys(item, PERSON)
            name, role, credit = (sub.read(item, f) for f in PERSON)
            if name:
                # Consent is explicit: a person without credit: named is never published.
                people.append(Person(name, role or "", credit or "anonymous"))
        return tuple(people)


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "text", bool: "boolean", int: "number",
            float: "number"}.get(type(value), type(value).__name__)


def _fields(raw: RawRecord, problems: Problems) -> dict[str, Any]:
    schema = SCHEMAS[raw.kind]
    reader = _Reader(raw, problems)
    reader.unknown_keys(raw.data, schema)
    return {f.name: reader.read(raw.data, f) for f in schema}


def _portal(raw: RawRecord | None, problems: Problems) -> Portal:
    if raw is None:
        return Portal(title="Portal")
    v = _fields(raw, problems)
    base_url = v["base_url"]
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    return Portal(
        title=v["title"] or "Portal", base_url=base_url, description=v["description"] or "",
        product=v["product"] or "", contact=v["contact"] or "", language=v["language"] or "en",
        credit_default=v["credit_default"] or "anonymous", stale_after_days=v["stale_after_days"] or 30,
    )


def _published(v: dict[str, Any]) -> tuple[bool, bool]:
    return bool(v["draft"]), (v["visibility"] or "public") == "public"


def _line(raw: RawRecord, key: str) -> int | None:
    return raw.key_lines.get(key)


def validate(loaded: LoadResult) -> tuple[Records, Problems]:
    """Check every rule of the content model; return typed records and all problems."""
    problems = Problems()
    problems.extend(loaded.problems)
    portal = _portal(loaded.portal, problems)
    customers: dict[str, Customer] = {}
    feedback: dict[str, Feedback] = {}
    decisions: dict[str, Decision] = {}
    changes: dict[str, Change] = {}
    paths: dict[tuple[str, str], str] = {}
    raws: dict[tuple[str, str], RawRecord] = {}

    for raw in loaded.records:
        key = (raw.kind, raw.slug)
        if key in paths:
            problems.error(raw.path, None, f"{raw.kind} slug '{raw.slug}' is also used by {paths[key]}",
                           "slugs are unique within a kind: rename one of the files")
            continue
        paths[key] = raw.path
        raws[key] = raw
        v = _fields(raw, problems)
        body = raw.body.strip("\n")
        if raw.kind == "customer":
            customers[raw.slug] = Customer(
                raw.slug, raw.path, v["name"] or raw.slug, v["segment"] or "",
                v["credit"] or portal.credit_default, v["url"] or "", v["joined"], v["people"] or (), body)
        elif raw.kind == "feedback":
            if None in (v["title"], v["date"], v["from"]):
                continue
            if not v["from"]:
                problems.error(raw.path, _line(raw, "from"), "'from': must list at least one customer",
                               "add the slug of the customer who said it")
            draft, public = _published(v)
            feedback[raw.slug] = Feedback(
                raw.slug, raw.path, v["title"], v["date"], v["from"], v["source"] or "", v["tags"] or (),
                v["quote"] or "", v["duplicate_of"] or "", draft, public, body, raw.body_line)
        elif raw.kind == "decision":
            if None in (v["title"], v["date"], v["feedback"], v["outcome"]):
                continue
            if not v["feedback"]:
                problems.error(raw.path, _line(raw, "feedback"), "'feedback': must list at least one item",
                               "add the slug of the feedback this decision answers")
            _check_decision(raw, v, body, problems)
            draft, public = _published(v)
            decisions[raw.slug] = Decision(
                raw.slug, raw.path, v["title"], v["date"], v["feedback"], v["outcome"], v["priority"] or "",
                v["workaround"] or "", v["revisit"], draft, public, body, raw.body_line)
        elif raw.kind == "change":
            if None in (v["title"], v["date"]):
                continue
            draft, public = _published(v)
            changes[raw.slug] = Change(
                raw.slug, raw.path, v["title"], v["date"], v["version"] or "", v["decisions"] or (),
                v["feedback"] or (), draft, public, body, raw.body_line)

    records = Records(portal, customers, feedback, decisions, changes)
    _check_references(records, raws, problems)
    if loaded.portal is not None and not portal.base_url:
        problems.warn(loaded.portal.path, None, "no base_url: sitemap.xml is skipped and the feed uses "
                      "relative links", "add base_url: https://where.the.site.is/")
    return records, problems


def _check_decision(raw: RawRecord, v: dict[str, Any], body: str, problems: Problems) -> None:
    outcome = v["outcome"]
    if outcome in ("declined", "deferred") and not _has_text(body):
        problems.error(raw.path, raw.body_line - 1 if raw.body_line > 1 else None,
                       f"a {outcome} decision needs its reasoning in the body",
                       "write below the front matter why we said "
                       + ("no" if outcome == "declined" else "not now")
                       + " — a No is never published without its reason")
    if outcome == "already-available" and not _has_text(body):
        problems.warn(raw.path, None, "an already-available decision needs a body saying how to do it today",
                       "describe the steps below the front matter")
    if outcome == "deferred" and v["revisit"] is None:
        problems.warn(raw.path, _line(raw, "outcome"), "a deferred decision has no 'revisit' date",
                      "add revisit: YYYY-MM-DD, when we will look again")
    if outcome == "declined" and not v["workaround"]:
        problems.warn(raw.path, _line(raw, "outcome"), "a declined decision has no 'workaround'",
                      "add workaround: what customers can do instead")


def _has_text(body: str) -> bool:
    return bool(re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL).strip())


def unknown_reference(key: str, kind: str, slug: str, known: set[str]) -> tuple[str, str]:
    """Message and fix for a reference to a record that does not exist (shared with `new`)."""
    guess = did_you_mean(slug, sorted(known))
    ext = "yaml" if kind == "customer" else "md"
    return (f"'{key}': no {kind} '{slug}'",
            (guess + " " if guess else "") + f"create content/{FOLDERS[kind]}/{slug}.{ext} or fix the slug")


def _check_references(records: Records, raws: dict[tuple[str, str], RawRecord], problems: Problems) -> None:
    targets = {"customer": records.customers, "feedback": records.feedback,
               "decision": records.decisions, "change": records.changes}
    known = {kind: {slug for (k, slug) in raws if k == kind} for kind in targets}

    def check(raw: RawRecord, key: str, kind: str, slugs: tuple[str, ...], source_public: bool) -> None:
        for slug in slugs:
            if slug not in known[kind]:
                problems.error(raw.path, raw.key_lines.get(key), *unknown_reference(key, kind, slug, known[kind]))
                continue
            target = targets[kind].get(slug)
            if source_public and target is not None and kind != "customer" and target.draft:
                problems.warn(raw.path, raw.key_lines.get(key),
                              f"'{key}': {kind} '{slug}' is a draft; the link is hidden until it is published",
                              f"publish {target.path} or remove the reference")

    for fb in records.feedback.values():
        raw = raws[("feedback", fb.slug)]
        check(raw, "from", "customer", fb.customers, False)
        if fb.duplicate_of:
            if fb.duplicate_of == fb.slug:
                problems.error(raw.path, raw.key_lines.get("duplicate_of"), "'duplicate_of': an item cannot be a "
                               "duplicate of itself", "remove duplicate_of or point it at the original item")
            else:
                check(raw, "duplicate_of", "feedback", (fb.duplicate_of,), fb.public and not fb.draft)
    for dec in records.decisions.values():
        check(raws[("decision", dec.slug)], "feedback", "feedback", dec.feedback, dec.public and not dec.draft)
    for ch in records.changes.values():
        raw = raws[("change", ch.slug)]
        check(raw, "decisions", "decision", ch.decisions, ch.public and not ch.draft)
        check(raw, "feedback", "feedback", ch.feedback, ch.public and not ch.draft)
    _check_duplicate_cycles(records, raws, problems)


def _check_duplicate_cycles(records: Records, raws: dict, problems: Problems) -> None:
    reported: set[str] = set()
    for start in records.feedback:
        seen: list[str] = []
        slug = start
        while slug in records.feedback and slug not in seen:
            seen.append(slug)
            slug = records.feedback[slug].duplicate_of
        cycle = seen[seen.index(slug):] if slug in seen else []
        if len(cycle) > 1 and not reported.intersection(cycle):
            reported.update(cycle)
            raw = raws[("feedback", cycle[0])]
            problems.error(raw.path, raw.key_lines.get("duplicate_of"),
                           "'duplicate_of' goes round in a circle: " + " → ".join([*cycle, cycle[0]]),
                           "one item must be the original: remove its duplicate_of")
