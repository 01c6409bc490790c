"""`portalgen rename`: give a record a new slug, point every reference at it, keep its old address.

The file keeps its folder and extension. Every key that names records of its kind (`from:`,
`feedback:`, `decisions:`, `duplicate_of:`, as content/kinds.py declares them) is edited in
place, line by line (commands/yamledit.py), so comments and formatting stay. The record gains
an `aliases:` entry, and the build writes a redirect page at the old address. Nothing is
written unless every edit reads back as meant; a rename that would add an error to `check` is
undone, and nothing is left changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import click

from portalgen.commands import yamledit
from portalgen.commands.authoring import Refused
from portalgen.commands.console import display_path, print_refusal, say
from portalgen.commands.new import parse_kind
from portalgen.content.fields import did_you_mean
from portalgen.content.files import discover
from portalgen.content.kinds import KINDS, Kind
from portalgen.content.problems import Problem, Problems, Severity, UsageError
from portalgen.content.records import Records
from portalgen.content.slugs import SLUG_RE, slugify
from portalgen.model import urls
from portalgen.output.writing import WriteError
from portalgen.pipeline import building


@dataclass
class Edit:
    """One file's new text, and where it goes (`dest` differs for the renamed record itself)."""

    path: Path
    dest: Path
    before: str
    after: str
    references: int = 0


@dataclass
class Renamed:
    """What `rename` did."""

    old: Path
    new: Path
    kind: str
    slug: str
    edits: list[Edit] = field(default_factory=list)  # the renamed record first, then the references
    redirect: str | None = None  # the old address that now redirects, when the record is published
    note: str = ""  # why there is no redirect (yet)


def _valid_slug(slug: str) -> str:
    slug = slug.strip()
    if not SLUG_RE.fullmatch(slug):
        raise UsageError(f"'{slug}' is not a valid slug (lowercase a-z, 0-9 and '-', starting with a letter or "
                         f"digit, at most 80 characters), e.g. {slugify(slug)}")
    return slug


