"""UserVoice's suggestions (ideas) CSV export, read into the neutral form.

Columns: `ideaId, ideaTitle, ideaDescription, ideaCreatorName, ideaCreatorEmailAddress, forumName,
categoryName, labels, publicStatusName, publicStatusUpdateMessage, publicStatusUpdatedTimestamp,
votersCount, createdTimestamp`, and **one row per idea and voter**: the rows are grouped by
`ideaId`, the idea's own cells read from its first row. The voter of each row is in `userName`,
`userEmailAddress` and `userAccountName` when the export has them (also spelt `voterName`,
`voterEmailAddress`, `voterCompany`, …); without them the ideas have no voters but their creator.
An idea merged into another (`parentIdeaId`, when exported) is a duplicate of it.

The forum and the category are product areas: they become tags, before the labels. The voter's
account (company) is their organisation; e-mail addresses only ever go to `Person.email`.

Statuses are UserVoice's names (each portal may rename them): planned; started / in progress;
completed / complete; declined / will not implement; already exists; under review. Any other name
keeps the idea, read as open, with a note. `moderationState` spam or denied reads as deleted.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from portalgen.content.importing import cells
from portalgen.content.importing.ideas import Idea, Person, Reading, Status

SOURCE = "uservoice"
EXPECTED = "UserVoice's suggestions CSV export (columns ideaId, ideaTitle, publicStatusName, …)"
REQUIRED = ("ideaid", "ideatitle")

STATUSES: dict[str, Status] = {
    "": "open",
    "open": "open",
    "new": "open",
    "under review": "under-review",
    "reviewing": "under-review",
    "planned": "planned",
    "started": "in-progress",
    "in progress": "in-progress",
    "completed": "completed",
    "complete": "completed",
    "declined": "declined",
    "will not implement": "declined",
    "not planned": "declined",
    "already exists": "already-available",
    "already available": "already-available",
    "deferred": "deferred",
    "on hold": "deferred",
}
HIDDEN = {"spam", "denied", "deleted"}  # moderation states of ideas nobody was meant to see

# The voter's cells, by the names UserVoice's exports and their users' spreadsheets give them.
VOTER_NAME = ("username", "votername", "supportername", "voter")
VOTER_EMAIL = ("useremailaddress", "useremail", "voteremailaddress", "voteremail", "supporteremailaddress",
               "supporteremail")
VOTER_ORGANISATION = ("useraccountname", "voteraccountname", "votercompany", "usercompany", "supporteraccountname",
                      "supportercompany", "accountname")
CREATOR_ORGANISATION = ("ideacreatoraccountname", "ideacreatorcompany")
PARENT = ("parentideaid", "ideaparentid", "parentid", "mergedintoideaid")


def read(path: Path) -> Reading:
    """Every idea of a UserVoice export with its voters; rows without an ideaId are unmapped."""
    reading = Reading()
    notes = reading.unmapped
    table = cells.read_table(path, EXPECTED, REQUIRED, notes)
    groups: dict[str, list[cells.Row]] = {}
    for row in table.rows:
        raw = row.get("ideaid")
        if not raw or not _id(raw):
            notes.append((row.where, f"ideaId {cells.shown(raw)} is not an idea number" if raw else "no ideaId"))
            continue
        groups.setdefault(_id(raw), []).append(row)
    for idea_id, rows in groups.items():
        idea = _idea(idea_id, rows[0], notes)
        if idea is not None:
            author, voters = _voters(rows, idea.author)
            reading.ideas.append(replace(idea, author=author, voters=voters))
    return reading


def _id(raw: str) -> str:
    """`123`, `123.0` (a spreadsheet's number) and ` 123 ` are one idea; anything else is none."""
    try:
        return str(cells.to_int(raw))
    except (ValueError, OverflowError):
        return ""


def _idea(idea_id: str, row: cells.Row, notes: cells.Notes) -> Idea | None:
    where = f"idea {idea_id}"
    title = cells.one_line(row.get("ideatitle"))
    if not title:
        notes.append((f"{where} ({row.where})", "no title"))
        return None
    status, duplicate_of = _status(row, idea_id, where, notes)
    area = (cells.one_line(row.get("forumname")), cells.one_line(row.get("categoryname")))
    return Idea(
        source=SOURCE,
        id=idea_id,
        title=title,
        body=row.get("ideadescription"),
        created=cells.date_cell(row.get("createdtimestamp", "ideacreatedtimestamp"), where, "createdTimestamp",
                                notes),
        author=_person(row.get("ideacreatorname"), row.get("ideacreatoremailaddress", "ideacreatoremail"),
                       row.get(*CREATOR_ORGANISATION)),
        tags=cells.unique([*area, *cells.split_list(row.get("labels", "labelnames"))]),
        votes=cells.int_cell(row.get("voterscount", "votecount", "supporterscount"), where, "votersCount", notes),
        status=status,
        response=row.get("publicstatusupdatemessage"),
        responded=cells.date_cell(row.get("publicstatusupdatedtimestamp"), where, "publicStatusUpdatedTimestamp",
                                  notes),
        duplicate_of=duplicate_of,
        url=cells.one_line(row.get("ideaportalurl", "portalurl", "ideaurl")),
        where=where,
    )


def _status(row: cells.Row, idea_id: str, where: str, notes: cells.Notes) -> tuple[Status, str]:
    """The idea's status, and the idea it was merged into (then it is a duplicate)."""
    if cells.one_line(row.get("moderationstate")).casefold() in HIDDEN:
        return "deleted", ""
    parent = _id(row.get(*PARENT))
    if parent and parent != idea_id:
        return "duplicate", parent
    written = cells.one_line(row.get("publicstatusname"))
    status = STATUSES.get(written.casefold())
    if status is None:
        notes.append((where, f"status {cells.shown(written)} read as open"))
        return "open", ""
    return status, ""


def _person(name: str, email: str, organisation: str) -> Person | None:
    """Someone named by a row; keyed by e-mail (the same person in every export), else by name."""
    name, email, organisation = cells.one_line(name), cells.one_line(email), cells.one_line(organisation)
    key = cells.email_key(email) if email else name
    if not key:
        return None
    return Person(key=key, name=name, organisation=organisation, email=email)


def _voters(rows: list[cells.Row], author: Person | None) -> tuple[Person | None, tuple[Person, ...]]:
    """Each row's voter, once each. The creator votes for their own idea: that row is not a voter
    but may name their account, which the creator's own cells do not."""
    voters: dict[str, Person] = {}
    for row in rows:
        voter = _person(row.get(*VOTER_NAME), row.get(*VOTER_EMAIL), row.get(*VOTER_ORGANISATION))
        if voter is None or voter.key in voters:
            continue
        if author is not None and voter.key == author.key:
            if not author.organisation and voter.organisation:
                author = replace(author, organisation=voter.organisation)
            continue
        voters[voter.key] = voter
    return author, tuple(voters.values())
