"""Old slugs (`aliases:`, written by `portalgen rename`): each one is an address the build keeps
working with a redirect page, so no two records of a kind may claim the same one.

A collision would make two pages, or a page and a redirect, fight over one address: whichever
was written last would win, silently. Check names both files instead.
"""

from __future__ import annotations

from collections.abc import Collection

from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problems
from portalgen.content.records import Records


def check_aliases(records: Records, raws: dict[tuple[str, str], RawRecord], problems: Problems,
                  claimed: Collection[tuple[str, str]] = ()) -> None:
    """Every alias is free within its kind: not a record's slug (a file that could not be read
    included), not its own slug, and not another record's alias."""
    for kind in KINDS.values():
        slugs = {slug: raw.path for (name, slug), raw in raws.items() if name == kind.name}
        slugs.update((slug, f"content/{kind.folder}/ (a file that could not be read)")
                     for name, slug in claimed if name == kind.name and slug not in slugs)
        taken: dict[str, str] = {}  # alias -> the file that claims it
        for slug, record in sorted(kind.table(records).items()):
            raw = raws[(kind.name, slug)]
            line = raw.key_lines.get("aliases")
            for alias in record.aliases:
                if alias == slug:
                    problems.error(raw.path, line, f"'aliases': '{alias}' is this record's own slug",
                                   "remove it: an alias is a slug the record had before a rename")
                elif alias in slugs:
                    problems.error(raw.path, line, f"'aliases': '{alias}' is the slug of {slugs[alias]}",
                                   f"remove the alias, or rename {slugs[alias]}: one address cannot lead to "
                                   "two records")
                elif alias in taken:
                    problems.error(raw.path, line, f"'aliases': '{alias}' is also an alias in {taken[alias]}",
                                   "keep it in one of the two files only: one address cannot lead to two records")
                else:
                    taken[alias] = raw.path
