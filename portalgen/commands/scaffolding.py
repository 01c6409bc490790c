"""`portalgen init` and `portalgen new`: create a portal project, or one record, that passes `check`.

Both refuse rather than overwrite: nothing that exists is ever replaced, and a refused command
writes nothing at all.
"""

from __future__ import annotations

import json
import os
import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from portalgen import __version__
from portalgen.content.fields import did_you_mean
from portalgen.content.files import discover
from portalgen.content.kinds import KINDS as KIND_REGISTRY
from portalgen.content.problems import Problem, Problems, UsageError
from portalgen.content.references import unknown_reference
from portalgen.content.schema import OUTCOMES
from portalgen.content.slugs import SLUG_RE, slugify
from portalgen.output.writing import WriteError

SKELETON = Path(__file__).resolve().parent / "skeleton"
DEFAULT_TITLE = "You said, we did"
DEFAULT_BASE_URL = "https://example.github.io/your-portal/"
KINDS = ("feedback", "decision", "change", "customer")
_KIND_ALIASES = {"feedback": "feedback", "decision": "decision", "decisions": "decision",
                 "change": "change", "changes": "change", "customer": "customer",
                 "customers": "customer"}
REVISIT_AFTER_DAYS = 91


class Refused(Exception):
    """The command would overwrite, clash or dangle; carries every reason, nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _clean_text(text: str, what: str) -> str:
    """One line of printable text: control and format characters removed, spaces collapsed."""
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    clean = " ".join(kept.split())
    if not clean:
        raise UsageError(f"{what} is empty: give the record a short title in quotes, "
                         'e.g. "Dark mode for dashboards"')
    return clean


# --- init -----------------------------------------------------------------------------------


def _skeleton_files() -> dict[str, Path]:
    """Skeleton files by destination path; 'dot-x' stands for '.x' (so git and packaging keep them)."""
    files: dict[str, Path] = {}
    for path in sorted(SKELETON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(SKELETON).as_posix()
            dest = "/".join("." + p[4:] if p.startswith("dot-") else p for p in rel.split("/"))
            files[dest] = path
    return files


def _blocker(directory: Path, rel: str) -> str | None:
    """The first part of `rel` that is in the way: the file itself, a file where a folder goes,
    or a symlink (never followed)."""
    parts = rel.split("/")
    path = directory
    for i, part in enumerate(parts):
        path = path / part
        last = i == len(parts) - 1
        if path.is_symlink() or (path.exists() and (last or not path.is_dir())):
            return "/".join(parts[: i + 1])
    return None


def init_project(directory: Path, title: str | None = None, base_url: str | None = None,
                 today: date | None = None) -> list[Path]:
    """Create a portal project in `directory`: example content, .gitignore, README, CI workflow.

    Refuses (writing nothing) if any of those files already exists.
    """
    directory = directory.absolute()
    today = today or date.today()
    title = _clean_text(title, "the title") if title is not None else DEFAULT_TITLE
    base_url = (base_url or DEFAULT_BASE_URL).strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", base_url):
        raise UsageError(f"--base-url {base_url!r} is not an absolute http(s) URL; "
                         "write it like https://owner.github.io/repository/")
    if not base_url.endswith("/"):
        base_url += "/"
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder")
    values = {
        "title": title, "title_yaml": _yaml_text(title), "base_url_yaml": _yaml_text(base_url),
        "version": __version__, "joined": (today - timedelta(days=60)).isoformat(),
        "said": (today - timedelta(days=30)).isoformat(),
        "decided": (today - timedelta(days=21)).isoformat(), "shipped": today.isoformat(),
    }
    planned = {rel: string.Template(src.read_text("utf-8")).substitute(values)
               for rel, src in _skeleton_files().items()}

    clashes = Problems()
    for rel in planned:
        blocker = _blocker(directory, rel)
        if blocker is not None:
            clashes.error(blocker, None, "already exists; portalgen init never overwrites a file",
                          "move it away, or run portalgen init in a new, empty folder")
    if clashes.items:
        raise Refused(clashes.sorted())

    created: list[Path] = []
    made_dirs: list[Path] = []
    try:
        missing = [p for p in [directory, *directory.parents] if not p.exists()]
        directory.mkdir(parents=True, exist_ok=True)
        made_dirs.extend(reversed(missing))
        for rel, text in planned.items():
            folder = directory
            for part in rel.split("/")[:-1]:
                folder = folder / part
                if not folder.is_dir():
                    folder.mkdir()
                    made_dirs.append(folder)
            target = directory / rel
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            created.append(target)
    except OSError as exc:
        for path in reversed(created):
            path.unlink(missing_ok=True)
        for folder in reversed(made_dirs):
            try:
                folder.rmdir()
            except OSError:
                break
        if isinstance(exc, FileExistsError):
            raise Refused([Problem(Path(exc.filename or directory).name, None,
                                   "appeared while portalgen init was writing; nothing was kept",
                                   "run portalgen init again in an empty folder")]) from exc
        raise WriteError(f"cannot create the project in {directory}: {exc.strerror or exc} "
                         f"({exc.filename or directory}); nothing was kept") from exc
    return created


# --- new ------------------------------------------------------------------------------------


@dataclass
class NewRecord:
    """What `new` wrote, and what the author still has to fill in."""

    path: Path
    kind: str
    slug: str
    todo: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def parse_kind(kind: str) -> str:
    found = _KIND_ALIASES.get(kind.strip().lower())
    if found:
        return found
    guess = did_you_mean(kind, KINDS)
    raise UsageError(f"unknown kind '{kind}'" + (f": {guess}" if guess else "")
                     + " Choose one of: " + ", ".join(KINDS))


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
        return slug if yaml.safe_load(slug) == slug else _yaml_text(slug)  # "2025", "true", dates
    return "[" + ", ".join(one(s) for s in slugs) + "]"


def _existing(content: Path, root: Path) -> dict[str, dict[str, Path]]:
    """Slug → file of every record, by kind, wherever it sits in sub-folders."""
    by_kind: dict[str, dict[str, Path]] = {k: {} for k in KIND_REGISTRY}
    if not content.is_dir():
        return by_kind
    for kind, path in discover(content, root, Problems()):
        by_kind[kind].setdefault(path.stem, path)
    return by_kind


def _render(kind: str, title: str, today: date, customers: Sequence[str], feedback: Sequence[str],
            decisions: Sequence[str], outcome: str, draft: bool) -> tuple[str, list[str]]:
    """The new file's text and the TODOs it leaves for the author."""
    todo: list[str] = []
    q = _yaml_text(title)
    draft_line = "draft: true\n" if draft else ""
    if kind == "customer":
        return (f"name: {q}\n"
                '# segment: "Healthcare"   # credits an anonymous customer as "a Healthcare customer"\n'
                "credit: anonymous   # 'named' only with the organisation's consent to be named\n"
                f"joined: {today.isoformat()}\n"
                '# url: "https://example.com/"\n'
                "# people:\n"
                '#   - {name: "Ana Ruiz", role: "CTO", credit: anonymous}\n'
                "# private:               # never published\n"
                '#   notes: ""\n', todo)
    if kind == "feedback":
        head = (f"title: {q}\ndate: {today.isoformat()}\nfrom: {_slug_list(customers)}\n"
                '# source: "CAB meeting"\n# tags: [exports]\n'
                '# quote: "A short verbatim quote"\n' + draft_line)
        body = ("<!-- What did the customer say, and what is the problem behind it? "
                "Write it here, in Markdown. -->\n")
        return f"---\n{head}---\n{body}", todo
    if kind == "decision":
        head = (f"title: {q}\ndate: {today.isoformat()}\nfeedback: {_slug_list(feedback)}\n"
                f"outcome: {outcome}\n# priority: should   # must, should, could or wont\n")
        if outcome == "declined":
            head += 'workaround: "TODO: what customers can do instead."\n'
            todo += ["workaround", "the reasoning in the body"]
            body = "TODO: explain why we said no. A No is never published without its reason.\n"
        elif outcome == "deferred":
            revisit = today + timedelta(days=REVISIT_AFTER_DAYS)
            head += (f"revisit: {revisit.isoformat()}   # TODO: when we will look at this again\n"
                     '# workaround: "What customers can do meanwhile."\n')
            todo += ["revisit date", "the reasoning in the body"]
            body = "TODO: explain why not now, and what would change our mind.\n"
        elif outcome == "already-available":
            todo.append("the body")
            body = "TODO: say how to do this today, step by step.\n"
        else:
            body = "<!-- Why we decided this, in words the customer will understand. -->\n"
        return f"---\n{head}{draft_line}---\n{body}", todo
    head = f"title: {q}\ndate: {today.isoformat()}\n# version: \"1.2\"\n"
    if decisions:
        head += f"decisions: {_slug_list(decisions)}\n"
    if feedback:
        head += f"feedback: {_slug_list(feedback)}\n"
    body = "<!-- What changed, in the customers' terms. -->\n"
    return f"---\n{head}{draft_line}---\n{body}", todo


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


