"""The Fider, Canny and UserVoice readers: an export file read into the neutral form (`Reading`).

The fixtures in tests/fixtures/import/ are written from each tool's export format: Fider's CSV with a
duplicate and a deleted post, a Canny folder with merges (one a chain), status changes with comments,
a changelog entry and companies, a UserVoice CSV with one row per idea and voter. Each also holds
hostile values (YAML-looking text, `---`, `<script>`, `{{ }}`, bad dates and numbers) and rows that
cannot be mapped. A reader keeps hostile text as text (the writer dumps it safely), and lists what
it could not read with where it is; only a file that is not the export at all is a UsageError.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portalgen.content.importing import canny, cells, fider, uservoice
from portalgen.content.importing.ideas import Idea, Person, Reading
from portalgen.content.problems import UsageError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
HOSTILE_BODY = "---\nstatus: completed\n---\n<script>alert('x')</script> {{ site.secret }} {% raw %}\n\n- item: [1, 2]"


def fider_idea(number: str, title: str, author: str, created: date | None, **fields: object) -> Idea:
    return Idea(source="fider", id=number, title=title, created=created,
                author=Person(key=author, name=author), where=f"post #{number}", **fields)  # type: ignore[arg-type]


FIDER_IDEAS = [
    fider_idea("1", "Dark mode", "Ana Lima", date(2025, 1, 10),
               body="Our support team works nights; a dark theme would help.", tags=("ui", "accessibility"),
               votes=12, status="completed", response="Shipped in 4.2: Settings → Appearance.",
               responded=date(2025, 6, 2)),
    fider_idea("2", "Export to Excel", "Bruno Costa", date(2025, 2, 1), body="We need **xlsx**, not CSV.",
               tags=("reports",), votes=8, status="declined",
               response="Spreadsheets open CSV; a second format doubles the testing.", responded=date(2025, 3, 15)),
    fider_idea("3", "Night theme please", "Chen Wei", date(2025, 2, 20), tags=("ui",), votes=1, status="duplicate",
               duplicate_of="1", response="Same as #1.", responded=date(2025, 2, 21)),
    fider_idea("4", "Buy cheap watches", "Spammer", date(2025, 3, 1), body="spam spam", votes=0, status="deleted"),
    fider_idea("5", "SSO with Okta", "Dana Ruiz", date(2025, 3, 5), body="SAML or OIDC;\nour IT requires it.",
               tags=("security", "enterprise"), votes=20, status="in-progress", response="Building OIDC first.",
               responded=date(2025, 5, 1)),
    fider_idea("6", "Bulk edit", "Ana Lima", date(2025, 4, 1), votes=3, status="planned", responded=date(2025, 4, 10)),
    fider_idea("7", "Offline mode", "Eve Martin", date(2025, 4, 11), tags=("mobile",), votes=2),
    fider_idea("8", "title: injected status: completed", "{{ user }}: <b>x</b>", date(2025, 5, 5), body=HOSTILE_BODY,
               tags=("<script>", "{{ tag }}", "key: value"), status="declined", response="- item\n---\nkey: value"),
    fider_idea("9", "Merge me", "Finn", date(2025, 5, 6), votes=1),
    fider_idea("10", "Weird status", "Gus", date(2025, 5, 7), votes=1),
    fider_idea("15", "Spaced title", "Lea", None),
    fider_idea("16", "Copy of a copy", "Max", date(2025, 5, 12), votes=1),
    fider_idea("17", "Status from a template", "Ned", date(2025, 5, 13), votes=1),
]
FIDER_UNMAPPED = [
    ("post #8", "votes_count 'many' is not a number: left empty"),
    ("post #8", "responded_at 'yesterday' is not a date: left empty"),
    ("post #9", "duplicate of no post: read as open"),
    ("post #10", "status 'archived' read as open"),
    ("row 12", "no number: a Fider post always has one"),
    ("post #12 (row 13)", "no title"),
    ("row 14", "post #1 again (first in row 2): left out"),
    ("row 15", "number 'abc' is not a post number"),
    ("post #15", "created_at '2025-13-45' is not a date: left empty"),
    ("post #16", "duplicate of '---': read as open"),
    ("post #17", "status '{{ status }}' read as open"),
]


def test_fider_reads_statuses_duplicates_deleted_posts_and_responses() -> None:
    reading = fider.read(FIXTURES / "fider.csv")
    assert reading.ideas == FIDER_IDEAS
    assert reading.unmapped == FIDER_UNMAPPED


def test_fider_reads_a_csv_as_a_spreadsheet_saved_it(tmp_path: Path) -> None:
    """Excel's way: a byte-order mark, CRLF, `;` between cells, header names retyped; and Fider's
    older export with `total_votes` and capitalised statuses."""
    text = (FIXTURES / "fider.csv").read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    head = head.replace("number", "Number").replace("created_at", "Created At").replace("votes_count", "total_votes")
    rest = rest.replace(",completed,", ",Completed,").replace(",started,", ",STARTED,")
    saved = tmp_path / "posts.csv"
    saved.write_bytes(b"\xef\xbb\xbf" + (head + "\n" + rest).replace("\n", "\r\n").encode("utf-8"))
    reading = fider.read(saved)
    assert reading.ideas == FIDER_IDEAS
    assert reading.unmapped == FIDER_UNMAPPED

    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("number;title;status;votes_count\n1;Dark mode, at last;open;1 234\n", encoding="utf-8")
    assert [(i.title, i.votes) for i in fider.read(semicolons).ideas] == [("Dark mode, at last", 1234)]


def test_fider_strips_control_characters_and_keeps_very_long_cells(tmp_path: Path) -> None:
    long_body = "word " * 60_000  # 300 kB: more than csv's default field limit
    export = tmp_path / "posts.csv"
    export.write_text(
        "number,title,description,created_at,created_by,status,tags\n"
        f'1,"Dark\x00 mode\x1b[31m","{long_body}",2025-01-10,"Ana\x00 Lima\u202e",open,"ui\x00,\x07"\n',
        encoding="utf-8")
    reading = fider.read(export)
    assert reading.unmapped == []
    [idea] = reading.ideas
    assert idea.title == "Dark mode[31m"
    assert idea.body == long_body.strip()
    assert idea.author == Person(key="Ana Lima\u202e", name="Ana Lima\u202e")
    assert idea.tags == ("ui",)


def test_a_file_that_is_not_utf8_is_read_as_windows_1252(tmp_path: Path) -> None:
    export = tmp_path / "posts.csv"
    export.write_bytes("number,title,status\n1,Café – menu,open\n".encode("cp1252"))
    reading = fider.read(export)
    assert [idea.title for idea in reading.ideas] == ["Café – menu"]
    assert reading.unmapped == [("posts.csv", "not UTF-8: read as Windows-1252")]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.csv", None, "missing.csv: no such file: expected Fider's CSV export of posts"),
    ("empty.csv", "", "empty.csv is empty: expected Fider's CSV export"),
    ("blank.csv", "\n,,\n", "blank.csv is empty"),
    ("book.xlsx", b"PK\x03\x04\x14\x00", "book.xlsx is a zip file or a workbook, not text"),
    ("other.csv", "id,summary\n1,x\n", "other.csv is not Fider's CSV export of posts (columns number, title, "
     "description, status, …): it has no column number, title, status (its columns: 'id', 'summary')"),
])
def test_fider_refuses_what_is_not_its_export(tmp_path: Path, name: str, content: str | bytes | None,
                                               message: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        fider.read(path)
    assert message in str(raised.value)


def test_a_folder_is_not_a_csv(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder: expected UserVoice's suggestions CSV export"):
        uservoice.read(tmp_path)
    with pytest.raises(UsageError, match=r"is not UserVoice's suggestions CSV export .*no column ideaid, ideatitle"):
        uservoice.read(FIXTURES / "fider.csv")


# Canny

def canny_person(key: str, name: str, email: str = "", organisation: str = "", weight: float | None = None) -> Person:
    return Person(key=key, name=name, organisation=organisation, email=email, weight=weight)


ANA = canny_person("u1", "Ana Lima", "ana@acme.example", "Acme", 1200.0)
BRUNO = canny_person("u2", "Bruno Costa", "bruno@globex.example", "Globex", 350.5)
DANA = canny_person("u3", "Dana Ruiz", "dana@initech.example")
CHEN = canny_person("u4", "Chen Wei", "chen@acme.example", "Acme", 1200.0)
EVE = canny_person("u5", "Eve Martin", "eve@initech.example")
FINN = canny_person("u6", "Finn", "finn@umbrella.example")
GUS = canny_person("u7", "Gus", "gus@example.com")
HAL = canny_person("u8", "Hal")
URL = "https://acme.canny.io/admin/board/feature-requests/p/"
FR = "Feature Requests"


def canny_idea(post_id: str, title: str, created: date | None, **fields: object) -> Idea:
    return Idea(source="canny", id=post_id, title=title, created=created, url=URL + post_id, where=f"post {post_id}",
                **fields)  # type: ignore[arg-type]


CANNY_IDEAS = [
    canny_idea("p1", "Dark mode", date(2025, 1, 10), body="Too bright at night.", author=ANA,
               voters=(BRUNO, CHEN, FINN), tags=(FR, "UI", "accessibility"), votes=14, status="completed",
               response="Shipped in 4.2.", responded=date(2025, 6, 2), closed=date(2025, 6, 3), version="4.2"),
    canny_idea("p2", "Export to Excel", date(2025, 2, 1), body="We need xlsx.", author=BRUNO, tags=(FR, "Reports"),
               votes=5, status="declined", response="Spreadsheets open CSV; a second format doubles the testing.",
               responded=date(2025, 3, 15)),
    canny_idea("p3", "SSO with Okta", date(2025, 3, 5), body="SAML or OIDC.", author=DANA, voters=(EVE,),
               tags=(FR, "security", "enterprise"), votes=20, status="in-progress", responded=date(2025, 5, 1)),
    canny_idea("p4", "Night theme", date(2025, 2, 20), author=CHEN, tags=(FR,), votes=1, status="duplicate",
               duplicate_of="p1"),
    canny_idea("p6", "Bulk edit", date(2025, 4, 1), tags=(FR,), votes=2, status="under-review"),
    canny_idea("p7", "Audit log", date(2025, 4, 5), body="Who changed what.", author=GUS, voters=(BRUNO, HAL),
               tags=(FR, "Admin"), votes=4, status="planned", responded=date(2025, 4, 20)),
    canny_idea("p8", "Slack alerts", date(2025, 4, 8), author=HAL, tags=("Integrations",), votes=0),
    canny_idea("p9", "--- status: completed", None,
               body="<script>alert(1)</script>\n---\nkey: value\n{{ site.secret }}",
               author=canny_person("u9", "{{ user }} <script>", "x@example.com", "key: value"),
               tags=(FR, "---", "key: value", "{{ tag }}", "<b>"), status="declined",
               response="---\nstatus: completed\n<script>x</script>", responded=date(2025, 5, 5)),
    canny_idea("p12", "Who edited this", date(2025, 4, 6), author=HAL, tags=(FR,), votes=1, status="duplicate",
               duplicate_of="p7"),
    canny_idea("p13", "Change history", date(2025, 4, 7), author=BRUNO, tags=(FR,), votes=2, status="duplicate",
               duplicate_of="p7"),
    # Merged into p1 and gone from the posts: read from p1's merge history, with the vote it had.
    Idea(source="canny", id="p5", title="Black background", body="Too bright.", created=date(2025, 2, 22),
         voters=(FINN,), status="duplicate", duplicate_of="p1", where="post p5"),
]
CANNY_UNMAPPED = [
    ("post p8", "status 'needs info' read as open"),
    ("post p9", "created '2025-02-30T00:00:00Z' is not a date: left empty"),
    ("post p9", "score 'lots' is not a number: left empty"),
    ("post p10", "no title"),
    ("posts item 10", "not an object: left out"),
    ("posts item 13", "id '../../etc/passwd' is not a Canny id"),
    ("post p1", "in posts twice: the second left out"),
    ("vote 5", "for 'gone', which is not among the posts: left out"),
    ("status change 5", "created 'sometime' is not a date: read as the oldest"),
    ("status change 7", "for 'zzz', which is not among the posts: left out"),
]


def canny_lists() -> dict[str, object]:
    folder = FIXTURES / "canny"
    return {
        "posts": json.loads((folder / "posts.json").read_text(encoding="utf-8"))["posts"],
        "statusChanges": json.loads((folder / "status_changes.json").read_text(encoding="utf-8")),
        "changelog": json.loads((folder / "changelog.json").read_text(encoding="utf-8"))["entries"],
        "companies": json.loads((folder / "companies.json").read_text(encoding="utf-8"))["companies"],
        "votes": json.loads((folder / "votes.json").read_text(encoding="utf-8")),
    }


def test_canny_reads_merges_responses_changelog_companies_and_votes() -> None:
    reading = canny.read(FIXTURES / "canny")
    assert reading.ideas == CANNY_IDEAS
    assert reading.unmapped == CANNY_UNMAPPED


def test_canny_reads_the_same_from_one_json_object(tmp_path: Path) -> None:
    export = tmp_path / "canny.json"
    export.write_text(json.dumps(canny_lists()), encoding="utf-8")
    reading = canny.read(export)
    assert reading.ideas == CANNY_IDEAS
    assert reading.unmapped == CANNY_UNMAPPED


def test_canny_posts_alone_one_board_and_hostile_json_text(tmp_path: Path) -> None:
    """A bare array is the posts; a board shared by every post is no tag; NUL, ESC (the rest of its
    sequence is harmless text) and
    lone surrogates (which JSON may hold and no file can) are left out of the text."""
    export = tmp_path / "posts.json"
    export.write_text(json.dumps([
        {"id": 7, "title": "Dark\u0000 mode\ud800", "details": "a\u001b[2Jb\r\nc", "status": "complete",
         "board": {"name": "Ideas"}, "score": 3.0, "created": "2025-03-05T23:30:00-05:00", "tags": ["ui", None, 5],
         "author": {"id": "u1", "name": "Ana", "companies": [{"id": "c1", "name": "Acme", "monthlySpend": "1,200"}]}},
    ]), encoding="utf-8")
    reading = canny.read(export)
    assert reading.unmapped == []
    assert reading.ideas == [Idea(source="canny", id="7", title="Dark mode", body="a[2Jb\nc", created=date(2025, 3, 5),
                                  author=Person(key="u1", name="Ana", organisation="Acme", weight=1200.0),
                                  tags=("ui", "5"), votes=3, status="completed", where="post 7")]


@pytest.mark.parametrize(("files", "message"), [
    ({}, "has no posts.json: expected Canny's posts as JSON"),
    ({"posts.json": "{\n  \"posts\": [,]\n}"}, "posts.json is not JSON (line 2, column 13: Expecting value)"),
    ({"posts.json": "[]", "votes.json": "{\"hasMore\": false}"}, "votes.json holds no list under 'votes'"),
    ({"posts.json": "[" * 100_000 + "]" * 100_000}, "posts.json nests too deep"),
])
def test_canny_refuses_a_folder_without_its_posts(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        canny.read(tmp_path)
    assert message in str(raised.value)


def test_canny_refuses_a_json_file_without_posts(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text('{"companies": []}', encoding="utf-8")
    with pytest.raises(UsageError, match=r"export\.json has no list of posts: expected Canny's posts"):
        canny.read(export)
    with pytest.raises(UsageError, match=r"nothing\.json: no such file"):
        canny.read(tmp_path / "nothing.json")


# UserVoice

def uv_person(email: str, name: str, organisation: str = "") -> Person:
    return Person(key=cells.email_key(email) if email else name, name=name, organisation=organisation, email=email)


def uv_idea(idea_id: str, title: str, created: date | None, **fields: object) -> Idea:
    return Idea(source="uservoice", id=idea_id, title=title, created=created, where=f"idea {idea_id}",
                **fields)  # type: ignore[arg-type]


USERVOICE_IDEAS = [
    uv_idea("101", "Dark mode", date(2025, 1, 10), body="Too bright at night.",
            author=uv_person("ana@acme.example", "Ana Lima", "Acme"),  # the account of her own vote's row
            voters=(uv_person("bruno@globex.example", "Bruno Costa", "Globex"),
                    uv_person("CHEN@acme.example", "Chen Wei", "Acme")),
            tags=("Web app", "UI", "accessibility"), votes=3, status="completed", response="Shipped in 4.2",
            responded=date(2025, 6, 2)),
    uv_idea("102", "Export to Excel", date(2025, 2, 1), body="We need xlsx.",
            author=uv_person("bruno@globex.example", "Bruno Costa"),
            voters=(uv_person("dana@initech.example", "Dana Ruiz", "Initech"),), tags=("Web app", "Reports"),
            votes=2, status="declined", response="Spreadsheets open CSV; a second format doubles the testing.",
            responded=date(2025, 3, 15)),
    uv_idea("103", "SSO with Okta", date(2025, 3, 5), body="SAML or OIDC.",
            author=uv_person("dana@initech.example", "Dana Ruiz"),
            voters=(uv_person("eve@initech.example", "Eve Martin", "Initech"),),
            tags=("Admin", "security", "enterprise"), votes=2, status="in-progress", responded=date(2025, 5, 1)),
    uv_idea("104", "Import from Trello", date(2025, 4, 1), author=uv_person("", "Eve Martin"), tags=("Web app",),
            votes=1, status="already-available", response="Use Settings → Import.", responded=date(2025, 4, 2)),
    uv_idea("105", "Audit log", date(2025, 4, 5), body="Who changed what.",
            author=uv_person("finn@umbrella.example", "Finn"), tags=("Admin",), votes=1, status="under-review"),
    uv_idea("106", "key: value ---", None, body=HOSTILE_BODY,
            author=uv_person("X@Example.COM", "{{ user }} <script>"),
            voters=(uv_person("voter@example.com", "<b>{{ voter }}</b>", "key: value"),),
            tags=("---", "<script>", "{{ tag }}"), response="- a\n---\nb: c"),
    uv_idea("108", "Bulk edit", date(2025, 5, 1), author=uv_person("hal@hooli.example", "Hal"),
            voters=(uv_person("jon@hooli.example", "Jon", "Hooli"), uv_person("kim@hooli.example", "Kim", "Hooli")),
            tags=("Web app",), votes=1234, status="planned", response="Next quarter.", responded=date(2025, 5, 2)),
]
USERVOICE_UNMAPPED = [
    ("row 14", "no ideaId"),
    ("row 15", "ideaId '<script>' is not an idea number"),
    ("idea 106", "status 'Gathering feedback' read as open"),
    ("idea 106", "createdTimestamp '31/12/2024' is not a date: left empty"),
    ("idea 106", "votersCount '12 votes' is not a number: left empty"),
    ("idea 106", "publicStatusUpdatedTimestamp 'not a date' is not a date: left empty"),
    ("idea 107 (row 13)", "no title"),
]


def test_uservoice_groups_the_rows_of_each_idea_and_reads_its_voters() -> None:
    reading = uservoice.read(FIXTURES / "uservoice.csv")
    assert reading.ideas == USERVOICE_IDEAS
    assert reading.unmapped == USERVOICE_UNMAPPED


def test_uservoice_without_voter_columns_has_no_voters(tmp_path: Path) -> None:
    lines = (FIXTURES / "uservoice.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].replace(",userName,userEmailAddress,userAccountName", "")
    export = tmp_path / "suggestions.csv"
    export.write_text(header + "".join(lines[1:]), encoding="utf-8")  # the voter cells are extra: left out
    ideas = uservoice.read(export).ideas
    assert [idea.voters for idea in ideas] == [()] * len(USERVOICE_IDEAS)
    assert ideas[0].author == uv_person("ana@acme.example", "Ana Lima")


def test_uservoice_merged_hidden_and_other_status_names(tmp_path: Path) -> None:
    export = tmp_path / "suggestions.csv"
    export.write_text(
        "IDEA ID,Idea Title,Public Status Name,Parent Idea Id,Moderation State,Idea Creator Name\n"
        "1,Dark mode,complete,,,Ana\n"
        "2,Night theme,,1,,Bruno\n"
        "3,Cheap watches,,,spam,Spammer\n"
        "4,Undo,On hold,,approved,\n"
        "5,Redo,not planned,5,,\n",
        encoding="utf-8")
    reading = uservoice.read(export)
    assert [(i.id, i.status, i.duplicate_of, i.author) for i in reading.ideas] == [
        ("1", "completed", "", uv_person("", "Ana")),
        ("2", "duplicate", "1", uv_person("", "Bruno")),
        ("3", "deleted", "", uv_person("", "Spammer")),
        ("4", "deferred", "", None),
        ("5", "declined", "", None),
    ]
    assert reading.unmapped == []


# The shared cell parsers

@pytest.mark.parametrize(("written", "day"), [
    ("2025-03-05", date(2025, 3, 5)),
    (" 2025-03-05T10:00:00Z ", date(2025, 3, 5)),
    ("2025-03-05T10:00:00.123456789Z", date(2025, 3, 5)),
    ("2025-03-05 10:00:00 UTC", date(2025, 3, 5)),
    ("2025-03-05T23:30:00-05:00", date(2025, 3, 5)),  # the day as written, not the day in UTC
    ("2025/3/5", date(2025, 3, 5)),
    ("1741168800", date(2025, 3, 5)),
    ("1741168800000", date(2025, 3, 5)),
])
def test_dates_as_exports_write_them(written: str, day: date) -> None:
    assert cells.to_date(written) == day


@pytest.mark.parametrize("written", ["yesterday", "31/12/2024", "2025-02-30", "0001-01-01T00:00:00Z", "", "2025"])
def test_what_is_not_a_date(written: str) -> None:
    notes: cells.Notes = []
    assert cells.date_cell(written, "row 2", "created", notes) is None
    assert notes == ([] if not written else [("row 2", f"created {written!r} is not a date: left empty")])


def test_an_email_key_holds_no_address() -> None:
    key = cells.email_key(" Ana@Acme.example ")
    assert key == cells.email_key("ana@acme.example") != cells.email_key("ana@acme.example.org")
    assert "ana" not in key and "@" not in key
    assert [cells.token(raw) for raw in ("5f2a9c", " 12 ", "a-b_c.d:e", "../x", "a/b", "", "x" * 101)] == [
        "5f2a9c", "12", "a-b_c.d:e", "", "", "", ""]


def test_numbers_headers_and_lists() -> None:
    assert [cells.to_int(text) for text in ("12", " 12 ", "1,234", "12.0")] == [12, 12, 1234, 12]
    for text in ("12 votes", "-3", "1.5", "nan"):
        with pytest.raises(ValueError):
            cells.to_int(text)
    assert {cells.header(name) for name in ("Created At", "created_at", "createdAt", " CREATED-AT ")} == {"createdat"}
    assert cells.split_list('["a", "b, c", ""]') == ("a", "b, c")
    assert cells.split_list("UI; ui,\nMobile ,, [x") == ("UI", "Mobile", "[x")
    assert cells.shown("x" * 100) == repr("x" * 39 + "…")


# Whatever the cells hold, a reader reads: it never raises on a row (a UsageError is for a file that is
# not the export at all), and every idea it keeps has a one-line title with no control character.

CELL = st.one_of(st.text(max_size=30), st.sampled_from(["", "-1", "1e400", "nan", "[1", "9" * 30, "duplicate", "1"]))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def read_or_refuse(read: Callable[[Path], Reading], path: Path) -> None:
    try:
        reading = read(path)
    except UsageError:
        return
    for idea in reading.ideas:
        assert idea.title == cells.one_line(idea.title) != ""
        assert "\x00" not in idea.body + idea.response + "".join(idea.tags)


@FUZZ
@given(st.lists(st.lists(CELL, max_size=16), max_size=6), st.sampled_from([fider, uservoice]))
def test_readers_take_any_cells(rows: list[list[str]], source: ModuleType) -> None:
    head = ["number", "title", "description", "created_at", "created_by", "votes_count", "status", "responded_at",
            "original_number", "tags"]
    if source is uservoice:
        head = ["ideaId", "ideaTitle", "ideaDescription", "ideaCreatorName", "ideaCreatorEmailAddress", "labels",
                "publicStatusName", "votersCount", "createdTimestamp", "userName", "userEmailAddress", "parentIdeaId"]
    text = io.StringIO()
    csv.writer(text).writerows([head, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(text.getvalue().encode("utf-8", "surrogatepass"))
        read_or_refuse(source.read, path)


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), CELL),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["id", "title", "post", "name", "companies", "status", "created", "value",
                                         "posts", "changeComment", "publishedAt", "monthlySpend", "voter"]),
                        inner, max_size=4), max_leaves=12)
POST = st.fixed_dictionaries({"id": st.one_of(st.sampled_from(["a", "b", "c"]), JSON), "title": CELL}, optional={
    "status": CELL, "author": JSON, "tags": JSON, "score": JSON, "created": CELL, "board": JSON,
    "mergeHistory": st.lists(st.fixed_dictionaries({"post": st.fixed_dictionaries({
        "id": st.sampled_from(["a", "b", "c", "d"]), "title": CELL})}), max_size=3)})


@FUZZ
@given(st.lists(st.one_of(POST, JSON), max_size=5), st.lists(JSON, max_size=3), st.lists(JSON, max_size=3),
       st.lists(JSON, max_size=3), st.lists(JSON, max_size=3))
def test_canny_takes_any_values(posts: list[object], changes: list[object], entries: list[object],
                                companies: list[object], votes: list[object]) -> None:
    export = {"posts": posts, "statusChanges": changes, "changelog": entries, "companies": companies, "votes": votes,
              "entries": None}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "canny.json"
        path.write_text(json.dumps(export), encoding="utf-8")
        read_or_refuse(canny.read, path)
