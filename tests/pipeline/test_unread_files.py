"""A one-edit CLI build reads, checks and lints only what changed (content/loading.py `texts`,
content/validating.py Memo.stored, content/leaks.py Memo.clean), and still reports every problem
a cold build would: a file whose stat changed is read, a file with problems is read every time,
and what an earlier process found is used only for the same text, portal settings and names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from generate import generate
from site_trees import same_as_cold

import portalgen
from portalgen.content import files, loading, validating
from portalgen.content.kinds import KINDS
from portalgen.content.problems import ContentError, Problems
from portalgen.pipeline.cache import BuildCache
from portalgen.pipeline.stamps import STAT, Stamps


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    root = generate(tmp_path / "portal", 30, seed=3)
    portalgen.build(root, jobs=1)
    return root


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files the loader reads (serially: jobs=1)."""
    read: list[str] = []
    real = loading.read_text_digest

    def spy(path: Path | str, rel: str, problems: Problems) -> tuple[str | None, str | None]:
        read.append(rel)
        return real(path, rel, problems)

    monkeypatch.setattr(loading, "read_text_digest", spy)
    return read


def feedback(project: Path, slug: str) -> Path:
    return next((project / "content" / "feedback").rglob(f"{slug}.md"))


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_one_edit_build_reads_only_the_edited_file(project: Path, reads: list[str], tmp_path: Path) -> None:
    path = feedback(project, "feedback-000004")
    append(path, "\nOne more line.\n")
    assert not portalgen.build(project, jobs=1).up_to_date
    assert reads == [path.relative_to(project).as_posix()]
    assert same_as_cold(project, tmp_path)


def test_a_file_whose_stat_changed_is_read_though_its_bytes_are_known(project: Path, reads: list[str]) -> None:
    path = feedback(project, "feedback-000004")
    cache = BuildCache.open(project)
    loading.load(project, cache, texts=cache)
    assert reads == []
    os.utime(path, ns=(1, 1))  # the same bytes, another stat
    loaded = loading.load(project, BuildCache.open(project), texts=BuildCache.open(project))
    assert reads == [path.relative_to(project).as_posix()]
    assert loaded.files == loading.load(project).files


def test_a_file_with_a_warning_is_read_and_warns_every_time(project: Path, reads: list[str]) -> None:
    path = feedback(project, "feedback-000005")
    append(path, "\nA bell \x07 here.\n")
    first = portalgen.build(project, jobs=1)
    assert any("control characters" in p.message for p in first.warnings)
    append(feedback(project, "feedback-000004"), "\nAnother edit.\n")
    reads.clear()
    again = portalgen.build(project, jobs=1)
    assert path.relative_to(project).as_posix() in reads
    assert any("control characters" in p.message for p in again.warnings)


def test_a_refused_file_fails_every_build(project: Path) -> None:
    folder = feedback(project, "feedback-000002").parent
    (folder / "Bad Slug.md").write_text("---\ntitle: Bad\ndate: 2026-05-01\nfrom: [customer-00001]\n---\nX.\n",
                                        encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ContentError) as info:
            portalgen.build(project, jobs=1)
        assert any("Bad Slug.md" in p.path for p in info.value.problems)


def test_a_text_linted_clean_is_read_again_when_the_names_change(project: Path) -> None:
    """An unchanged feedback file names a customer that was named, then is made anonymous."""
    path = feedback(project, "feedback-000004")
    append(path, "\nOrganisation 00001 asked for this.\n")
    portalgen.build(project, jobs=1)  # named: not a leak, and the text is remembered as naming nobody
    customer = project / "content" / "customers" / "customer-00001.yaml"
    customer.write_text(customer.read_text(encoding="utf-8").replace("credit: named", "credit: anonymous"),
                        encoding="utf-8")
    with pytest.raises(ContentError) as info:
        portalgen.build(project, jobs=1)
    assert any(p.path == path.relative_to(project).as_posix() and "Organisation 00001" in p.message
               for p in info.value.problems)


def test_a_stored_check_gives_back_the_record_check_record_makes(project: Path) -> None:
    loaded = loading.load(project)
    portal = validating._portal(loaded.portal, Problems())
    for raw in loaded.records:
        kind = KINDS[raw.kind]
        record, problems = validating.check_record(kind, raw, portal)
        values = validating._stored(record) if record is not None and not problems else None
        if values is not None:
            assert validating._restored(kind, raw, values) == record


def test_a_stored_check_is_used_only_for_the_same_portal_settings(project: Path) -> None:
    loaded = loading.load(project)
    memo = validating.Memo(texts=loaded.files)
    validating.validate(loaded, memo)
    stored = (memo.portal_digest(), memo.checked_now)
    raw = loaded.records[0]
    entry = f"{raw.path}\0{loaded.files[raw.path]}"
    assert entry in stored[1]
    planted = dict(stored[1])
    planted[entry] = tuple("planted" if type(v) is str else v for v in planted[entry])
    trusting = validating.Memo(texts=loaded.files, stored=(stored[0], planted))
    records, _ = validating.validate(loaded, trusting)
    assert KINDS[raw.kind].table(records)[raw.slug].title == "planted"  # taken as it was stored
    other = validating.Memo(texts=loaded.files, stored=("another portal", planted))
    records, _ = validating.validate(loaded, other)
    assert KINDS[raw.kind].table(records)[raw.slug].title != "planted"


def test_trusted_says_what_token_would_take_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("first\n", encoding="utf-8")
    info = os.lstat(path)
    stamp = STAT.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)
    newest = max(info.st_mtime_ns, info.st_ctime_ns)
    known = {"k": (stamp, "remembered")}
    assert Stamps(None, known, newest + 1, info.st_dev).trusted("k", info) == "remembered"
    assert Stamps(None, known, newest, info.st_dev).trusted("k", info) is None  # racy
    assert Stamps(None, known, newest + 1, info.st_dev + 1).trusted("k", info) is None  # another file system
    assert Stamps(None, known, newest + 1, info.st_dev).trusted("other", info) is None
    os.utime(path, ns=(1, 1))
    assert Stamps(None, known, newest + 1, info.st_dev).trusted("k", os.lstat(path)) is None


def test_record_files_lists_what_discover_did(project: Path) -> None:
    folder = project / "content" / "feedback"
    (folder / "sub" / ".hidden").mkdir(parents=True)
    for name in ("sub/a.md", "sub/.hidden/b.md", "Bad Slug.md", "notes.txt", "x.md~", "4913"):
        (folder / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (folder / "outside").symlink_to(project.parent, target_is_directory=True)
    (folder / "broken.md").symlink_to(project / "nowhere.md")
    problems = Problems()
    found = files.record_files(project / "content", project, problems)
    rels = [rel for _, _, rel, _ in found]
    assert "content/feedback/sub/a.md" in rels and "content/feedback/sub/.hidden/b.md" not in rels
    assert rels.index("content/feedback/sub/a.md") > max(i for i, rel in enumerate(rels)
                                                         if rel.count("/") == 2)  # a folder's files first
    messages = {(p.path, p.message.split(" (")[0].split(";")[0]) for p in problems.items}
    assert ("content/feedback/outside", "symlink points outside the project") in messages
    assert ("content/feedback/broken.md", "symlink points to nothing") in messages
    assert any(path == "content/feedback/Bad Slug.md" for path, _ in messages)
    assert any(path == "content/feedback/notes.txt" for path, _ in messages)
    assert [(kind, Path(path)) for kind, path, _, _ in found] == files.discover(project / "content", project,
                                                                                Problems())
