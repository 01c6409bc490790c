"""A CHANGELOG.md in the Keep a Changelog style, from the portal's published changes.

- One section per version, newest first, dated with the latest date of its changes. With a base_url
  the version is a link ("## [4.4] - 2026-04-14", and "[4.4]: https://…/changes/#version-4.4" at the
  end, as Keep a Changelog writes it); without one it is plain ("## 4.4 - 2026-04-14"), never a
  bracketed label that leads nowhere. Changes without a version are grouped by the day they shipped
  ("## 2026-03-01").
- Within a section, changes with a `type` are grouped under Keep a Changelog's headings ("### Added",
  "### Fixed", …, in its order), the others under "### Other"; a section without types is one list.
- Each change is one entry: its title, the first paragraph of its body as text, the date when it
  differs from the section's, and credits ("Thanks to Acme and 2 customers in Healthcare").
- Only published changes, credited like the portal credits them: named customers by name, anonymous
  ones counted by segment. An anonymous customer is never named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from portalgen.content.schema import CHANGE_TYPES
from portalgen.model import urls
from portalgen.model.items import ChangeItem, Model
from portalgen.model.statuses import N_
from portalgen.render.feeds import absolute
from portalgen.render.i18n import Words, english
from portalgen.render.markdown_safe import autolink, code_span, link, md_escape
from portalgen.render.plaintext import html_kinds
from portalgen.render.spec import PER_PAGE
from portalgen.render.wording import credit_words

KEEP_A_CHANGELOG = "https://keepachangelog.com/en/1.1.0/"
_ITEM = re.compile(r"^\s*(- |-?\d+\. )")  # a list item's marker, as plaintext writes them


@dataclass(frozen=True)
class Release:
    version: str  # "" for changes shipped without a version
    date: date  # the latest date among its changes
    changes: list[ChangeItem]  # newest first

    def heading(self, linked: bool) -> str:
        """'[4.4] - 2026-04-14' when a link definition follows, else '4.4 - 2026-04-14'."""
        day = self.date.isoformat()
        if not self.version:
            return day
        # md_escape escapes brackets too, so a version cannot close the link label early.
        return f"[{md_escape(self.version)}] - {day}" if linked else f"{md_escape(self.version)} - {day}"


def version_url(model: Model, release: Release, position: int) -> str:
    """The version's section on the portal's changelog: the page showing its newest change, which is
    the `position`-th change of the portal, newest first."""
    page = position // PER_PAGE + 1
    return absolute(model, urls.listing(urls.folder("changes"), page)) + "#" + urls.version_anchor(release.version)


def _natural(text: str) -> list[tuple[int, int | str]]:
    """'4.10' after '4.9': numbers compare as numbers."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text.casefold()) if part]


def releases(model: Model) -> list[Release]:
    """Published changes grouped into releases, newest first."""
    groups: dict[tuple[str, str], list[ChangeItem]] = {}
    for change in model.changes:
        version = change.record.version.strip()
        key = ("v", version) if version else ("d", change.record.date.isoformat())
        groups.setdefault(key, []).append(change)
    result = []
    for (_, version_or_day), changes in groups.items():
        changes = sorted(changes, key=lambda c: (-c.record.date.toordinal(), c.record.slug))
        version = version_or_day if changes[0].record.version.strip() else ""
        result.append(Release(version, changes[0].record.date, changes))
    result.sort(key=lambda r: _natural(r.version), reverse=True)  # ties on date: higher version first
    result.sort(key=lambda r: r.date, reverse=True)
    return result


def summary(body_html: str) -> str:
    """The first paragraph as one line of Markdown. A paragraph that introduces a list ("...:") takes
    the list along, inline; one that introduces anything else (a table, say) ends with a full stop."""
    kinds = html_kinds(body_html, markdown=True)
    if not kinds:
        return ""
    blocks = [text for _, text in kinds]
    # A code block cannot sit on an entry's line; as a code span it can, and stays code.
    text = code_span(" ".join(blocks[0].split())) if kinds[0][0] == "pre" else " ".join(blocks[0].split())
    if text.endswith(":"):
        following = blocks[1] if len(blocks) > 1 else ""
        items = [_ITEM.sub("", line).strip() for line in following.splitlines()]
        if following and all(_ITEM.match(line) for line in following.splitlines()):
            text += " " + "; ".join(" ".join(i.split()) for i in items if i) + "."
        else:
            text = text[:-1].rstrip() + "."
    return text


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def entry(model: Model, release: Release, change: ChangeItem, words: Words | None = None) -> str:
    w = words or english()
    r = change.record
    text = f"- **{md_escape(r.title)}**"
    if r.date != release.date:  # YYYY-MM-DD as in the headings: Keep a Changelog's dates, in every language
        text += f" ({r.date.isoformat()})"
    first = summary(change.body_html)
    if first:
        text += f": {_sentence(first)}"
    if change.credit:
        credit = credit_words(change.credit, lambda c: md_escape(c.name), md_escape, w)
        text += " " + _sentence(w.gettext("Thanks to %(credit)s", credit=credit))  # catalog text is trusted
    if model.portal.base_url:
        text += " " + link(w.gettext("More"), absolute(model, change.url))
    return text


# Keep a Changelog's own section names, in the portal's language (its translations word them too).
TYPE_HEADINGS = {"added": N_("Added"), "changed": N_("Changed"), "deprecated": N_("Deprecated"),
                 "removed": N_("Removed"), "fixed": N_("Fixed"), "security": N_("Security")}
OTHER_HEADING = N_("Other")


def _grouped(model: Model, release: Release, w: Words) -> list[str]:
    """The release's entries, under "### Added", "### Fixed", … when any change has a type."""
    if not any(c.record.type for c in release.changes):
        return [entry(model, release, change, w) for change in release.changes]
    lines: list[str] = []
    for kind in (*CHANGE_TYPES, ""):
        changes = [c for c in release.changes if c.record.type == kind]
        if changes:
            lines += [*([""] if lines else []), "### " + w.gettext(TYPE_HEADINGS.get(kind, OTHER_HEADING)), ""]
            lines += [entry(model, release, change, w) for change in changes]
    return lines


def render(model: Model, words: Words | None = None) -> str:
    """The changelog in the portal's language (English without `words`)."""
    w = words or english()
    product = model.portal.product or model.portal.title
    lines = [
        "# " + w.gettext("Changelog"), "",  # the catalogs' Markdown is trusted, as the theme's HTML is
        w.gettext("All notable changes to %(product)s, newest first, with the customers who asked for them.",
                  product=md_escape(product)), "",
        w.gettext("The format is based on %(link)s.", link="[Keep a Changelog](" + KEEP_A_CHANGELOG + ")") + " "
        + w.gettext("It is generated by portalgen from the portal's changes: edit those, not this file."),
    ]
    if model.portal.base_url:
        lines += ["", w.gettext("Every request and decision behind these changes: %(link)s",
                                link=autolink(model.portal.base_url))]
    linked = bool(model.portal.base_url)
    position = {id(change): n for n, change in enumerate(model.changes)}
    definitions = []
    for release in releases(model):
        lines += ["", f"## {release.heading(linked)}", ""]
        lines += _grouped(model, release, w)
        if linked and release.version:
            url = version_url(model, release, position[id(release.changes[0])])
            definitions.append(f"[{md_escape(release.version)}]: {url}")
    if not model.changes:
        lines += ["", w.gettext("Nothing has shipped yet.")]
    if definitions:
        lines += ["", *definitions]
    return "\n".join(lines) + "\n"
