"""GitHub issues: a JSON array of issue objects, as the REST API (`/repos/O/R/issues`) and
`gh issue list --json ...` return them, read into ideas.

Both spellings are read: `user.login` / `author.login`, `created_at` / `createdAt`,
`state_reason` / `stateReason` (any case), `labels[].name` or plain strings, `reactions.total_count`
or `reactionGroups[].users.totalCount`. Pull requests (`pull_request`, `isPullRequest`) are not
feedback: they are skipped and listed. A closed issue's response is its last comment written on or
after the day it was closed, when the export holds `comments`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from portalgen.content.importing.ideas import Idea, Person, Reading, Status
from portalgen.content.importing.values import parse_count, parse_date, squash
from portalgen.content.problems import UsageError

# Labels that say more about an issue's fate than its state does (squashed to a-z).
STATUS_LABELS: dict[str, Status] = {
    **{w: "planned" for w in ("planned", "accepted", "roadmap", "onroadmap")},
    **{w: "in-progress" for w in ("inprogress", "started", "wip", "workinprogress", "doing")},
    **{w: "declined" for w in ("wontfix", "wontdo", "willnotfix", "willnotimplement", "notplanned", "declined",
                               "invalid")},
    **{w: "deferred" for w in ("deferred", "later", "notnow", "onhold", "icebox")},
    **{w: "under-review" for w in ("underreview", "needstriage", "triage", "considering")},
    **{w: "already-available" for w in ("alreadyavailable", "alreadyexists", "alreadypossible")},
    "duplicate": "duplicate",
}
_DUPLICATE_OF = re.compile(r"duplicate\s+of\s+(?:[\w.-]+/[\w.-]+)?#(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Options:
    segment_prefix: str = ""  # labels "PREFIX…" name the author's segment (--segment-from label:PREFIX)


def read(path: Path, options: Options | None = None) -> Reading:
    options = options or Options()
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not JSON (line {exc.lineno}: {exc.msg}); export the issues with "
                         "`gh issue list --state all --json number,title,body,author,labels,state,stateReason,"
                         "createdAt,closedAt,milestone,url` or the REST API") from exc
    if isinstance(data, dict):
        data = data.get("items", data.get("issues"))
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a JSON array of GitHub issues")
    reading = Reading()
    for index, item in enumerate(data, 1):
        where = f"item {index}"
        if not isinstance(item, dict):
            reading.unmapped.append((where, "not an issue object"))
            continue
        if _number(item) is not None:
            where = f"issue #{item['number']}"
        if item.get("pull_request") is not None or item.get("isPullRequest") is True:
            reading.unmapped.append((where, "a pull request, not an issue: skipped"))
            continue
        idea, why = _idea(item, where, options)
        if idea is None:
            reading.unmapped.append((where, why))
        else:
            reading.ideas.append(idea)
    return reading


def _idea(item: dict[str, Any], where: str, options: Options) -> tuple[Idea | None, str]:
    number = _number(item)
    if number is None:
        return None, "no issue number"
    title = _text(item.get("title"))
    if not title.strip():
        return None, "no title"
    created = parse_date(item.get("created_at", item.get("createdAt")))
    if created is None:
        return None, "no created_at date"
    closed = parse_date(item.get("closed_at", item.get("closedAt")))
    labels = _labels(item.get("labels"))
    body = _text(item.get("body"))
    status = _status(item, labels, body)
    segment = ""
    tags: list[str] = []
    for label in labels:
        if options.segment_prefix and label.casefold().startswith(options.segment_prefix.casefold()):
            segment = segment or label[len(options.segment_prefix):].strip()
        elif squash(label) not in STATUS_LABELS:
            tags.append(label)
    author = _author(item, segment)
    duplicate = _DUPLICATE_OF.search(body) if status == "duplicate" else None
    milestone = item.get("milestone")
    return Idea(
        source="github", id=str(number), title=title, body=body, created=created, author=author,
        tags=tuple(tags), votes=_votes(item), status=status, response=_response(item, closed),
        responded=closed, closed=closed, duplicate_of=duplicate[1] if duplicate else "",
        version=_text(milestone.get("title")) if isinstance(milestone, dict) and status == "completed" else "",
        url=_text(item.get("html_url") or item.get("url")), where=where), ""


def _number(item: dict[str, Any]) -> int | None:
    number = item.get("number")
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _status(item: dict[str, Any], labels: list[str], body: str) -> Status:
    """Closed as completed → completed, as not planned → declined, open → open; a status label
    (planned, in progress, wontfix, duplicate, …) says more and wins."""
    state = squash(_text(item.get("state")))
    reason = squash(_text(item.get("state_reason", item.get("stateReason"))))
    by_label = [STATUS_LABELS[squash(label)] for label in labels if squash(label) in STATUS_LABELS]
    if state == "closed":
        if reason == "duplicate" or "duplicate" in by_label:
            return "duplicate"
        refined = [s for s in by_label if s in ("declined", "deferred", "already-available")]
        if refined:
            return refined[0]
        return "declined" if reason == "notplanned" else "completed"
    open_refined = [s for s in by_label if s in ("planned", "in-progress", "under-review", "deferred")]
    return open_refined[-1] if open_refined else "open"


def _labels(value: Any) -> list[str]:
    labels = []
    for label in value if isinstance(value, list) else []:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str) and name.strip():
            labels.append(" ".join(name.split()))
    return labels


def _author(item: dict[str, Any], segment: str) -> Person | None:
    user = item.get("user") or item.get("author")
    if not isinstance(user, dict) or not isinstance(user.get("login"), str) or not user["login"].strip():
        return None
    login = user["login"].strip()
    return Person(key=login.casefold(), name=_text(user.get("name")), login=login, email=_text(user.get("email")),
                  segment=segment)


def _votes(item: dict[str, Any]) -> int | None:
    reactions = item.get("reactions")
    if isinstance(reactions, dict):
        return parse_count(reactions.get("total_count"))
    groups = item.get("reactionGroups")
    if isinstance(groups, list):
        counts = [parse_count((g.get("users") or {}).get("totalCount")) for g in groups if isinstance(g, dict)]
        return sum(c for c in counts if c)
    return None


def _response(item: dict[str, Any], closed: date | None) -> str:
    """The comment that closed the issue: the last one written on or after the day it was closed."""
    comments = item.get("comments")
    if closed is None or not isinstance(comments, list):
        return ""
    for comment in reversed(comments):
        if not isinstance(comment, dict):
            continue
        written = parse_date(comment.get("created_at", comment.get("createdAt")))
        if written is not None and written >= closed:
            return _text(comment.get("body"))
    return ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""
