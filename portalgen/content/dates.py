"""Dates that make sense: nothing is dated after the build, and nothing is revisited before it is decided.

Each of these is a typo that YAML accepts and the site would publish as written: a feedback item
dated 2027-06-01 in 2026 (waiting "0 days", first in every list, quarters running years ahead), a
decision of October 2026 that "we will look at again on 1 January 2025". Both are errors, drafts and
private records included: a draft is published by removing one line, and private records feed the
report. Only `revisit` may lie ahead: it says when we will look again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problems
from portalgen.content.records import Decision, Records

# Dates that say what is to come, not what happened.
AHEAD = frozenset({("decision", "revisit")})
# An author east of the build machine (UTC on CI) may already be a day ahead: their "today" is
# never an error. Time zones span less than a day either side of UTC.
TIME_ZONES = timedelta(days=1)


def check_dates(records: Records, raws: dict[tuple[str, str], RawRecord], today: date,
                problems: Problems) -> None:
    """Every dated key of every record against the build date, and every revisit against its decision."""
    latest = today + TIME_ZONES if today < date.max - TIME_ZONES else date.max
    for kind in KINDS.values():
        keys = [f for f in kind.fields if f.type == "date" and (kind.name, f.name) not in AHEAD]
        for slug, record in kind.table(records).items():
            raw = raws[(kind.name, slug)]
            for field in keys:
                _not_after(raw, field.name, getattr(record, field.attribute), today, latest, problems)
    for slug, decision in records.decisions.items():
        _revisit_after_decision(raws[("decision", slug)], decision, problems)


def _not_after(raw: RawRecord, key: str, value: Any, today: date, latest: date, problems: Problems) -> None:
    if isinstance(value, date) and value > latest:
        problems.error(raw.path, raw.key_lines.get(key),
                       f"'{key}': {value.isoformat()} is after the build date ({today.isoformat()})",
                       "write the date it happened (a year typed wrong?); only a decision's revisit date may "
                       "lie ahead")


def _revisit_after_decision(raw: RawRecord, decision: Decision, problems: Problems) -> None:
    if decision.revisit is not None and decision.revisit < decision.date:
        problems.error(raw.path, raw.key_lines.get("revisit"),
                       f"'revisit': {decision.revisit.isoformat()} is before the decision itself "
                       f"({decision.date.isoformat()})",
                       f"write when we will look again, after {decision.date.isoformat()}")
