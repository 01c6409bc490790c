"""Canny's API answers (JSON), read into the neutral form.

Canny has no one-file export: its API lists posts, status changes, changelog entries, companies and
votes separately. Save each answer as it comes (the list, or the whole answer with the list under
its key) and pass either

- a **folder** holding `posts.json` (required) and any of `status_changes.json`, `changelog.json`,
  `companies.json`, `votes.json`; or
- **one JSON file**: an object with the lists under `posts` (required), `statusChanges`,
  `changelog` (or `entries`), `companies` and `votes`; a bare array is read as the posts.

What each holds:
- posts (`/posts/list`): `id, title, details, created, status, url, statusChangedAt, score,
  board{name}, category{name}, tags[{name}], author{id, name, email, companies[]}, mergeHistory[]`;
- status changes (`/status_changes/list`): `post{id}, status, changeComment{value}, created`. The
  latest one's comment is the post's response (the reasoning), its date when it was responded to;
- changelog entries (`/entries/list`): `title, publishedAt, posts[{id}], types[]`. A complete post
  that a published entry lists shipped in that entry: its title is the version, its date `closed`;
- companies (`/companies/list`): `id, name, monthlySpend`: an author's or voter's company is their
  organisation and its monthly spend their (private) weight;
- votes (`/votes/list`, optional): `post{id}, voter{id, name, email, companies[]}`.

The category and the tags become tags; so does the board, when the posts are on more than one.

Statuses: open, under review, planned, in progress, complete (completed), closed (declined); any
other (a custom status) is read as open, with a note. A post merged into another
(`mergeHistory` of the one that stayed) is its duplicate, and its author and voters vote for the
one that stayed; a merged post absent from posts is read from the merge history.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from portalgen.content.importing import cells
from portalgen.content.importing.ideas import Idea, Person, Reading, Status
from portalgen.content.problems import UsageError

SOURCE = "canny"
EXPECTED = ("Canny's posts as JSON: a folder with posts.json (and status_changes.json, changelog.json, "
            "companies.json, votes.json), or one JSON object with them under posts, statusChanges, changelog, "
            "companies, votes")

# Each list: its file in a folder, and the keys it may have in one object or in the API's answer.
LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "posts": ("posts.json", ("posts",)),
    "statusChanges": ("status_changes.json", ("statusChanges", "status_changes")),
    "changelog": ("changelog.json", ("changelog", "entries")),
    "companies": ("companies.json", ("companies",)),
    "votes": ("votes.json", ("votes",)),
}

STATUSES: dict[str, Status] = {
    "open": "open",
    "under review": "under-review",
    "planned": "planned",
    "in progress": "in-progress",
    "complete": "completed",
    "closed": "declined",
}

Companies = dict[str, tuple[str, float | None]]  # id → (name, monthly spend)
_OLDEST = datetime.min.replace(tzinfo=UTC)


def read(path: Path) -> Reading:
    """Every post of a Canny export, with responses, versions, voters and merges."""
    reading = Reading()
    notes = reading.unmapped
    lists = _lists(path, notes)
    companies = _companies(lists["companies"])
    ideas: dict[str, Idea] = {}
    posts: list[tuple[str, dict[str, Any]]] = []
    # A board is a product area only when there are several: most portals have one, "Feature Requests".
    boards = len({_name(_obj(post).get("board")) for post in lists["posts"]} - {""}) > 1
    for number, post in enumerate(lists["posts"], 1):
        idea = _idea(post, number, companies, boards, notes)
        if idea is None:
            continue
        if idea.id in ideas:
            notes.append((idea.where, "in posts twice: the second left out"))
            continue
        ideas[idea.id] = idea
        posts.append((idea.id, post))
    parents = _merged(posts, ideas, notes)
    _add_voters(lists["votes"], ideas, companies, notes)
    _add_responses(lists["statusChanges"], ideas, notes)
    _add_versions(lists["changelog"], ideas)
    _mark_duplicates(parents, ideas, notes)
    reading.ideas.extend(ideas.values())
    return reading


def _lists(path: Path, notes: cells.Notes) -> dict[str, list[Any]]:
    """The five lists, empty when absent; UsageError when there are no posts."""
    if path.is_dir():
        if not (path / "posts.json").is_file():
            raise UsageError(f"{path} has no posts.json: expected {EXPECTED}")
        found: dict[str, list[Any]] = {}
        for name, (filename, keys) in LISTS.items():
            file = path / filename
            found[name] = _array(_load(file, notes), file, keys) if file.is_file() else []
        return found
    data = _load(path, notes)
    if isinstance(data, list):
        data = {"posts": data}
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise UsageError(f"{path} has no list of posts: expected {EXPECTED}")
    return {name: _array(data, path, keys) if any(data.get(k) is not None for k in keys) else []
            for name, (_, keys) in LISTS.items()}


def _load(path: Path, notes: cells.Notes) -> Any:
    content = cells.read_text(path, EXPECTED, notes)
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): "
                         f"expected {EXPECTED}") from None
    except RecursionError:
        raise UsageError(f"{path} nests too deep to be an API answer: expected {EXPECTED}") from None


def _array(data: Any, path: Path, keys: tuple[str, ...]) -> list[Any]:
    """The list itself, or the list under one of its keys (how Canny's API answers)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), list):
                return list(data[key])
    raise UsageError(f"{path} holds no list under '{keys[0]}': expected {EXPECTED}")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _raw_id(value: Any) -> str:
    return cells.one_line(cells.text(value.get("id") if isinstance(value, dict) else value))


def _id(value: Any) -> str:
    """An id from an object's `id` or the id itself; nothing when it is not one."""
    return cells.token(_raw_id(value))


def _companies(items: list[Any]) -> Companies:
    found: Companies = {}
    for item in items:
        company = _obj(item)
        if _id(company):
            found.setdefault(_id(company), (cells.one_line(cells.text(company.get("name"))),
                                            cells.to_float(company.get("monthlySpend"))))
    return found


def _person(user: Any, companies: Companies) -> Person | None:
    """A Canny user; keyed by their Canny id, else e-mail, else name. Their first company, if any,
    is their organisation."""
    user = _obj(user)
    name, email = cells.one_line(cells.text(user.get("name"))), cells.one_line(cells.text(user.get("email")))
    key = _id(user) or (cells.email_key(email) if email else name)
    if not key:
        return None
    organisation, weight = "", None
    listed = user.get("companies")
    if isinstance(listed, list) and listed:
        first = listed[0]
        organisation, weight = companies.get(_id(first), ("", None))
        if isinstance(first, dict):
            organisation = cells.one_line(cells.text(first.get("name"))) or organisation
            weight = cells.to_float(first.get("monthlySpend")) if "monthlySpend" in first else weight
    return Person(key=key, name=name, organisation=organisation, email=email, weight=weight)


def _name(value: Any) -> str:
    return cells.one_line(cells.text(_obj(value).get("name")))


def _idea(post: Any, number: int, companies: Companies, boards: bool, notes: cells.Notes) -> Idea | None:
    if not isinstance(post, dict):
        notes.append((f"posts item {number}", "not an object: left out"))
        return None
    post_id = _id(post)
    if not post_id:
        raw = _raw_id(post)
        notes.append((f"posts item {number}", f"id {cells.shown(raw)} is not a Canny id" if raw else "no id"))
        return None
    where = f"post {post_id}"
    title = cells.one_line(cells.text(post.get("title")))
    if not title:
        notes.append((where, "no title"))
        return None
    written = cells.one_line(cells.text(post.get("status")))
    status = STATUSES.get(written.casefold()) if written else "open"
    if status is None:
        notes.append((where, f"status {cells.shown(written)} read as open"))
        status = "open"
    tags = [_name(post.get("board")) if boards else "", _name(post.get("category"))]
    listed = post.get("tags")
    tags += [cells.one_line(cells.text(_obj(tag).get("name") if isinstance(tag, dict) else tag))
             for tag in (listed if isinstance(listed, list) else [])]
    return Idea(
        source=SOURCE,
        id=post_id,
        title=title,
        body=cells.text(post.get("details")),
        created=cells.date_cell(cells.text(post.get("created")), where, "created", notes),
        author=_person(post.get("author"), companies),
        tags=cells.unique(tags),
        votes=cells.int_cell(cells.text(post.get("score")), where, "score", notes),
        status=status,
        responded=cells.date_cell(cells.text(post.get("statusChangedAt")), where, "statusChangedAt", notes),
        url=cells.one_line(cells.text(post.get("url"))),
        where=where,
    )


def _merged(posts: list[tuple[str, dict[str, Any]]], ideas: dict[str, Idea], notes: cells.Notes) -> dict[str, str]:
    """Which post each merged post went into; merged posts absent from the posts are read from the
    merge history (title, details, created) and added to `ideas`."""
    parents: dict[str, str] = {}
    for post_id, post in posts:
        history = post.get("mergeHistory")
        for entry in history if isinstance(history, list) else []:
            merged = _obj(_obj(entry).get("post"))
            merged_id = _id(merged)
            if not merged_id or merged_id == post_id:
                continue
            parents.setdefault(merged_id, post_id)
            if merged_id in ideas:
                continue
            where = f"post {merged_id}"
            title = cells.one_line(cells.text(merged.get("title")))
            if not title:
                notes.append((where, f"merged into post {post_id} with no title: left out"))
                continue
            created = cells.text(merged.get("created")) or cells.text(_obj(entry).get("created"))
            ideas[merged_id] = Idea(source=SOURCE, id=merged_id, title=title, body=cells.text(merged.get("details")),
                                    created=cells.date_cell(created, where, "created", notes), where=where)
    return parents


def _with_voters(idea: Idea, people: list[Person]) -> Idea:
    """The idea with these people among its voters, each once, its author never."""
    known = {voter.key for voter in idea.voters} | ({idea.author.key} if idea.author else set())
    added: list[Person] = []
    for person in people:
        if person.key not in known:
            known.add(person.key)
            added.append(person)
    return replace(idea, voters=idea.voters + tuple(added)) if added else idea


def _add_voters(votes: list[Any], ideas: dict[str, Idea], companies: Companies, notes: cells.Notes) -> None:
    for number, vote in enumerate(votes, 1):
        post_id = _id(_obj(vote).get("post")) or cells.token(cells.text(_obj(vote).get("postID")))
        voter = _person(_obj(vote).get("voter"), companies)
        if post_id not in ideas:
            notes.append((f"vote {number}", f"for {cells.shown(post_id) if post_id else 'no post'}, "
                          "which is not among the posts: left out"))
        elif voter is not None:
            ideas[post_id] = _with_voters(ideas[post_id], [voter])


def _add_responses(changes: list[Any], ideas: dict[str, Idea], notes: cells.Notes) -> None:
    """The latest status change of each post: its comment is the response, its date `responded`."""
    latest: dict[str, tuple[datetime, int, dict[str, Any]]] = {}
    for number, item in enumerate(changes, 1):
        change = _obj(item)
        post_id = _id(change.get("post"))
        if post_id not in ideas:
            notes.append((f"status change {number}", f"for {cells.shown(post_id) if post_id else 'no post'}, "
                          "which is not among the posts: left out"))
            continue
        try:
            when = cells.moment(cells.text(change.get("created")))
        except (ValueError, OverflowError, OSError):
            notes.append((f"status change {number}", f"created {cells.shown(cells.text(change.get('created')))} "
                          "is not a date: read as the oldest"))
            when = _OLDEST
        if post_id not in latest or (when, number) >= latest[post_id][:2]:
            latest[post_id] = (when, number, change)
    for post_id, (when, _, change) in latest.items():
        comment = change.get("changeComment")
        response = cells.text(comment.get("value") if isinstance(comment, dict) else comment)
        responded = when.date() if when != _OLDEST else ideas[post_id].responded
        ideas[post_id] = replace(ideas[post_id], response=response, responded=responded)


def _add_versions(entries: list[Any], ideas: dict[str, Idea]) -> None:
    """A completed post listed by a published changelog entry shipped in the first such entry."""
    shipped: dict[str, tuple[date, str]] = {}
    for item in entries:
        entry = _obj(item)
        title = cells.one_line(cells.text(entry.get("title")))
        try:
            published = cells.to_date(cells.text(entry.get("publishedAt")))
        except (ValueError, OverflowError, OSError):
            continue  # a draft or a scheduled entry: nothing has shipped in it yet
        listed = entry.get("posts")
        for post in listed if isinstance(listed, list) else []:
            post_id = _id(post)
            if title and post_id in ideas and (post_id not in shipped or published < shipped[post_id][0]):
                shipped[post_id] = (published, title)
    for post_id, (published, title) in shipped.items():
        if ideas[post_id].status == "completed":
            ideas[post_id] = replace(ideas[post_id], version=title, closed=published)


def _mark_duplicates(parents: dict[str, str], ideas: dict[str, Idea], notes: cells.Notes) -> None:
    """Each merged post: a duplicate of the post that stayed (the end of a chain of merges), whose
    voters its author and voters join."""
    original = dict(ideas)
    for merged_id in parents:
        root, seen = merged_id, set()
        while root in parents and root not in seen:
            seen.add(root)
            root = parents[root]
        if merged_id not in original:
            continue  # read from the merge history without a title: already noted
        if root == merged_id:
            notes.append((f"post {merged_id}", "merged in a circle: read as it is"))
            continue
        merged = original[merged_id]
        ideas[merged_id] = replace(ideas[merged_id], status="duplicate", duplicate_of=root)
        people = ([merged.author] if merged.author else []) + list(merged.voters)
        ideas[root] = _with_voters(ideas[root], people)
