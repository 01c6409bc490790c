"""Placeholders: text left for the author to write, which must never be published.

`portalgen new` marks everything it leaves for the author with one marker, "fill in:", in a
comment: `<!-- fill in: … -->` in Markdown (and in a Markdown key's value), `# fill in: …` after
a YAML value. A text an author leaves unfinished by hand ("TODO", "TBD", "?", "…") is caught
too. In a record that is published either is an error; in a draft or a private record, which
is not, a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from portalgen.content.problems import PLACEHOLDER, Problems

if TYPE_CHECKING:  # frontmatter finds the markers with this module: import the class for types only
    from portalgen.content.frontmatter import RawRecord

MARKER = "fill in:"
# The marker opens a comment: an HTML comment, or a YAML comment (a '#' at the start of a line or
# after a space, so "C#" in a sentence is not one). Its text runs to the end of the comment or line.
_MARK = re.compile(r"(?:<!--|(?:^|(?<=\s))#)[ \t]*\n?[ \t]*fill[ -]in[ \t]*:[ \t]*(.*?)[ \t]*(?:-->|$)",
                   re.IGNORECASE | re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"[\W_]+")
# What people write for "I will write this later", once punctuation and case are gone.
_WORDS = frozenset({
    "todo", "to do", "tbd", "tba", "tbc", "tk", "xxx", "n a", "na", "fill in", "fill me in",
    "fixme", "placeholder", "lorem ipsum", "to be done", "to be decided", "to be determined",
    "to be confirmed", "to be written", "coming soon", "wip",
})
_TAGGED = re.compile(r"^\W*(?:todo|tbd|tba|fixme|xxx)\b[ \t]*[:\-–—]", re.IGNORECASE)  # "TODO: explain why"
_SHOWN = 80  # characters of a placeholder quoted in a message
_MARKS = 12  # the most characters of punctuation alone that still read as "to be written"


def fill_in(prompt: str) -> str:
    """The placeholder `new` writes in Markdown: invisible on a page, refused by check."""
    return f"<!-- {MARKER} {prompt} -->"


def fill_in_comment(prompt: str) -> str:
    """The placeholder `new` writes after a YAML value it could only guess."""
    return f"# {MARKER} {prompt}"


Mark = tuple[int, str, bool]  # (line, "fill in: …", whether the line is indented: part of the key above)


def marks(text: str) -> tuple[Mark, ...]:
    """Every marker in a file's text."""
    if "#" not in text and "<!--" not in text:
        return ()  # every marker opens with one of them; the search itself tries every line start
    found: list[Mark] = []
    for m in _MARK.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        found.append((text.count("\n", 0, m.start()) + 1 + text[m.start():m.start(1)].count("\n"),
                      _short(f"{MARKER} {m.group(1)}".strip()), text[start:start + 1] in (" ", "\t")))
    return tuple(found)


def without_marks(text: str) -> str:
    """The text without its "fill in:" markers and what they ask for: a record that still holds one
    is refused publication (or is a draft), so the words inside can never reach a page."""
    return _MARK.sub(" ", text) if "fill" in text.lower() else text


def visible(text: str) -> str:
    """The text without its HTML comments (which are never published)."""
    return _COMMENT.sub("", text).strip()


def only_placeholder(text: str) -> str | None:
    """The text, shortened, when all it says is a placeholder ("TODO", "TBD", "?", "…", "n/a",
    "TODO: explain why"); None when it says something (or nothing at all)."""
    shown = visible(text)
    if not shown:
        return None
    words = " ".join(_NOT_WORD.sub(" ", _TAG.sub(" ", shown).lower()).split())
    # A mark or two ("?", "…", "-") stands for words to come; a long run of symbols is something else.
    # Markup alone ("<b></b>", an attack that the sanitiser empties) is not a placeholder.
    marks_only = not words and len(shown) <= _MARKS and not _TAG.search(shown)
    if marks_only or words in _WORDS or _TAGGED.match(shown):
        return _short(" ".join(shown.split()))
    return None


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class Found:
    """A placeholder in one field of a record."""

    field: str  # a key, or "body"
    line: int | None
    text: str  # as the message quotes it
    whole: bool  # the field says nothing else


def find(raw: RawRecord, texts: dict[str, str]) -> list[Found]:
    """The placeholders of a record, one per field: the markers in its file, and the `texts`
    (Markdown fields by key, the body as "body") that hold nothing but a placeholder."""
    found: dict[str, Found] = {}
    for line, text, indented in raw.marks:
        field = _field_at(raw, line, indented)
        if field not in found:
            found[field] = Found(field, line, text, field in texts and not visible(texts[field]))
    for field, value in texts.items():
        word = only_placeholder(value) if field not in found else None
        if word is not None:
            found[field] = Found(field, _line_of(raw, field), word, True)
    return sorted(found.values(), key=lambda f: f.line or 0)


def _field_at(raw: RawRecord, line: int, indented: bool) -> str:
    """The key (or the body) a line of the file belongs to: a comment on a line of its own is no key's."""
    if raw.body_line > 1 and line >= raw.body_line:
        return "body"
    keys = [(at, key) for key, at in raw.key_lines.items() if at == line or (indented and at < line)]
    return max(keys)[1] if keys else "front matter"


def _line_of(raw: RawRecord, field: str) -> int | None:
    if field != "body":
        return raw.key_lines.get(field)
    lead = raw.body[: len(raw.body) - len(raw.body.lstrip())]
    return raw.body_line + lead.count("\n")


def report(raw: RawRecord, found: list[Found], published: bool, problems: Problems,
           reason: str = "") -> None:
    """One problem per placeholder: an error where the record is published, a warning where it is not.

    `reason` is the decision outcome ("declined", "deferred") whose body must give its reason."""
    add = problems.error if published else problems.warn
    for item in found:
        message, hint = _words(item, reason)
        add(raw.path, item.line, message, hint, code=PLACEHOLDER)


def _words(item: Found, reason: str) -> tuple[str, str]:
    never = "a placeholder is never published"
    if item.field == "body" and item.whole and reason:
        why = "why we said no" if reason == "declined" else "why not now"
        return (f'a {reason} decision needs its reasoning in the body; it holds only a placeholder: "{item.text}"',
                f"write {why} in place of the placeholder — a No is published with a reason or not at all")
    name = f"the {item.field}" if item.field in ("body", "front matter") else f"'{item.field}'"
    if item.whole:
        remove = "leave the body empty" if item.field == "body" else f"remove '{item.field}'"
        return f'{name} is only a placeholder: "{item.text}"', f"write the real text in its place, or {remove}; {never}"
    return (f'{name} still has a placeholder: "{item.text}"',
            f'do what it asks, then delete the "{MARKER}" comment; {never}')


def published(kind: str, values: dict[str, Any], credit_default: str) -> bool:
    """Whether a record's text reaches the site: a customer's when it is named, a record's when it is
    neither a draft nor private."""
    if kind == "customer":
        return (values.get("credit") or credit_default) == "named"
    return not values.get("draft") and (values.get("visibility") or "public") == "public"
