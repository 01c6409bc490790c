"""`portalgen new`: create one record that passes `check`, or refuse and write nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import yaml

from portalgen.commands.authoring import (
    Refused,
    clean_text,
    not_after_today,
    one_line,
    split_tags,
    yaml_flow,
    yaml_text,
)
from portalgen.commands.console import display_path, print_problems, print_refusal
from portalgen.commands.options import DATE, as_date
from portalgen.content.fields import choice_hint, did_you_mean
from portalgen.content.files import discover
from portalgen.content.kinds import CUSTOMER, DECISION, Kind, find_kind
from portalgen.content.kinds import KINDS as KIND_REGISTRY
from portalgen.content.placeholders import MARKER, fill_in, fill_in_comment
from portalgen.content.problems import PLACEHOLDER, Problem, Problems, Severity, UsageError
from portalgen.content.references import unknown_reference
from portalgen.content.schema import OUTCOMES
from portalgen.content.slugs import SLUG_RE, slugify
from portalgen.output.writing import WriteError
from portalgen.pipeline import building

REVISIT_AFTER_DAYS = 91
_OUTCOME = next(f for f in DECISION.fields if f.name == "outcome")


@dataclass
class Given:
    """What the author gave `portalgen new` besides the kind and the title."""

    customers: Sequence[str] = ()
    feedback: Sequence[str] = ()
    decisions: Sequence[str] = ()
    outcome: str | None = None
    slug: str | None = None
    draft: bool = False
    date: date | None = None  # the record's date (a customer's `joined`); default: the build date
    tags: Sequence[str] = ()
    source: str | None = None
    quote: str | None = None
    segment: str | None = None
    named: bool = False  # a customer's consent to be credited by name

    @property
    def lists(self) -> dict[str, Sequence[str]]:
        """The slug lists, by the key they are written under."""
        return {"from": self.customers, "feedback": self.feedback, "decisions": self.decisions}

    @property
    def texts(self) -> dict[str, str | None]:
        """The one-line texts, by the key they are written under."""
        return {"source": self.source, "quote": self.quote, "segment": self.segment}


@dataclass
class NewRecord:
    """What `new` wrote, and what the author still has to fill in."""

    path: Path
    kind: str
    slug: str
    todo: list[str] = field(default_factory=list)
    # What `check` says of the new file: its warnings, and each placeholder left to fill in.
    problems: list[Problem] = field(default_factory=list)


def parse_kind(word: str) -> str:
    found = find_kind(word)
    if found:
        return found.name
    guess = did_you_mean(word, list(KIND_REGISTRY))
    raise UsageError(f"unknown kind '{word}'" + (f": {guess}" if guess else "")
                     + " Choose one of: " + ", ".join(KIND_REGISTRY))


def split_slugs(values: Iterable[str] | None) -> list[str]:
    """`--from a,b --from c` → [a, b, c], blanks dropped, order kept, repeats removed."""
    out: list[str] = []
    for value in values or ():
        for part in value.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _slug_list(slugs: Sequence[str]) -> str:
    def one(slug: str) -> str:
        return slug if yaml.safe_load(slug) == slug else yaml_text(slug)  # "2025", "true", dates
    return "[" + ", ".join(one(s) for s in slugs) + "]"


def _existing(content: Path, root: Path) -> dict[str, dict[str, Path]]:
    """Slug → file of every record, by kind, wherever it sits in sub-folders."""
    by_kind: dict[str, dict[str, Path]] = {k: {} for k in KIND_REGISTRY}
    if not content.is_dir():
        return by_kind
    for kind, path in discover(content, root, Problems()):
        by_kind[kind].setdefault(path.stem, path)
    return by_kind


def _front_matter(kind: Kind, given: dict[str, str]) -> str:
    """The kind's keys in schema order: the given ones with their value (and any comment), the
    optional ones that have an example commented out, so the author sees what else there is."""
    lines = []
    for f in kind.fields:
        if f.name in given:
            lines.append(f"{f.name}: {given[f.name]}")
        elif f.example:
            first, *more = f.example.split("\n")
            lines.append(f"# {f.name}: {first}".rstrip() + (f"   # {f.help}" if f.help else ""))
            lines.extend(f"# {line}" for line in more)
    return "\n".join(lines) + "\n"


def _render(kind_name: str, title: str, today: date, options: Given) -> tuple[str, list[str]]:
    """The new file's text and the TODOs it leaves for the author."""
    kind = KIND_REGISTRY[kind_name]
    todo: list[str] = []
    dated = (options.date or today).isoformat()
    given = {("name" if kind is CUSTOMER else "title"): yaml_text(title), "date": dated}
    body = kind.prompt
    if kind is CUSTOMER:
        del given["date"]
        given["credit"] = ("named   # the organisation agreed to be credited by name" if options.named
                           else "anonymous   # 'named' only with the organisation's consent to be named")
        given["joined"] = dated
    given.update({key: _slug_list(slugs) for key, slugs in options.lists.items() if slugs})
    given.update({key: yaml_text(text) for key, text in options.texts.items() if text})
    if options.tags:
        given["tags"] = yaml_flow(list(options.tags))
    if kind is DECISION:
        given["outcome"] = options.outcome or ""
        body, todo = _outcome_placeholders(given["outcome"], today, given, body)
    if options.draft:
        given["draft"] = "true"
    head = _front_matter(kind, given)
    return (head if kind is CUSTOMER else f"---\n{head}---\n{body}\n"), todo


