"""A portal whose authors write what real authors write: every kind of heading level, links the
sanitiser removes, stray list items and table cells, and HTML that tries to close the page.

Shared by tests/render/test_author_markup.py (structure, the Nu checker) and
tests/suites/browser/test_author_text.py (axe-core). Every text below lands in every place a
text can land: a feedback item's page, a decision's page and its why-not card (reasoning and
workaround), the trail of a feedback page, a change's page and a named customer's page.
"""

from __future__ import annotations

from pathlib import Path

from helpers_content import ACME, GLOBEX, PORTAL, Project, change, decision, feedback

BODIES = {
    "deep-heading": "##### deep heading\n\nUnder it.",
    "skipping-headings": "# top heading\n\n### skip\n\nText.\n\n## back up\n\n###### deepest",
    "javascript-link": "See [x](javascript:alert(1)) and [docs](https://example.com/docs a b).",
    "stray-item": "<li>test</li>",
    "closing-tags": "</div></li></ul>",
    "reopening": "</div></li></ul><ul><li>injected card</li></ul><ul><li class='card'>",
    "stray-cell": "<td>cell</td><tr><td>row</td></tr>",
    "stray-description": "<dd>x</dd><dt>y</dt>",
    "option": "<option>o</option><select><option>p</option></select>",
    "nested-paragraphs": "<p><object><p>inner</p></object></p>",
    "table-text": "<table><caption>caption</caption><tr><th></th><td>a</td></tr></table>",
    "empty-link": "[](https://example.com/) and an [empty heading](https://example.com/)\n\n##\n\nText.",
    "gfm-table": "| Plan | Seats |\n|:--|--:|\n| Team | 10 |\n\n```\n</pre></div></li>\n```",
}

CHANGES = (("2026-03-01", "2.0"), ("2026-03-02", ""), ("2026-03-03", "2.0"), ("2026-03-04", "1.9"),
           ("2026-03-05", ""), ("2026-03-06", "2.0"))


def _text(name: str) -> str:
    return f"Words about {name}.\n\n{BODIES[name]}\n"


def _workaround(name: str) -> str:
    return "workaround: |\n" + "".join(f"  {line}\n" for line in _text(name).splitlines())


def write_authors_portal(root: Path) -> Project:
    """Every text of BODIES as a feedback body, a declined decision's reasoning and workaround,
    and a change's body; changes of versions interleaved by date; a named customer with headings."""
    project = Project.empty(root, PORTAL)
    project.write("content/customers/acme.md", f"---\n{ACME}---\n# About Acme\n\n#### What they do\n\nHealth.\n")
    project.write("content/customers/globex.yaml", GLOBEX)
    for n, name in enumerate(BODIES):
        day = f"2026-01-{n + 1:02d}"
        project.write(f"content/feedback/{name}.md", feedback(f"Asked {name}", day, "[acme]", body=_text(name)))
        outcome, extra = ("deferred", "revisit: 2026-09-01\n") if n % 4 == 0 else ("declined", "")
        project.write(f"content/decisions/no-{name}.md",
                      decision(f"[{name}]", outcome, f"2026-02-{n + 1:02d}", extra + _workaround(name), _text(name),
                               title=f"No to {name}"))
    names = list(BODIES)
    for n, (day, version) in enumerate(CHANGES):
        extra = (f"version: '{version}'\n" if version else "") + f"feedback: [{names[n]}]\n"
        project.write(f"content/changes/change-{n}.md", change(day, extra, _text(names[-1 - n]), f"Change {n}"))
    return project