def _read(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:  # newline="": CRLF files stay CRLF
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise WriteError(f"cannot read {path}: {exc}") from exc


def _edit(path: Path, dest: Path, keys: list[str], old: str, new: str, aliases: list[str] | None,
          rel: str) -> Edit | None:
    """The file with `old` → `new` under `keys` (and its aliases set); None when nothing changes.
    Refused when the edit would not read back as meant."""
    text = _read(path)
    if old not in text and aliases is None:
        return None
    parts = yamledit.split(text, path.suffix in (".yaml", ".yml"))
    if parts is None:
        raise Refused([Problem(rel, None, "cannot find the front matter to edit",
                               f"fix the file (portalgen check), or replace '{old}' by '{new}' in it by hand")])
    if not yamledit.readable(parts.yaml):
        raise Refused([Problem(rel, None, f"mentions '{old}', and its YAML cannot be read to edit it safely",
                               "fix the file first (portalgen check says what is wrong), then run rename again")])
    body, count = yamledit.replace_slug(parts.yaml, keys, old, new)
    if aliases is not None:
        body = yamledit.set_aliases(body, aliases)
    # Read back even when nothing was edited: a reference written in a way the line edit does not
    # know ("feedback": [...]) is then found, and named, instead of left dangling.
    if not yamledit.read_back(parts.yaml, body, keys, old, new, aliases):
        raise Refused([Problem(rel, None, f"cannot edit the references to '{old}' here safely",
                               f"replace '{old}' by '{new}' in it by hand (portalgen check finds them), "
                               "then run rename again")])
    if body == parts.yaml and dest == path:
        return None
    return Edit(path, dest, text, yamledit.Split(parts.head, body, parts.tail).text, count)


def _plan(project: Path, records: Records, kind: Kind, old: str, new: str) -> tuple[list[Edit], Path]:
    """Every edit of the rename, worked out in memory; Refused or UsageError before anything is written."""
    found = discover(project / "content", project, Problems())
    mine = [p for k, p in found if k == kind.name and p.stem == old]
    if not mine:
        slugs = sorted({p.stem for k, p in found if k == kind.name})
        guess = did_you_mean(old, slugs)
        raise UsageError(f"no {kind.name} '{old}' in content/{kind.folder}/" + (f": {guess}" if guess else ""))
    source = mine[0]
    taken = [p for k, p in found if k == kind.name and p.stem == new]
    if taken:
        raise Refused([Problem(taken[0].relative_to(project).as_posix(), None,
                               f"{kind.name} slug '{new}' is already used by this file",
                               "choose another new slug")])
    for record in kind.table(records).values():
        if new in getattr(record, "aliases", ()) and record.slug != old:
            raise Refused([Problem(record.path, None, f"'{new}' is an old slug (alias) of this {kind.name}: its "
                                   "address redirects there", "choose another new slug")])
    target = source.with_name(new + source.suffix)
    aliases = [a for a in _aliases_of(kind, records, old) if a != new] + [old]
    own = _edit(source, target, _keys(kind, kind), old, new, aliases, source.relative_to(project).as_posix())
    edits = [own] if own is not None else []
    for other_kind, path in found:
        keys = _keys(KINDS[other_kind], kind)
        if path != source and keys:
            edit = _edit(path, path, keys, old, new, None, path.relative_to(project).as_posix())
            if edit is not None:
                edits.append(edit)
    return edits, target


def _keys(referrer: Kind, target: Kind) -> list[str]:
    """The keys of `referrer` that name records of `target`'s kind."""
    return [f.name for f in referrer.references if f.target == target.name]


def _aliases_of(kind: Kind, records: Records, slug: str) -> list[str]:
    record = kind.table(records).get(slug)
    return list(getattr(record, "aliases", ()) or ())


def _write(edits: list[Edit]) -> None:
    """Write every edit, or (on any failure) put every file back as it was."""
    done: list[Edit] = []
    try:
        for edit in edits:
            _replace(edit.dest, edit.after, new=edit.dest != edit.path)
            done.append(edit)
            if edit.dest != edit.path:
                edit.path.unlink()
    except OSError as exc:
        _undo(done)
        raise WriteError(f"cannot write {edit.dest}: {exc.strerror or exc}; nothing was changed") from exc


def _replace(path: Path, text: str, new: bool = False) -> None:
    """Write through a temporary file beside it, so a reader never sees half a file."""
    if new and path.exists():
        raise FileExistsError(path)
    temp = path.with_name(f".{path.name}.rename")
    with open(temp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(temp, path)


def _undo(edits: list[Edit]) -> None:
    for edit in reversed(edits):
        _replace(edit.path, edit.before)
        if edit.dest != edit.path and edit.dest.exists():
            edit.dest.unlink()


def rename_record(project: Path, kind_word: str, old: str, new: str) -> Renamed:
    """Rename one record and every reference to it, or refuse and change nothing.

    Raises UsageError for a bad invocation, Refused for a clash or an edit that cannot be made
    safely, or when `check` finds an error the rename would add (then the files are put back).
    """
    kind = KINDS[parse_kind(kind_word)]
    old, new = old.strip(), _valid_slug(new)
    if old == new:
        raise UsageError(f"'{old}' is already its slug")
    known, before = building.check(project)
    edits, target = _plan(project, known, kind, old, new)
    _write(edits)
    moved = {edits[0].path.relative_to(project).as_posix(): target.relative_to(project).as_posix()}
    seen = {(moved.get(p.path, p.path), p.message) for p in before.errors}
    records, after = building.check(project)
    introduced = [p for p in after.sorted() if p.severity is Severity.ERROR and (p.path, p.message) not in seen]
    if introduced:
        _undo(edits)
        raise Refused(introduced)
    renamed = Renamed(edits[0].path, target, kind.name, new, edits)
    record = kind.table(records).get(new)
    published = record is not None and getattr(record, "public", True) and not getattr(record, "draft", False)
    if kind.name == "customer" and record is not None and not record.named:
        renamed.note = "anonymous customers have no page, so the old slug is not published anywhere"
    elif not published:
        renamed.note = "its old address redirects once the record is published"
    else:
        renamed.redirect = urls.pretty(urls.record(kind.name, old))
    return renamed


@click.command()
@click.argument("kind", metavar="feedback|decision|change|customer")
@click.argument("old")
@click.argument("new")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def rename(kind: str, old: str, new: str, path: Path | None) -> None:
    """Give a record a new slug: rename its file, update every reference, keep the old address.

    The record gains `aliases: [OLD]`, and the build writes a redirect page at its old address
    (customers: only when named, as only named customers have a page). Comments and formatting
    of the edited files are kept.

    \b
    portalgen rename feedback dark-mode dark-mode-for-dashboards
    """
    root = building.find_project(path)
    try:
        done = rename_record(root, kind, old, new)
    except Refused as exc:
        print_refusal(exc.problems)
    click.echo(display_path(done.new))  # stdout: the new file, as `new` prints the file it made
    say(f"✓ renamed {display_path(done.old)} → {display_path(done.new)}", "green")
    for edit in done.edits[1:]:
        say(f"  {display_path(edit.path)}: {edit.references} reference{'s' if edit.references != 1 else ''}")
    if done.redirect:
        say(f"  the old address {done.redirect} redirects to {urls.pretty(urls.record(done.kind, done.slug))}")
    else:
        say(f"  no redirect: {done.note}")
