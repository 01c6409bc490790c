"""A record taken back from the build cache is the record that was put in, whenever its packed
fields are read (pipeline/stored_record.py)."""

from __future__ import annotations

import copy
import dataclasses
import marshal
import pickle

from portalgen.content.frontmatter import RawRecord, parse_record
from portalgen.pipeline.stored_record import StoredRecord, entry

TEXT = """---
title: A title
date: 2024-05-01
customers: [customer-00001]
tags: [export]  # fill in: another tag
votes: 012
---
The body.
"""


def parsed() -> RawRecord:
    record, problems = parse_record("feedback", "content/feedback/2024/one.md", "one", TEXT)
    assert record is not None and not problems
    return record


def stored() -> StoredRecord:
    record = StoredRecord.of(marshal.loads(marshal.dumps(entry(parsed()))))  # as the cache file gives it back
    assert record is not None
    return record


def test_the_stored_record_equals_the_parsed_one_field_by_field() -> None:
    raw = parsed()
    for name in ("kind", "slug", "path", "data", "key_lines", "body", "body_line", "marks", "numbers"):
        assert getattr(stored(), name) == getattr(raw, name), name
    assert stored() == raw and raw == stored()
    assert dataclasses.asdict(stored()) == dataclasses.asdict(raw)
    assert stored().marks and stored().numbers, "the example has a placeholder and a number as written"


def test_its_packed_fields_are_unpacked_only_when_read() -> None:
    record = stored()
    assert (record.kind, record.slug, record.path) == ("feedback", "one", "content/feedback/2024/one.md")
    assert "_packed" in record.__dict__ and "data" not in record.__dict__
    assert record.data["title"] == "A title"
    assert "_packed" not in record.__dict__


def test_a_changed_stored_record_differs_and_copies_are_records() -> None:
    record = stored()
    record.data["title"] = "Other"
    assert record != parsed()
    assert pickle.loads(pickle.dumps(stored())) == parsed()
    assert copy.deepcopy(stored()) == parsed()
    assert dataclasses.replace(stored(), slug="two").slug == "two"
    assert StoredRecord.of(["feedback", "one", "a path", "body"]) is None  # not an entry of this format


def test_an_entry_made_again_from_a_stored_record_is_the_same() -> None:
    assert entry(stored()) == entry(parsed())