def _outcome_placeholders(outcome: str, today: date, given: dict[str, str], body: str) -> tuple[str, list[str]]:
    """What an outcome needs before it may publish, as placeholders the author must replace:
    `check` and `build` refuse the record until they are gone."""
    if outcome == "declined":
        given["workaround"] = yaml_text(fill_in("what customers can do instead"))
        return fill_in("why we said no, in words the customer will understand"), [
            "workaround", "the reasoning in the body"]
    if outcome == "deferred":
        revisit = today + timedelta(days=REVISIT_AFTER_DAYS)
        given["revisit"] = f"{revisit.isoformat()}   " + fill_in_comment(
            "when we will look at this again; the date is only a suggestion")
        return fill_in("why not now, and what would change our mind"), ["revisit date", "the reasoning in the body"]
    if outcome == "already-available":
        return fill_in("how to do this today, step by step"), ["the body"]
    return body, []


def _verify(text: str, kind: str, title: str) -> None:
    """The YAML we wrote reads back as the title we were given (a last guard against quoting)."""
    front = text if kind == "customer" else text.split("---\n", 2)[1]
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        data = None
    key = "name" if kind == "customer" else "title"
    if not isinstance(data, dict) or data.get(key) != title:
        raise UsageError(f"cannot write the title {title!r} safely as YAML; simplify its punctuation")


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def new_record(project: Path, kind: str, title: str, given: Given | None = None, *, today: date | None = None,
               verify: bool = True) -> NewRecord:
    """Write content/<folder>/<slug>.md (customers: .yaml) with every required key, or refuse.

    Raises UsageError for a bad invocation and Refused (with problems worded exactly as
    `portalgen check` words them) for a slug clash, a reference to a record that does not exist,
    or (`verify`, the default) any error `check` finds that the new file would add.
    """
    kind = parse_kind(kind)
    title = clean_text(title, "the title")
    options = _options(kind, given or Given())
    slug = _slug(options.slug, title)
    target = project / "content" / KIND_REGISTRY[kind].folder / f"{slug}{KIND_REGISTRY[kind].suffixes[0]}"
    rel = target.relative_to(project).as_posix()
    existing = _existing(project / "content", project)
    text, todo = _render(kind, title, today or building.build_date(), options)  # check refuses a later date
    _verify(text, kind, title)
    problems = _clash(project, kind, slug, target, existing) + _dangling(kind, rel, text, options, existing)
    if problems:
        raise Refused(problems)
    _create(target, rel, text, kind, slug)
    found = _verify_with_check(project, target, rel, text, kind, slug) if verify else []
    return NewRecord(target, kind, slug, todo, found)


def _options(kind: str, given: Given) -> Given:
    """The options with their slug lists split, checked against what the kind takes (UsageError)."""
    texts = {key: one_line(value, key) for key, value in given.texts.items()}
    options = Given(split_slugs(given.customers), split_slugs(given.feedback), split_slugs(given.decisions),
                    given.outcome, given.slug, given.draft, not_after_today(given.date), split_tags(given.tags),
                    texts["source"], texts["quote"], texts["segment"], given.named)
    # Each option and the key it writes: an option for another kind of record is a usage error.
    named = {("from", "from"): options.customers, ("feedback", "feedback"): options.feedback,
             ("decisions", "decisions"): options.decisions, ("outcome", "outcome"): options.outcome,
             ("tags", "tags"): options.tags, ("source", "source"): options.source,
             ("quote", "quote"): options.quote, ("segment", "segment"): options.segment,
             ("named", "credit"): options.named}
    for (option, key), value in named.items():
        if value and key not in {f.name for f in KIND_REGISTRY[kind].fields}:
            users = [k.folder for k in KIND_REGISTRY.values() if any(f.name == key for f in k.fields)]
            raise UsageError(f"--{option} is for {' and '.join(users)}, not for a {kind}")
    if kind == "feedback" and not options.customers:
        raise UsageError("new feedback needs --from CUSTOMER: the slug of the customer who said it "
                         "(several: --from a,b)")
    if kind == "decision" and not options.feedback:
        raise UsageError("a new decision needs --feedback ITEM: the slug of the feedback it answers "
                         "(several: --feedback a,b)")
    if kind == "decision":
        options.outcome = (options.outcome or "under-review").strip()
        if options.outcome not in OUTCOMES:
            hint = choice_hint(_OUTCOME, options.outcome, "--feedback " + ",".join(options.feedback))
            raise UsageError(f"--outcome '{options.outcome}' is not allowed: {hint}")
    return options


def _slug(slug: str | None, title: str) -> str:
    if slug is None:
        return slugify(title)
    slug = slug.strip()
    if not SLUG_RE.fullmatch(slug):
        raise UsageError(f"--slug '{slug}' is not a valid slug (lowercase a-z, 0-9 and '-', starting "
                         f"with a letter or digit, at most 80 characters), e.g. {slugify(slug)}")
    return slug


