"""From ideas to the records they become: customers, feedback, decisions, changes.

What a record says is decided here, once, from the export alone; `writer` then finds what an
earlier import made and merges. References between the new records are `Ref`s (kind and import key)
until the writer knows every slug.

Nobody is named by accident: an anonymous customer is called "GitHub user 1a2b3c" (the login, the
e-mail and the real name go under `private:`), and the identities of anonymous authors are taken out
of every imported text, so `check`'s leak lint and the build's output guard have nothing to find.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from portalgen.content.importing.ideas import Idea, Person, Reading
from portalgen.content.importing.scrub import Scrubber, identities
from portalgen.content.importing.text import markdown, one_line
from portalgen.content.placeholders import fill_in, only_placeholder

TOOLS = {"github": "GitHub", "fider": "Fider", "canny": "Canny", "uservoice": "UserVoice", "csv": "Spreadsheet"}
DECIDED = {"under-review": "Considering", "planned": "Planned", "in-progress": "In progress", "declined": "No",
           "deferred": "Not now", "already-available": "Already possible"}
NEEDS_REASON = ("declined", "deferred", "already-available")  # never published without their text
MAX_TITLE = 200
MAX_TAG = 60
MAX_TAGS = 20


@dataclass(frozen=True)
class Ref:
    """A reference to a record this import makes (or made before), by its import key."""

    kind: str
    key: str


@dataclass
class Planned:
    kind: str  # customer, feedback, decision, change
    key: str  # the id in the source, unique within the kind: what `private.imported.id` remembers
    source: str
    title: str  # what the slug is made from, the first time
    fields: dict[str, Any]  # front matter, without `private`; values may hold Refs
    private: dict[str, Any] = field(default_factory=dict)  # besides `imported`
    body: str = ""
    where: str = ""
    draft_reason: str = ""  # why it is a draft the editor must finish


@dataclass
class Plan:
    records: list[Planned] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)


def plan(reading: Reading, named: bool, today: date, protected: Iterable[str] = (),
         allowed: Iterable[str] = ()) -> Plan:
    """What the ideas become. `protected` are the names the board already keeps private (an anonymous
    customer's, an unconsented person's) and `allowed` the phrases it lets pass (leaks.py): both are
    respected in every imported text, with the export's own people unless they are `named`."""
    result = Plan(skipped=list(reading.unmapped))
    ideas = _importable(reading.ideas, today, result.skipped)
    own = set() if named else identities(p for i in ideas for p in _people(i))
    scrub = Scrubber(own | set(protected), allowed)
    customers: dict[str, Planned] = {}
    originals = _duplicates(ideas, {i.id for i in ideas})
    for idea in ideas:
        froms = [Ref("customer", _add_customer(customers, person, idea, named, scrub))
                 for person in _people(idea) or [Person(key="(unknown)")]]
        result.records += _records(idea, list(dict.fromkeys(froms)), originals.get(idea.id, ""), scrub,
                                   result.skipped)
        if idea.duplicate_of and idea.id not in originals:
            result.skipped.append((idea.where, f"duplicate of '{idea.duplicate_of}', which is not in this export "
                                               "(or is itself, or a duplicate of this one): imported without "
                                               "duplicate_of"))
        elif idea.status == "duplicate" and not idea.duplicate_of:
            result.skipped.append((idea.where, "a duplicate, but the export does not say of which item: imported "
                                               "without duplicate_of (set it by hand)"))
    result.records[:0] = customers.values()
    return result


def _importable(ideas: list[Idea], today: date, notes: list[tuple[str, str]]) -> list[Idea]:
    """The ideas that can become records, each id once; the others are noted with why."""
    kept: list[Idea] = []
    seen: dict[str, str] = {}
    for idea in ideas:
        late = [d for d in (idea.created, idea.responded, idea.closed) if d and d > today]
        if idea.id in seen:
            notes.append((idea.where, f"id '{one_line(idea.id)}' again (first in {seen[idea.id]}): left out"))
        elif idea.status == "deleted":
            notes.append((idea.where, "deleted in its tool: skipped"))
        elif idea.created is None:
            notes.append((idea.where, "no date: skipped"))
        elif late:
            notes.append((idea.where, f"dated {late[0].isoformat()}, after today: skipped"))
        else:  # an id is written in YAML and compared with the next export's: one clean line
            kept.append(replace(idea, id=one_line(idea.id), duplicate_of=one_line(idea.duplicate_of)))
        seen.setdefault(idea.id, idea.where)
    return kept


def _add_customer(customers: dict[str, Planned], person: Person, idea: Idea, named: bool, scrub: Scrubber) -> str:
    """The key of the person's customer, planned once; everyone from one organisation in one file."""
    made = _customer(person, idea.source, named, idea.where, scrub)
    known = customers.setdefault(made.key, made)
    for someone in made.private.get("people", ()) if known is not made else ():
        listed = known.private.setdefault("people", [])
        if someone not in listed:
            listed.append(someone)
    return made.key


