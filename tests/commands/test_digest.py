"""`portalgen digest`: one customer's items, what happened since a date, what is still open; md, html, eml."""

from __future__ import annotations

import email
import itertools
import re
from datetime import date
from email import policy
from pathlib import Path

import html5lib
import pytest
from closing_loop_project import ANONYMOUS_NAMES, run_cli, write_project

from portalgen.commands.digest import build_digest
from portalgen.content.problems import ContentError, UsageError
from portalgen.render import digest as digests

TODAY = date(2026, 6, 15)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "portal")


def make(project: Path, customer: str, since: date | None = None, **kw) -> digests.Digest:
    return build_digest(project, customer, since=since, today=TODAY, **kw)[0]


def render(project: Path, d: digests.Digest, fmt: str, to: str | None = None) -> bytes:
    return digests.render(d, fmt, digests.environment(project), to)


def in_order(text: str, *parts: str) -> bool:
    """Each part occurs after the previous one."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


# --- what goes in -----------------------------------------------------------------------------------


def test_anonymous_customer_everything(project: Path) -> None:
    d = make(project, "initech-secretive")
    assert [i.record.slug for i in d.raised] == ["mobile-app", "sso", "zeros-in-exports"]  # newest first
    assert [e.item.record.slug for e in d.events] == ["exports-keep-zeros", "no-sso", "mobile-later"]  # oldest first
    assert [[i.record.slug for i in e.about] for e in d.events] == [["zeros-in-exports"], ["sso"], ["mobile-app"]]
    assert [i.record.slug for i in d.still_open] == ["mobile-app"]


def test_since_filters_events_inclusively(project: Path) -> None:
    d = make(project, "acme-health", since=date(2026, 2, 1))
    assert [e.item.record.slug for e in d.events] == ["dark-mode-planned", "dark-mode-shipped", "mobile-later"]
    later = make(project, "acme-health", since=date(2026, 3, 2))
    assert [e.item.record.slug for e in later.events] == ["mobile-later"]
    assert [i.record.slug for i in later.raised] == ["mobile-app", "dark-mode"]  # every item, whatever the date
    assert make(project, "acme-health", since=date(2026, 6, 1)).events == []


def test_drafts_and_private_items_stay_out(project: Path) -> None:
    acme = make(project, "acme-health")
    assert "new-idea" not in [i.record.slug for i in acme.raised] and acme.hidden == {"draft": 1}
    globex = make(project, "globex-retail")
    assert [i.record.slug for i in globex.raised] == ["csv-export", "dark-mode"]
    assert globex.hidden == {"private": 1}
    assert [e.item.record.slug for e in globex.events] == ["dark-mode-planned", "dark-mode-shipped"]
    assert [i.record.slug for i in globex.still_open] == ["csv-export"]  # the draft decision is no answer


def test_customer_by_name_and_unknown_customer(project: Path) -> None:
    assert make(project, "Acme Health").customer.slug == "acme-health"
    with pytest.raises(UsageError, match="did you mean 'acme-health'"):
        make(project, "acme-helth")


def test_content_errors_refuse(project: Path) -> None:
    (project / "content" / "feedback" / "broken.md").write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    with pytest.raises(ContentError):
        make(project, "acme-health")


# --- formats ----------------------------------------------------------------------------------------


def test_markdown(project: Path) -> None:
    text = render(project, make(project, "initech-secretive", since=date(2026, 1, 1)), "md").decode()
    assert text.startswith("Hello Initech Secretive,")
    assert in_order(text, "## What happened since 1 January 2026", "### No legacy SSO", "The protocol is insecure",
                    "### Not now: mobile app", "We must rebuild the editor first", "**What you can do meanwhile:**",
                    "- Use the **tablet** layout.", "We will look at this again on 1 June 2026",
                    "## Still open", "## Everything you raised")
    assert "Exports keep leading zeros" not in text.split("## Still open")[0]  # shipped before --since
    assert "(https://feedback.example.com/decisions/no-sso/)" in text
    raised = text.split("## Everything you raised")[1]
    assert in_order(raised, "A mobile app", "Single sign-on with our old IdP", "Exports drop leading zeros")
    assert "Shipped on 1 December 2025" in raised


def test_html_is_email_safe(project: Path) -> None:
    html = render(project, make(project, "acme-health"), "html").decode()
    lowered = html.lower()
    for forbidden in ("<script", "<style", "<link", "<img", "<iframe", "<object", "<form", "src=", "url(",
                      "javascript:", "@import"):
        assert forbidden not in lowered, forbidden
    assert 'style="' in html
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    assert root.find(".//title").text.startswith("Testing: what happened to your feedback")
    for a in root.iter("a"):
        assert a.get("href", "").startswith("https://feedback.example.com/"), a.get("href")
        assert a.get("style")  # inline CSS even on links from the Markdown bodies
    for tag in ("p", "h1", "h2", "h3", "ul", "li"):
        for el in root.iter(tag):
            assert el.get("style"), f"<{tag}> without inline style"
    text = " ".join("".join(root.itertext()).split())
    assert in_order(text, "What happened to your feedback so far", "Decisions and changes", "Dark mode is planned",
                    "Dark mode is here", "Not now: mobile app",
                    "Still open", "A mobile app", "Everything you raised", "A mobile app", "Dark mode")
    # Status marks that common mail fonts lack (they show as empty boxes) are not used: a coloured dot is.
    assert not set("○◔◑◕✓⏸✕") & set(html), sorted(set("○◔◑◕✓⏸✕") & set(html))
    assert "●" in html
    h1 = root.find(".//h1")
    assert "".join(h1.itertext()).startswith("What happened to your feedback")
    assert text.count("you said, we did") == 0  # the heading does not repeat the portal's name for itself


def test_relative_links_without_base_url(project: Path) -> None:
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text(encoding="utf-8").replace('base_url: "https://feedback.example.com/"\n', ""),
                      encoding="utf-8")
    d = make(project, "acme-health")
    md = render(project, d, "md").decode()
    assert "(feedback/dark-mode/)" in md and "https://" not in md
    html = render(project, d, "html").decode()
    assert "<a " not in html  # a relative link is useless in a mailbox: pages are named instead
    assert "(on the portal: feedback/dark-mode/)" in html


def test_eml_parses_into_text_and_html(project: Path) -> None:
    d = make(project, "acme-health", since=date(2026, 2, 1))
    raw = render(project, d, "eml", to="Ana Ruiz <ana@acme.example>")
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Testing: what happened to your feedback since 1 February 2026"
    assert msg["From"].addresses[0].addr_spec == "cab@example.com"
    assert msg["To"].addresses[0].display_name == "Ana Ruiz"
    assert msg["To"].addresses[0].addr_spec == "ana@acme.example"
    assert msg["Date"].datetime.date() == TODAY
    assert re.fullmatch(r"<[^<>@\s]+@example\.com>", msg["Message-ID"])
    assert msg["MIME-Version"] == "1.0"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "<" not in text.replace("<https://", "")  # plain text, links in angle brackets only
    assert in_order(text, "What happened since 1 February 2026", "Dark mode is planned", "Dark mode is here",
                    "Not now: mobile app", "Still open", "Everything you raised")
    assert "Read more: https://feedback.example.com/changes/dark-mode-shipped/" in text
    assert "<!DOCTYPE html>" in html and "Dark mode is here" in html
    assert b"\r\n" in raw  # RFC 5322 line endings


def test_eml_placeholder_recipient_and_deterministic(project: Path) -> None:
    d = make(project, "initech-secretive")
    first = render(project, d, "eml")
    assert first == render(project, make(project, "initech-secretive"), "eml")
    msg = email.message_from_bytes(first, policy=policy.default)
    to = msg["To"].addresses[0]
    assert to.addr_spec.endswith(".invalid") and to.display_name == "Initech Secretive"
    assert msg.get_body(("plain",)).get_content().startswith("Hello Initech Secretive,")


@pytest.mark.parametrize("fmt", ["md", "html", "eml"])
def test_no_other_anonymous_customer_is_named(project: Path, fmt: str) -> None:
    # Initech is anonymous, so its own digest may name it (it is private output, sent to them);
    # it must never name another anonymous customer or an unconsenting person.
    for customer in ("initech-secretive", "acme-health", "umbrella-corp"):
        raw = render(project, make(project, customer), fmt)
        text = email.message_from_bytes(raw, policy=policy.default).get_body(("html",)).get_content() \
            if fmt == "eml" else raw.decode()
        own = {"initech-secretive": ("Initech Secretive", "initech-secretive")}.get(customer, ())
        for name in ANONYMOUS_NAMES:
            if name not in own:
                assert name.lower() not in text.lower(), (customer, fmt, name)


@pytest.mark.parametrize("fmt", ["md", "html", "eml"])
def test_every_format_is_deterministic(project: Path, fmt: str) -> None:
    assert render(project, make(project, "acme-health"), fmt) == render(project, make(project, "acme-health"), fmt)


# --- command line -----------------------------------------------------------------------------------


def test_cli_writes_file_outside_site_only(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "digest.eml"
    result = run_cli("digest", "acme-health", project, "--format", "eml", "--today", "2026-06-15", "-o", out,
                     "--to", "Ana Ruiz <ana@acme.example>")
    assert result.returncode == 0, result.stderr
    msg = email.message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg.get_body(("plain",)).get_content().startswith("Hello Ana Ruiz,")
    assert "1 draft feedback item" in result.stderr
    refused = run_cli("digest", "acme-health", project, "-o", project / "site" / "digest.md")
    assert refused.returncode == 2 and "site" in refused.stderr
    assert not (project / "site").exists()


def test_cli_stdout_since_and_source_date_epoch(project: Path) -> None:
    result = run_cli("digest", "globex-retail", project, "--since", "2026-02-01", "--format", "eml",
                     env={"SOURCE_DATE_EPOCH": "1781481600"})
    assert result.returncode == 0, result.stderr
    msg = email.message_from_string(result.stdout, policy=policy.default)
    assert msg["Date"].datetime.date() == TODAY
    assert "since 1 February 2026" in msg["Subject"]
    assert "1 private feedback item" in result.stderr
    unknown = run_cli("digest", "nobody", project)
    assert unknown.returncode == 2 and "no customer 'nobody'" in unknown.stderr


def test_author_headings_sit_under_the_event_heading(project: Path) -> None:
    """A body's own headings land under the event's h3 in the e-mail, and no level is skipped."""
    decision = project / "content" / "decisions" / "no-sso.md"
    decision.write_text(decision.read_text(encoding="utf-8").replace(
        "Sorry.\n", "# Why not\n\nInsecure.\n\n##### Details\n\nSorry.\n"), encoding="utf-8")
    html = render(project, make(project, "initech-secretive"), "html").decode("utf-8")
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
    assert "<h4" in html and max(levels) == 5
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
