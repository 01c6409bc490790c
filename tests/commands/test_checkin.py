"""A check-in for the whole board: customers' own addresses (private.email), `digest --all`, and the
sender's note. The test project is tests/closing_loop_project.py, given addresses for two customers."""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

import pytest
from closing_loop_project import run_cli, write_project

import portalgen
from portalgen.commands.digest import build_checkin, build_digest
from portalgen.content.schema import contact_addresses
from portalgen.render import digest as digests

TODAY = date(2026, 6, 15)
FROM_NOTE = ("note: portal.yaml has no contact e-mail address, so the message is from the placeholder "
             "feedback@example.invalid: add contact: you@your-company.example to portal.yaml, or choose the sender "
             "in your mail client\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "portal")
    customers = root / "content" / "customers"
    with (customers / "acme-health.yaml").open("a", encoding="utf-8") as f:
        f.write('private:\n  email: "Ana Ruiz <ana@acme.example>"\n  notes: "call tom@acme.example first"\n')
    with (customers / "globex-retail.yaml").open("a", encoding="utf-8") as f:
        f.write("private:\n  email: [buyers@globex.example, 'Gus <gus@globex.example>']\n")
    return root


def eml(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


@pytest.mark.parametrize(("private", "addresses"), [
    ({"email": "ana@x.example"}, ("ana@x.example",)),
    ({"email": "Ana Ruiz <ana@x.example>, tom@x.example"}, ("Ana Ruiz <ana@x.example>", "tom@x.example")),
    ({"email": ["A <a@x.example>", "not an address", ""]}, ("A <a@x.example>",)),
    ({"email": ""}, ()),  # what `portalgen new customer` writes, for the author to fill
    ({"notes": "ana@x.example"}, ()),  # an address in other notes is protected, not written to
    ("ana@x.example", ()),
])
def test_private_email_is_where_news_goes(private: object, addresses: tuple[str, ...]) -> None:
    assert contact_addresses(private) == addresses


# --- one customer ------------------------------------------------------------------------------------


def test_a_digest_goes_to_the_customers_own_address(project: Path) -> None:
    d, root = build_digest(project, "acme-health", today=TODAY)
    msg = eml(digests.render(d, "eml", digests.environment(root)))
    assert msg["To"] == "Ana Ruiz <ana@acme.example>"  # not tom@, who is only mentioned in the notes
    assert msg.get_body(("plain",)).get_content().startswith("Hello Ana Ruiz,")
    to = eml(digests.render(d, "eml", digests.environment(root), "Bo <bo@acme.example>"))["To"]
    assert to == "Bo <bo@acme.example>"  # --to wins


def test_several_addresses_greet_the_organisation(project: Path) -> None:
    d, root = build_digest(project, "globex-retail", today=TODAY)
    msg = eml(digests.render(d, "eml", digests.environment(root)))
    assert [a.addr_spec for a in msg["To"].addresses] == ["buyers@globex.example", "gus@globex.example"]
    assert msg.get_body(("plain",)).get_content().startswith("Hello Globex Retail,")


def test_addresses_are_never_published(project: Path, tmp_path: Path) -> None:
    site = portalgen.build(project, tmp_path / "site").output
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"acme.example" not in data and b"buyers@" not in data, path


def test_notes_for_the_placeholder_sender_and_recipient(project: Path) -> None:
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text("utf-8").replace("contact: cab@example.com\n", ""), "utf-8")
    result = run_cli("digest", "wayne-enterprises", project, "--format", "eml", "--today", "2026-06-15")
    assert result.returncode == 0, result.stderr
    assert eml(result.stdout.encode())["From"] == "Testing <feedback@example.invalid>"
    assert result.stderr == (
        "note: content/customers/wayne-enterprises.yaml has no private.email, so the message is to the placeholder "
        "recipient@example.invalid: give --to, or add the address\n" + FROM_NOTE)
    markdown = run_cli("digest", "wayne-enterprises", project, "--today", "2026-06-15")
    assert markdown.returncode == 0 and markdown.stderr == ""  # no headers, nothing to say


# --- the whole board ---------------------------------------------------------------------------------


def test_who_gets_what(project: Path) -> None:
    checkin, _ = build_checkin(project, since=date(2026, 3, 1), today=TODAY)
    assert [d.customer.slug for d in checkin.messages] == ["acme-health", "globex-retail"]
    assert [(s.customer.slug, s.reason) for s in checkin.skipped] == [
        ("hooli-quiet", "nothing to tell"), ("initech-secretive", "no address"), ("stark-hidden", "nothing to tell"),
        ("umbrella-corp", "no address"), ("wayne-enterprises", "nothing to tell")]


def test_digest_all_writes_one_message_per_customer(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "check-in"
    result = run_cli("digest", "--all", project, "--since", "2026-03-01", "-o", out, "--today", "2026-06-15")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Check-in since 1 March 2026: 2 messages in {out}\n"
        "  acme-health.eml to Ana Ruiz <ana@acme.example>: 1 decision and 1 shipped change; 1 item still open\n"
        "  globex-retail.eml to buyers@globex.example, Gus <gus@globex.example>: 1 shipped change; "
        "1 item still open\n")
    assert result.stderr == (
        "note: no message for hooli-quiet (Hooli Quiet): nothing to tell (nothing new since 1 March 2026, "
        "nothing open)\n"
        "note: no message for initech-secretive (Initech Secretive): no address — add it to "
        "content/customers/initech-secretive.yaml as private: {email: name@example.com}\n"
        "note: no message for stark-hidden (Stark Hidden): nothing to tell (nothing new since 1 March 2026, "
        "nothing open)\n"
        "note: no message for umbrella-corp (Umbrella Corp): no address — add it to "
        "content/customers/umbrella-corp.yaml as private: {email: name@example.com}\n"
        "note: no message for wayne-enterprises (Wayne Enterprises): nothing to tell (nothing new since "
        "1 March 2026, nothing open)\n")
    assert sorted(p.name for p in out.iterdir()) == ["acme-health.eml", "globex-retail.eml"]
    acme = eml((out / "acme-health.eml").read_bytes())
    assert (acme["To"], acme["From"]) == ("Ana Ruiz <ana@acme.example>", "Testing <cab@example.com>")
    assert acme["Subject"] == "Testing: what happened to your feedback since 1 March 2026"
    assert "Dark mode is here" in acme.get_body(("plain",)).get_content()


def test_digest_all_in_markdown_and_without_since(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "md"
    result = run_cli("digest", "--all", project, "--format", "md", "-o", out, "--today", "2026-06-15")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Check-in so far: 2 messages in {out}\n  acme-health.md to Ana Ruiz")
    assert "nothing to tell (nothing decided or shipped yet, nothing open)" in result.stderr  # hooli-quiet
    assert (out / "acme-health.md").read_text("utf-8").startswith("Hello Ana Ruiz,\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--all", "PROJECT"], "error: --all writes one file per customer: give the folder with -o DIR\n"),
    (["--all", "PROJECT", "-o", "out", "--to", "a@b.example"],
     "error: --all writes one file per customer: give the folder with -o DIR, and leave out --to (each message "
     "goes to its customer's private.email)\n"),
    (["--all", "acme-health", "PROJECT", "-o", "out"], "error: --all writes to every customer: leave out CUSTOMER\n"),
    ([], "error: which customer? give a slug or name, or --all for every customer\n"),
])
def test_digest_all_usage(project: Path, args: list[str], message: str) -> None:
    result = run_cli("digest", *(project if a == "PROJECT" else a for a in args), "--today", "2026-06-15")
    assert (result.returncode, result.stderr) == (2, message)


def test_digest_all_never_writes_into_site(project: Path) -> None:
    result = run_cli("digest", "--all", project, "-o", project / "site" / "check-in", "--today", "2026-06-15")
    assert result.returncode == 2 and "which is published and replaced by every build" in result.stderr
    assert not (project / "site").exists()


def test_digest_all_console_stays_english_for_a_german_portal(project: Path, tmp_path: Path) -> None:
    """The messages speak the portal's language; what the command prints for the team stays English."""
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text("utf-8") + "language: de\n", "utf-8")
    out = tmp_path / "check-in"
    result = run_cli("digest", "--all", project, "--since", "2026-03-01", "-o", out, "--today", "2026-06-15")
    assert result.returncode == 0, result.stderr
    assert "  acme-health.eml to Ana Ruiz <ana@acme.example>: 1 decision and 1 shipped change; 1 item still open\n" \
        in result.stdout
    acme = eml((out / "acme-health.eml").read_bytes())
    assert acme["Subject"] == "Testing: Was seit dem 1. März 2026 aus Ihrem Feedback wurde"
    assert "1 Entscheidung und 1 ausgelieferte Änderung" in acme.get_body(("plain",)).get_content()
