"""The guard clears a big site-wide file from its rows (output/guard_rows.py) only when reading the
whole file would find nothing: the rows' skeletons, joined, are the file's, and a name across a
cut between two rows is found."""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from portalgen.content.leaks import Protected
from portalgen.content.namefinder import NameFinder, skeletons
from portalgen.output import guard_rows
from portalgen.output.guard import Guard, _unescape_script
from portalgen.output.guard_rows import RowVerdicts

NAMES = NameFinder([(name, Protected(name, slug, "anonymous customer", f"content/customers/{slug}.yaml"))
                    for name, slug in [("Globex Retail", "globex"), ("Acme", "acme"), ("Zoë Ltd", "zoe")]])
# Pieces of JSON text: escapes (the ones every portal.json has, and others), tags, entities,
# letters beyond ASCII, separators, and pieces of the names.
PIECES = ["Glo", "bex", " Retail", "\\u003cb\\u003e", "\\u003c/b\\u003e", "<i>", "</i>", "<", ">", "Ac", "me",
          "&#71;", "\\u0026amp;", "&amp;", "%47", "Zo", "ë", "é", " Ltd", "\\n", '\\"', "\\u0041", "\\\\", "—",
          "◐", "x", " ", "slug", '{"a":', "}", ",", "&", "%", "\\", "\\u00"]
CUTS = {"api/portal.json": "\n", "search/index.js": "],["}


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard_rows, "BIG", 0)  # every file is big enough to be read by rows


def _file(rows: list[list[str]], cut: str) -> bytes:
    return cut.join("".join(row) for row in rows).encode("utf-8")


def _whole(path: str, data: bytes) -> list[str]:
    """The skeletons Guard.check_file searches (as the str the rows' ends are kept in)."""
    if b"\\" in data:
        data = _unescape_script(data.decode("utf-8", "replace")).encode("utf-8", "replace")
    return [part.decode("latin-1") for part in skeletons(data)]


rows_of = st.lists(st.lists(st.sampled_from(PIECES), max_size=8), min_size=1, max_size=6)


@settings(max_examples=400)
@given(rows_of, st.sampled_from(sorted(CUTS)))
def test_a_file_cleared_by_its_rows_names_nobody(rows: list[list[str]], path: str) -> None:
    data = _file(rows, CUTS[path])
    verdicts = RowVerdicts("k", ["k", {}])
    cleared = verdicts.clean(NAMES, path, data)
    event(f"cleared by rows: {cleared}")
    if cleared:
        assert not NAMES.may_contain_any(_whole(path, data))
        assert Guard(NAMES).check_file(path, data) == []
        again = RowVerdicts("k", verdicts.saved())  # the next build, from what this one remembered
        assert again.clean(NAMES, path, data)


@settings(max_examples=400)
@given(rows_of, st.sampled_from(sorted(CUTS)))
def test_the_rows_skeletons_joined_are_the_files(rows: list[list[str]], path: str) -> None:
    """With ends as long as the rows (a name longer than any row), what is searched across the cuts
    is the whole file's skeletons, whenever every row meets the module's conditions."""
    data, cut = _file(rows, CUTS[path]), CUTS[path].encode()
    escaped = b"\\" in data
    if b"\\\\" in data:
        return
    parts = data.split(cut)
    made = [guard_rows._read(NAMES, part + cut if n < len(parts) - 1 else part, escaped, 10**6)
            for n, part in enumerate(parts)]
    compared = all(ends is not None for ends in made) and not NAMES.may_contain_any(_whole(path, data))
    event(f"compared: {compared}")
    if compared:
        assert ["".join(ends[n] for ends in made if ends is not None) for n in (0, 1)] == _whole(path, data)


def test_a_name_across_a_cut_is_read_whole() -> None:
    data = _file([["x "] * 300 + ["Globex"], ["Retail x"]], "\n")  # each row clean, the two together name them
    assert not RowVerdicts("k", ["k", {}]).clean(NAMES, "api/portal.json", data)
    assert Guard(NAMES).check_file("api/portal.json", data)


def test_clean_rows_clear_the_file_and_a_changed_row_is_read() -> None:
    rows = [[f'{{"slug":"item-{n}","body_html":"\\u003cp\\u003eSome text {n}\\u003c/p\\u003e\\n"}},']
            for n in range(50)]
    first = RowVerdicts("k", ["k", {}])
    assert first.clean(NAMES, "api/portal.json", _file(rows, "\n"))
    rows[7] = ['{"slug":"item-7","body_html":"\\u003cp\\u003eThanks to Ac\\u003cb\\u003eme\\u003c/b\\u003e'
               '\\u003c/p\\u003e"},']
    leaking = _file(rows, "\n")
    assert not RowVerdicts("k", first.saved()).clean(NAMES, "api/portal.json", leaking)
    assert Guard(NAMES).check_file("api/portal.json", leaking)


def test_other_names_or_no_earlier_build_read_the_file_whole() -> None:
    data = _file([['{"a":"plain text"},']] * 20, "\n")
    assert not RowVerdicts("k", None).clean(NAMES, "api/portal.json", data)  # a first build: read whole
    assert not RowVerdicts("other", ["k", {}]).clean(NAMES, "api/portal.json", data)
    assert RowVerdicts("k", ["k", {}]).clean(NAMES, "api/portal.json", data)
    assert not RowVerdicts("k", ["k", {}]).clean(NAMES, "site/page.html", data)  # not a file of rows


def test_saved_rows_are_packed_by_bucket_and_an_unchanged_bucket_keeps_its_bytes() -> None:
    """The build cache holds the rows in BUCKETS bytes objects (its journal finds the unchanged
    ones unchanged); a bucket that does not unpack is as if its rows were never read."""
    rows = [[f'{{"slug":"item-{n}","title":"Plain title {n}"}},'] for n in range(300)]
    data = _file(rows, "\n")
    first = RowVerdicts("k", ["k", {}])
    assert first.clean(NAMES, "api/portal.json", data)
    saved = first.saved()
    assert saved[0] == "k" and len(saved[1]) == guard_rows.BUCKETS
    assert all(isinstance(blob, bytes) for blob in saved[1])
    again = RowVerdicts("k", saved)
    assert again.clean(NAMES, "api/portal.json", data)
    assert again.saved() == saved  # the same rows: the same bytes, bucket by bucket
    assert saved[1] == first.saved()[1]  # and what was read from stays as it was
    rows[0] = ['{"slug":"item-0","title":"Another title"},']
    edited = RowVerdicts("k", saved)
    assert edited.clean(NAMES, "api/portal.json", _file(rows, "\n"))
    assert sum(a != b for a, b in zip(edited.saved()[1], saved[1], strict=True)) <= 2  # the row gone, the new one

    broken = RowVerdicts("k", ["k", [b"not marshal"] * guard_rows.BUCKETS])
    assert broken.clean(NAMES, "api/portal.json", data)  # every row read again
    assert RowVerdicts("k", broken.saved()).clean(NAMES, "api/portal.json", data)


def test_a_leaking_row_is_not_cleared_by_a_packed_memo() -> None:
    rows = [[f'{{"slug":"item-{n}","title":"Plain title {n}"}},'] for n in range(40)]
    first = RowVerdicts("k", ["k", {}])
    assert first.clean(NAMES, "api/portal.json", _file(rows, "\n"))
    rows[3] = ['{"slug":"item-3","title":"Thanks to Acme"},']
    assert not RowVerdicts("k", first.saved()).clean(NAMES, "api/portal.json", _file(rows, "\n"))