def new_record(project: Path, kind: str, title: str, *, customers: Sequence[str] = (),
               feedback: Sequence[str] = (), decisions: Sequence[str] = (), outcome: str | None = None,
               slug: str | None = None, draft: bool = False, today: date | None = None,
               verify: bool = True) -> NewRecord:
    """Write content/<folder>/<slug>.md (customers: .yaml) with every required key, or refuse.

    Raises UsageError for a bad invocation and Refused (with problems worded exactly as
    `portalgen check` words them) for a slug clash, a reference to a record that does not exist,
    or (`verify`, the default) any error `check` finds that the new file would add.
    """
    kind = parse_kind(kind)
    title = _clean_text(title, "the title")
    today = today or date.today()
    customers, feedback, decisions = split_slugs(customers), split_slugs(feedback), split_slugs(decisions)

    allowed = {"feedback": {"from"}, "decision": {"feedback", "outcome"},
               "change": {"decisions", "feedback"}, "customer": set()}[kind]
    given = {"from": customers, "feedback": feedback, "decisions": decisions, "outcome": outcome}
    for option, value in given.items():
        if value and option not in allowed:
            uses = {"from": "feedback", "feedback": "decisions and changes", "decisions": "changes",
                    "outcome": "decisions"}[option]
            raise UsageError(f"--{option} is for {uses}, not for a {kind}")
    if kind == "feedback" and not customers:
        raise UsageError("new feedback needs --from CUSTOMER: the slug of the customer who said it "
                         "(several: --from a,b)")
    if kind == "decision" and not feedback:
        raise UsageError("a new decision needs --feedback ITEM: the slug of the feedback it answers "
                         "(several: --feedback a,b)")
    if kind == "decision":
        outcome = (outcome or "under-review").strip()
        if outcome not in OUTCOMES:
            guess = did_you_mean(outcome, OUTCOMES)
            raise UsageError(f"--outcome '{outcome}' is not allowed: " + (f"{guess} " if guess else "")
                             + "one of: " + ", ".join(OUTCOMES))

    if slug is not None:
        slug = slug.strip()
        if not SLUG_RE.fullmatch(slug):
            raise UsageError(f"--slug '{slug}' is not a valid slug (lowercase a-z, 0-9 and '-', starting "
                             f"with a letter or digit, at most 80 characters), e.g. {slugify(slug)}")
    slug = slug or slugify(title)

    content = project / "content"
    folder = KIND_REGISTRY[kind].folder
    suffix = ".yaml" if kind == "customer" else ".md"
    target = content / folder / f"{slug}{suffix}"
    rel = target.relative_to(project).as_posix()
    existing = _existing(content, project)

    problems = Problems()
    clash = existing[kind].get(slug)
    if clash is None and target.exists():
        clash = target
    if clash is not None:
        problems.error(clash.relative_to(project).as_posix(), None,
                       f"{kind} slug '{slug}' is already used by this file",
                       "choose another title, or pass --slug with another slug")

    text, todo = _render(kind, title, today, customers, feedback, decisions, outcome or "", draft)
    _verify(text, kind, title)
    refs = {"from": ("customer", customers), "feedback": ("feedback", feedback),
            "decisions": ("decision", decisions)}
    for key, (target_kind, slugs) in refs.items():
        known = existing[target_kind]
        for ref in slugs:
            line = _key_line(text, key)
            if not SLUG_RE.fullmatch(ref):
                problems.error(rel, line, f"'{key}': {ref!r} is not a slug",
                               "use record file names without extension, e.g. acme-health")
            elif ref not in known:
                problems.error(rel, line, *unknown_reference(key, target_kind, ref, set(known)))
    if problems.items:
        raise Refused(problems.items)

    _create(target, rel, text, kind, slug)
    warnings = _verify_with_check(project, target, rel, text, kind, slug) if verify else []
    return NewRecord(target, kind, slug, todo, warnings)


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
    to tell its own errors from those that were there before. Returns the new file's warnings.
    """
    from portalgen.pipeline.building import check

    _, after = check(project)
    if after.errors:
        target.unlink()
        _, before = check(project)
        introduced = sorted(set(after.errors) - set(before.errors),
                            key=lambda p: (p.path != rel, p.path, p.line or 0, p.message))
        if introduced:
            raise Refused(introduced)
        _create(target, rel, text, kind, slug)
    return [p for p in after.warnings if p.path == rel]


def display_path(path: Path) -> str:
    """The path relative to the current folder when it is inside it, else absolute."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)
