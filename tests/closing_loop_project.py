"""A small portal project with known dates, shared by the closing-the-loop tests.

Imported by tests/commands/test_report.py, test_digest.py, test_changelog.py and
tests/render/test_quarters_stats.py (pytest puts tests/ on sys.path, see tests/conftest.py).
Every expectation in those tests follows from the records below.

Timeline (all published unless marked):

    2025-11-15  feedback zeros-in-exports      from initech-secretive (anonymous, Healthcare)
    2025-12-01  change   exports-keep-zeros    (no version) answers zeros-in-exports
    2025-12-01  feedback wayne-reports         from wayne-enterprises (named)
    2026-01-05  decision wayne-reports-done    already-available, answers wayne-reports
    2026-01-10  feedback dark-mode             from acme-health (named, Healthcare), globex-retail (anonymous, Retail)
    2026-01-20  feedback csv-export            from globex-retail                       -> never answered
    2026-02-01  decision dark-mode-planned     planned, answers dark-mode
    2026-02-15  feedback sso                   from initech-secretive
    2026-02-20  change   tidy-menus            version 2.0, no feedback
    2026-02-25  change   faster-search         version 1.9, no feedback
    2026-03-01  feedback sso-again             from umbrella-corp (named), duplicate of sso
    2026-03-01  change   dark-mode-shipped     version 2.0, delivers dark-mode-planned
    2026-03-10  decision no-sso                declined, NO workaround, answers sso
    2026-04-05  feedback mobile-app            from acme-health and initech-secretive
    2026-04-10  feedback pricing               from globex-retail, PRIVATE               -> never answered
    2026-04-20  decision mobile-later          deferred, revisit 2026-06-01, with a workaround
    2026-05-01  feedback api-limits            from umbrella-corp                       -> never answered
    2026-05-05  feedback new-idea              from acme-health, DRAFT
    2026-05-06  decision csv-export-draft      DRAFT, planned, answers csv-export
    2026-05-07  change   secret-change         PRIVATE, version 2.1

Customers: hooli-quiet (named, joined 2025-01-01, never raised anything) and stark-hidden
(anonymous, joined 2025-06-01, never raised anything) have had no news for a long time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from repo_paths import REPO

EXAMPLE_CONTENT = REPO / "content"

PORTAL = """\
title: "Test portal — You said, we did"
base_url: "https://feedback.example.com/"
description: A portal for tests.
product: Testing
contact: cab@example.com
stale_after_days: 30
"""

CUSTOMERS = {
    "acme-health": 'name: Acme Health\nsegment: Healthcare\ncredit: named\njoined: 2025-01-01\n'
                   'people:\n  - {name: Ana Ruiz, role: CTO, credit: named}\n',
    "globex-retail": 'name: Globex Retail\nsegment: Retail\ncredit: anonymous\n'
                     'people:\n  - {name: Gus Secretperson, role: Buyer, credit: named}\n',
    "initech-secretive": "name: Initech Secretive\nsegment: Healthcare\ncredit: anonymous\n",
    "umbrella-corp": "name: Umbrella Corp\nsegment: Pharma\ncredit: named\n"
                     "people:\n  - {name: Hidden Harriet, role: Analyst, credit: anonymous}\n",
    "wayne-enterprises": "name: Wayne Enterprises\nsegment: Retail\ncredit: named\n",
    "hooli-quiet": "name: Hooli Quiet\nsegment: Tech\ncredit: named\njoined: 2025-01-01\n",
    "stark-hidden": "name: Stark Hidden\nsegment: Tech\ncredit: anonymous\njoined: 2025-06-01\n",
}

# Names that must never appear in anything published (site pages, changelog).
ANONYMOUS_NAMES = ("Globex Retail", "Initech Secretive", "Stark Hidden", "Gus Secretperson", "Hidden Harriet",
                   "globex-retail", "initech-secretive", "stark-hidden")


def md(front: str, body: str = "") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


FEEDBACK = {
    "zeros-in-exports": md("title: Exports drop leading zeros\ndate: 2025-11-15\nfrom: [initech-secretive]",
                           "Postcodes lose their zeros.\n"),
    "wayne-reports": md("title: Monthly reports\ndate: 2025-12-01\nfrom: [wayne-enterprises]", "Reports please.\n"),
    "dark-mode": md("title: Dark mode\ndate: 2026-01-10\nfrom: [acme-health, globex-retail]\ntags: [UI]\n"
                    "quote: Our eyes hurt at night",
                    "Please add a dark theme.\n"),
    "csv-export": md("title: CSV export\ndate: 2026-01-20\nfrom: [globex-retail]", "We need CSV.\n"),
    "sso": md("title: Single sign-on with our old IdP\ndate: 2026-02-15\nfrom: [initech-secretive]", "SSO please.\n"),
    "sso-again": md("title: SSO for the legacy directory\ndate: 2026-03-01\nfrom: [umbrella-corp]\n"
                    "duplicate_of: sso", "Same as SSO.\n"),
    "mobile-app": md("title: A mobile app\ndate: 2026-04-05\nfrom: [acme-health, initech-secretive]",
                     "On the go.\n"),
    "pricing": md("title: Cheaper viewer seats\ndate: 2026-04-10\nfrom: [globex-retail]\nvisibility: private",
                  "Too expensive.\n"),
    "api-limits": md("title: Higher API limits\ndate: 2026-05-01\nfrom: [umbrella-corp]", "More calls.\n"),
    "new-idea": md("title: A new idea\ndate: 2026-05-05\nfrom: [acme-health]\ndraft: true", "Draft idea.\n"),
}

DECISIONS = {
    "wayne-reports-done": md("title: Reports already exist\ndate: 2026-01-05\nfeedback: [wayne-reports]\n"
                             "outcome: already-available", "Use **Share → Schedule**.\n"),
    "dark-mode-planned": md("title: Dark mode is planned\ndate: 2026-02-01\nfeedback: [dark-mode]\noutcome: planned",
                            "We will build it.\n"),
    "no-sso": md("title: No legacy SSO\ndate: 2026-03-10\nfeedback: [sso]\noutcome: declined",
                 "The protocol is insecure, so we will not support it.\n\nSorry.\n"),
    "mobile-later": md("title: 'Not now: mobile app'\ndate: 2026-04-20\nfeedback: [mobile-app]\noutcome: deferred\n"
                       "revisit: 2026-06-01\nworkaround: |\n  - Use the **tablet** layout.\n  - Bookmark tiles.\n",
                       "We must rebuild the editor first.\n"),
    "csv-export-draft": md("title: CSV export planned\ndate: 2026-05-06\nfeedback: [csv-export]\noutcome: planned\n"
                           "draft: true", "Soon.\n"),
}

CHANGES = {
    "exports-keep-zeros": md("title: Exports keep leading zeros\ndate: 2025-12-01\nfeedback: [zeros-in-exports]",
                             "Text columns now keep their zeros: `0042` stays `0042`.\n\nMore detail here.\n"),
    "tidy-menus": md("title: Tidier menus\ndate: 2026-02-20\nversion: '2.0'", "Menus are *shorter*.\n"),
    "faster-search": md("title: Faster search\ndate: 2026-02-25\nversion: '1.9'", "Search is faster:\n\n"
                        "- twice as fast\n- fewer timeouts\n"),
    "dark-mode-shipped": md("title: Dark mode is here\ndate: 2026-03-01\nversion: '2.0'\n"
                            "decisions: [dark-mode-planned]", "Switch it on in **Settings**.\n"),
    "secret-change": md("title: Secret change\ndate: 2026-05-07\nversion: '2.1'\nvisibility: private",
                        "Internal only.\n"),
}


def write_project(root: Path) -> Path:
    """Write the project into root (a tmp folder) and return root."""
    content = root / "content"
    files = {"portal.yaml": PORTAL}
    files.update({f"customers/{slug}.yaml": text for slug, text in CUSTOMERS.items()})
    files.update({f"feedback/{slug}.md": text for slug, text in FEEDBACK.items()})
    files.update({f"decisions/{slug}.md": text for slug, text in DECISIONS.items()})
    files.update({f"changes/{slug}.md": text for slug, text in CHANGES.items()})
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_cli(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m portalgen ARGS` in a child process, SOURCE_DATE_EPOCH unset unless env sets it."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "portalgen", *map(str, args)], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=120, check=False)


def copy_example(dest: Path) -> Path:
    """A portal project at dest with a copy of the example content (never the original)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLE_CONTENT, dest / "content")
    return dest


def protected_names(content: Path) -> list[str]:
    """Every name a project promises never to publish, read with PyYAML alone: anonymous customers
    (name and slug) and people who have not consented (or whose organisation has not)."""
    portal = yaml.safe_load((content / "portal.yaml").read_text(encoding="utf-8")) or {}
    default = portal.get("credit_default") or "anonymous"
    names = []
    for path in sorted((content / "customers").rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = re.match(r"\A---\n(.*?)^---", text, re.DOTALL | re.MULTILINE)[1]
        data = yaml.safe_load(text) or {}
        named = (data.get("credit") or default) == "named"
        if not named:
            names += [data["name"], path.stem]
        for person in data.get("people") or []:
            if not named or person.get("credit") != "named":
                names.append(person["name"])
    return names
