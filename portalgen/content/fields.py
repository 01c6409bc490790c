"""Reading one key of a record: its type checked, its value converted, every problem recorded with its line."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import yaml

from portalgen.content.files import strip_controls
from portalgen.content.frontmatter import RawRecord
from portalgen.content.problems import Problems
from portalgen.content.records import Person
from portalgen.content.schema import PERSON, URL_RE, Field
from portalgen.content.slugs import SLUG_RE

_LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MISSING = object()
MAX_TAGS = 20


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def shown(value: Any) -> str:
    """A value in a message as YAML writes it (null, true, 2026-03-31, [a, b]), not as Python prints it."""
    if isinstance(value, str):
        return repr(value)
    try:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000)
    except yaml.YAMLError:
        return str(value)
    return text.strip().removesuffix("...").strip()


def _squashed(word: str) -> str:
    """A word as authors spell it many ways: "Won't do", "wont-do" and "wontdo" are one."""
    return re.sub(r"[^a-z0-9]", "", word.lower())


def choice_hint(field: Field, value: Any, ship: str) -> str:
    """The fix for a value a choice key does not allow: the choice the author meant where we can
    tell (a synonym, a spelling, or the yes/no YAML turned into a boolean), then the choices.
    `ship` ends the `portalgen new change` command that the "done" synonyms point to."""
    word = ("yes" if value else "no") if isinstance(value, bool) else value
    choices = "one of: " + ", ".join(field.choices)
    if not isinstance(word, str):
        return choices
    meant = dict(field.synonyms).get(_squashed(word)) or next(
        (c for c in field.choices if _squashed(c) == _squashed(word)), None)
    if meant is not None and meant not in field.choices:
        return meant.format(ship=ship) + "; " + choices
    guess = f"did you mean '{meant}'?" if meant else did_you_mean(word, field.choices)
    return (guess + " " if guess else "") + choices


class FieldReader:
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
                # YAML keys need not be text ({12: x}): the hint compares what the author wrote.
                guess = did_you_mean(key if isinstance(key, str) else shown(key), names)
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
        if isinstance(value, (int, float)) and not self._as_written(field, value):
            return None
        if isinstance(value, (int, float, date)):
            value = value.isoformat() if isinstance(value, date) else str(value)
        if not isinstance(value, str):
            self.error(field.name, f"must be text, not a {_kind(value)}", f"write {field.name}: \"...\"")
            return None
        text = strip_controls(value).strip()
        if field.required and not text:
            self.error(field.name, "is empty", f"write the {field.name}")
            return None
        return text

    _markdown = _text

    def _as_written(self, field: Field, value: int | float) -> bool:
        """Whether an unquoted number publishes as the author wrote it; an error when YAML changed it
        (4.10 is the number 4.1, 010 is 8): the text would silently differ from the file."""
        written = None if self.where else self.raw.numbers.get(field.name)
        if written is None or written == str(value):
            return True
        self.error(field.name, f"YAML read {written} as the number {value}",
                   f'quote it: {field.name}: "{written}"')
        return False

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
        self.error(field.name, f"{shown(value)} is not a date", "write it as YYYY-MM-DD, e.g. 2026-03-31")
        return None

    def _slug(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
            self.error(field.name, f"{shown(value)} is not a slug",
                       "use the other record's file name without extension, e.g. dark-mode")
            return None
        return value

    def _empty_entry(self, field: Field, item: Any, what: str) -> bool:
        """An entry YAML read as null (`[null]`, `[a, ]`, a bare `-`): reported as such, not as Python's None."""
        if item is None:
            self.error(field.name, "has an empty entry (null)", f"remove it, or write {what} there")
        return item is None

    def _listed(self, field: Field, value: Any, what: str, example: str) -> list[Any] | None:
        """The value as a list: one item may be written without brackets."""
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            self.error(field.name, f"must be a list of {what}, not a {_kind(value)}", f"write {field.name}: {example}")
            return None
        return value

    def _slugs(self, field: Field, value: Any) -> tuple[str, ...] | None:
        value = self._listed(field, value, "slugs", "[first-slug, second-slug]")
        if value is None:
            return None
        out: list[str] = []
        for item in value:
            if self._empty_entry(field, item, "a slug"):
                continue
            if not isinstance(item, str) or not SLUG_RE.fullmatch(item):
                self.error(field.name, f"{shown(item)} is not a slug",
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
        if len(value) > MAX_TAGS:
            # Each tag page shows the item's card with all its tags: without a cap the site would
            # grow with the square of one item's tag list.
            self.error(field.name, f"{len(value)} tags; an item may have at most {MAX_TAGS}",
                       "keep the few themes it is really about")
            return None
        out: list[str] = []
        for item in value:
            if self._empty_entry(field, item, "a tag"):
                continue
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            text = " ".join(strip_controls(item).split()) if isinstance(item, str) else ""
            if not text:
                self.error(field.name, f"{shown(item)} is not a tag", "each tag is a short piece of text")
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
            self.error(field.name, f"must be true or false, not {shown(value)}", f"write {field.name}: true")
            return None
        return value

    def _choice(self, field: Field, value: Any) -> str | None:
        if isinstance(value, str) and value in field.choices:
            return value
        message = (f"YAML read this as the boolean {shown(value)}, which is not allowed" if isinstance(value, bool)
                   else f"{shown(value)} is not allowed")
        self.error(field.name, message, choice_hint(field, value, f"--decisions {self.raw.slug}"))
        return None

    def _url(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not URL_RE.fullmatch(value.strip()) or not _parses(value.strip()):
            self.error(field.name, f"{shown(value)} is not an absolute http(s) URL",
                       "write it like https://example.com/")
            return None
        return value.strip()

    def _contact(self, field: Field, value: Any) -> str | None:
        if isinstance(value, str) and _EMAIL_RE.fullmatch(value.strip()):
            return value.strip()
        return self._url(field, value)

    def _language(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not _LANG_RE.fullmatch(value):
            self.error(field.name, f"{shown(value)} is not a BCP 47 language tag", "e.g. en, en-GB, de")
            return None
        return value

    def _int(self, field: Field, value: Any) -> int | None:
        written = None if self.where else self.raw.numbers.get(field.name)
        if written is not None and written.isdigit() and int(written) != value:  # 030 is octal: 24
            self.error(field.name, f"YAML read {written} as the number {value}", f"write {field.name}: {int(written)}")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 36500:
            self.error(field.name, f"{shown(value)} is not a positive whole number of days", f"e.g. {field.name}: 30")
            return None
        return value

    def _count(self, field: Field, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(field.name, f"{value!r} is not a whole number of at least 1",
                       f"write a whole number, e.g. {field.name}: 3 ({field.help})")
            return None
        return value

    def _any(self, field: Field, value: Any) -> Any:
        return value  # private data is checked for nothing; only what its field converts is kept

    def _texts(self, field: Field, value: Any) -> tuple[str, ...] | None:
        value = self._listed(field, value, "text", '["...", "..."]')
        if value is None:
            return None
        out: list[str] = []
        for item in value:
            if self._empty_entry(field, item, "the text"):
                continue
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            text = " ".join(strip_controls(item).split()) if isinstance(item, str) else ""
            if not text:
                self.error(field.name, f"{shown(item)} is not text", "each entry is a short piece of text, in quotes")
            elif text not in out:
                out.append(text)
        return tuple(out)

    def _people(self, field: Field, value: Any) -> tuple[Person, ...] | None:
        if not isinstance(value, list):
            self.error(field.name, f"must be a list, not a {_kind(value)}",
                       "write people: [{name: Ana Ruiz, role: CTO, credit: named}]")
            return None
        people: list[Person] = []
        for i, item in enumerate(value, 1):
            sub = FieldReader(self.raw, self.problems, f"people[{i}].")
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


def _parses(url: str) -> bool:
    """Whether the URL has a host and port that urllib can read ("https://[oops/" and ":99999" it cannot)."""
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:
        return False


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "text", bool: "boolean", int: "number",
            float: "number"}.get(type(value), type(value).__name__)




def read_fields(raw: RawRecord, fields: tuple[Field, ...], problems: Problems) -> dict[str, Any]:
    """Every declared key of one record, checked and converted (None where unset or wrong)."""
    reader = FieldReader(raw, problems)
    reader.unknown_keys(raw.data, fields)
    return {f.name: reader.read(raw.data, f) for f in fields}