def _clash(project: Path, kind: str, slug: str, target: Path, existing: dict[str, dict[str, Path]]) -> list[Problem]:
    clash = existing[kind].get(slug)
    if clash is None and target.exists():
        clash = target
    if clash is None:
        return []
    return [Problem(clash.relative_to(project).as_posix(), None, f"{kind} slug '{slug}' is already used by this file",
                    "choose another title, or pass --slug with another slug")]


def _dangling(kind: str, rel: str, text: str, options: Given, existing: dict[str, dict[str, Path]]) -> list[Problem]:
    """References to records that do not exist, worded as `check` words them."""
    problems = Problems()
    for f in KIND_REGISTRY[kind].references:
        key, known = f.name, existing[f.target]
        for ref in options.lists.get(key, ()):
            line = _key_line(text, key)
            if not SLUG_RE.fullmatch(ref):
                problems.error(rel, line, f"'{key}': {ref!r} is not a slug",
                               "use record file names without extension, e.g. acme-health")
            elif ref not in known:
                problems.error(rel, line, *unknown_reference(f, ref, existing, KIND_REGISTRY[kind]))
    return problems.items


def _create(target: Path, rel: str, text: str, kind: str, slug: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise Refused([Problem(rel, None, f"{kind} slug '{slug}' is already used by this file",
                               "choose another title, or pass --slug with another slug")]) from exc
    except OSError as exc:
        raise WriteError(f"cannot write {rel}: {exc.strerror or exc}") from exc


def _verify_with_check(project: Path, target: Path, rel: str, text: str, kind: str,
                       slug: str) -> list[Problem]:
    """Run the real `check`: a new record must not add an error anywhere (a rule added to check
    later, or an anonymous customer's new name found in existing text, is caught here too).

    One check when the project is healthy; when it already had errors, the file is taken away
    to tell its own errors from those that were there before. Returns the new file's warnings
    and placeholders.
    """
    _, after = building.check(project)
    # The placeholders `new` wrote are meant to fail check until the author replaces them.
    errors = [p for p in after.errors if not (p.path == rel and p.code == PLACEHOLDER)]
    if errors:
        target.unlink()
        _, before = building.check(project)
        introduced = sorted(set(errors) - set(before.errors),
                            key=lambda p: (p.path != rel, p.path, p.line or 0, p.message))
        if introduced:
            raise Refused(introduced)
        _create(target, rel, text, kind, slug)
    return [p for p in after.sorted() if p.path == rel and (p.severity is Severity.WARNING or p.code == PLACEHOLDER)]


@click.command()
@click.argument("kind", metavar="feedback|decision|change|customer")
@click.argument("title")
@click.option("--from", "customers", multiple=True, metavar="C1,C2",
              help="feedback: slugs of the customers who said it.")
@click.option("--feedback", multiple=True, metavar="F1,F2",
              help="decision/change: slugs of the feedback it answers.")
@click.option("--decisions", multiple=True, metavar="D1,D2", help="change: slugs of the decisions it delivers.")
@click.option("--outcome", help="decision: under-review (default), planned, in-progress, declined, deferred "
              "or already-available.")
@click.option("--slug", help="File name without extension (default: made from the title).")
@click.option("--draft", is_flag=True, help="Write draft: true, so it is not published yet.")
@click.option("--date", type=DATE, metavar="YYYY-MM-DD", callback=as_date,
              help="The record's date (customer: when it joined); default today. Never after today.")
@click.option("--tags", multiple=True, metavar="T1,T2", help="feedback: its themes (several: --tags a,b or repeat).")
@click.option("--source", help='feedback: where it was heard, e.g. "CAB meeting 2026-Q1".')
@click.option("--quote", help="feedback: a short verbatim quote to feature.")
@click.option("--segment", help='customer: its segment, e.g. "Healthcare" (how it is credited while anonymous).')
@click.option("--named", is_flag=True, help="customer: write credit: named (only with its consent to be named).")
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
              help="The portal project (default: the current folder).")
def new(kind: str, title: str, project: Path | None, **options: Any) -> None:
    """Create one record with today's date and every required key; print its path.

    \b
    portalgen new feedback "Dark mode for dashboards" --from acme-health
    portalgen new decision "Yes: dark mode" --feedback dark-mode-for-dashboards --outcome planned
    portalgen new change "Dark mode" --decisions yes-dark-mode
    portalgen new customer "Acme Health" --segment Healthcare
    portalgen new feedback "Bulk export" --from acme-health --date 2026-03-02 --tags exports --source "Interview"
    """
    root = building.find_project(project)
    try:
        made = new_record(root, kind, title, Given(**options))
    except Refused as exc:
        print_refusal(exc.problems)
    click.echo(display_path(made.path))
    print_problems(made.problems)
    if made.todo:
        until = ("before you publish it" if options.get("draft")
                 else "until then check and build refuse the record (or make it a draft: draft: true)")
        click.secho(f'Fill in what is marked "{MARKER}" ({", ".join(made.todo)}): {until}.', fg="yellow", err=True)