def _people(idea: Idea) -> list[Person]:
    return [p for p in (idea.author, *idea.voters) if p is not None]


def _duplicates(ideas: list[Idea], ids: set[str]) -> dict[str, str]:
    """Idea id → the id of its original, when that is in the export; a circle loses its last link."""
    links = {i.id: i.duplicate_of for i in ideas if i.duplicate_of and i.duplicate_of in ids and i.duplicate_of != i.id}
    for start in list(links):
        seen, at = {start}, start
        while at in links:
            at = links[at]
            if at in seen:
                del links[start]
                break
            seen.add(at)
    return links


def _customer(person: Person, source: str, named: bool, where: str, scrub: Scrubber) -> Planned:
    tool = TOOLS.get(source, source)
    private: dict[str, Any] = {}
    organisation = one_line(person.organisation)
    if organisation:
        key = "org:" + organisation.casefold()
        name = organisation
        people = {k: v for k, v in (("name", person.name), ("login", person.login), ("email", person.email)) if v}
        if people:
            private["people"] = [{k: one_line(v) for k, v in people.items()}]
    else:
        key = "person:" + (one_line(person.key) or "(unknown)")
        real = one_line(person.name or person.login)
        name = real if named and real else f"{tool} user {hashlib.sha256(key.encode()).hexdigest()[:6]}"
        private.update({k: one_line(v) for k, v in (("name", person.name), ("login", person.login),
                                                      ("email", person.email)) if v})
    if person.weight is not None:
        private["weight"] = person.weight
    fields: dict[str, Any] = {"name": name}
    segment = scrub(one_line(person.segment))[:MAX_TITLE].strip()  # published, in anonymous credits too
    if segment:
        fields["segment"] = segment
    fields["credit"] = "named" if named else "anonymous"
    return Planned("customer", key, source, name, fields, private, where=f"who raised {where}")


def _records(idea: Idea, froms: list[Ref], original: str, scrub: Scrubber,
             notes: list[tuple[str, str]]) -> list[Planned]:
    title = scrub(one_line(idea.title))[:MAX_TITLE].strip() or f"{TOOLS.get(idea.source, idea.source)} {idea.id}"
    tags = [t for t in dict.fromkeys(scrub(one_line(t))[:MAX_TAG].strip() for t in idea.tags) if t][:MAX_TAGS]
    feedback: dict[str, Any] = {"title": title, "date": idea.created, "from": froms,
                                "source": TOOLS.get(idea.source, idea.source)}
    if tags:
        feedback["tags"] = tags
    if original:
        feedback["duplicate_of"] = Ref("feedback", original)
    private: dict[str, Any] = {}
    if idea.votes is not None:
        private["votes"] = idea.votes
    if idea.url:
        private["url"] = one_line(idea.url)
    body = _said(scrub(markdown(idea.body)), "body", idea.where, notes)
    out = [Planned("feedback", idea.id, idea.source, title, feedback, private, body, idea.where)]
    response = _said(scrub(markdown(idea.response)), "response", idea.where, notes)
    when = idea.responded or idea.closed or idea.created
    if idea.status in DECIDED:
        decision: dict[str, Any] = {"title": f"{DECIDED[idea.status]}: {title}"[:MAX_TITLE].strip(), "date": when,
                                    "feedback": [Ref("feedback", idea.id)], "outcome": idea.status}
        reason = ""
        if idea.status in NEEDS_REASON and not response:
            decision["draft"] = True
            response = fill_in("why we said no, in words the customer will understand" if idea.status == "declined"
                               else "why not now, and what would change our mind" if idea.status == "deferred"
                               else "how to do this today, step by step")
            reason = f"{idea.status} without a response in the export"
        out.append(Planned("decision", idea.id, idea.source, decision["title"], decision, {}, response,
                           idea.where, reason))
    elif idea.status == "completed":
        change: dict[str, Any] = {"title": title, "date": idea.closed or idea.responded or idea.created}
        version = scrub(one_line(idea.version))[:MAX_TAG].strip()
        if version:
            change["version"] = version
        change["feedback"] = [Ref("feedback", idea.id)]
        out.append(Planned("change", idea.id, idea.source, title, change, {}, response, idea.where))
    return out


def _said(text: str, what: str, where: str, notes: list[tuple[str, str]]) -> str:
    """The text, unless all it says is a placeholder ("TODO", "...", "?"), which check refuses to
    publish: then nothing, and a note."""
    shown = only_placeholder(text)
    if shown is None:
        return text
    notes.append((where, f"the {what} says only {shown!r}, which reads as a placeholder: left out"))
    return ""
