"""The persistent build cache: parsed front matter and rendered Markdown, keyed by content hash.

It lives in PROJECT/.portalgen-cache/ (git-ignored). Every file is signed with a key kept outside the
project, and one whose signature does not verify is ignored before it is parsed, so a cache folder that
someone committed or planted is never read. The files are `marshal` data (plain dicts, lists and strings:
no code to run; the small one's 2 MB at 10,000 items cost every build 0.03-0.05 s as JSON). Their names
hold a digest of portalgen's source and Markdown pipeline: an upgrade or new Markdown settings start
empty. Templates are not part of it: they only affect pages, and pages are not cached here.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import secrets
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from portalgen.model.versions import installed_version
from portalgen.pipeline import cache_delta, signing
from portalgen.pipeline.inputs import content_key
from portalgen.pipeline.signing import sign
from portalgen.pipeline.stamps import Stamps

if TYPE_CHECKING:  # not imported at run time: a build with nothing to do reads only the state file
    from portalgen.content.frontmatter import RawRecord
    from portalgen.pipeline.dependencies import SavedDependencies

__all__ = ["BackBuffer", "BuildCache", "OutputEntry", "code_digest", "sign", "stamps_name"]

CACHE_DIR = ".portalgen-cache"
FORMAT = 3  # 2: pages remember what they read, not a hand-made fingerprint; 3: the large file has a journal
# The large file's parts, each diffed on its own against what was read (cache_delta.py)
SECTIONS = ("records", "texts", "clean", "checked", "html", "html_policy", "deps", "memos")
JOURNAL_SHARE = 8  # the journal grown past 1/8 of the large file: the large file is written anew
JOURNAL_FLOOR = 1 << 18  # a journal this small is kept whatever the large file's size: it is read in no time


@cache
def code_digest() -> str:
    """Changes whenever portalgen's code (every stage) or its Markdown pipeline changes: the code
    (model/markdown.py: extensions, allow-list) is in the source digest, the libraries by version,
    read from their metadata rather than imported (a build with nothing to do imports neither;
    model/versions.py)."""
    libraries = f"Python-Markdown {installed_version('markdown')}:nh3 {installed_version('nh3')}"
    return source_digest(Path(__file__).resolve().parent.parent, f"{FORMAT}:{libraries}")


def stamps_name() -> str:
    """The file in the cache folder that remembers each input file's stat and bytes (pipeline/stamps.py)."""
    return f"stamps-{code_digest()}.bin"


def source_digest(package: Path, salt: str) -> str:
    """A digest of every Python file and gettext catalog (.po) under `package`, sub-packages included,
    with their paths: the catalogs word every page as much as the code does."""
    h = hashlib.sha256(salt.encode())
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.po")]):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class BackBuffer(TypedDict):
    """An older complete site kept in the cache folder, and the digests of its pages."""

    marker: str
    pages: dict[str, str]


class OutputEntry(TypedDict):
    """What the cache knows about the site in one output folder (see pipeline/output_state.py)."""

    digest: str  # of everything the build read
    marker: str  # identity of the marker file that build wrote
    pages: dict[str, str]  # output path (pages and the site-wide files) -> digest of its bytes
    back: BackBuffer | None
    base_url: str | None
    warnings: list[list[Any]]  # [path, line, message, hint, severity]: JSON has no tuples
    guard: str  # the protected names the output guard read the site against
    wide: NotRequired[str]  # what its site-wide files were made from besides the records (render/spliced.py)


@dataclass
class BuildCache:
    """In memory during a build (and across rebuilds under serve); saved as signed marshal files: the small
    `state-*.bin` (what is known about each output folder, enough to tell that a site is up to date), the
    large file (large_name()) and beside it its journal, what changed since it was written (cache_delta.py),
    so that an edit's build does not write tens of MB again. The large file is taken only with its journal.
    """

    folder: Path | None = None
    outputs: dict[str, OutputEntry] = field(default_factory=dict)  # by output folder
    dirty: bool = False
    _records: dict[str, Any] = field(default_factory=dict)  # "path\0hash" -> RawRecord (stored_record.entry)
    # path -> [digest of the file's bytes (pipeline/inputs.py), text_key of its text], for files
    # last read without a problem: with the stat memo, a file is known without reading it.
    _texts: dict[str, list[str]] = field(default_factory=dict)
    _html: dict[str, str] = field(default_factory=dict)  # hash of Markdown -> sanitised HTML
    _html_policy: str = ""  # what _html was made under (model/markdown.py: policy)
    # The record files whose public texts name nobody (content/leaks.py Memo.clean): [digest of
    # the names, ["path\0text_key", ...]]
    _clean: list[Any] = field(default_factory=lambda: ["", []])
    # Typed records of files whose check found no problem (content/validating.py Memo.stored):
    # [digest of the portal settings, {"path\0text_key": values}]
    _checked: list[Any] = field(default_factory=lambda: ["", {}])
    _deps: dict[str, SavedDependencies | None] = field(default_factory=dict)  # by output folder
    # What the site-wide files' rows were made from, and what the output guard found in them, by
    # name ("guard rows": output/guard_rows.py, "search rows": render/search_index.py)
    _memos: dict[str, Any] = field(default_factory=dict)
    _loaded: bool = True  # the large file has been read (or there is none)
    # The large file's sections as read, before its journal: what save() writes the difference from
    _base: dict[str, Any] | None = None
    _base_id: str | None = None  # the large file's identity, which its journal names
    _base_size: int = 0
    _stamps: Stamps | None = None
    _ahead: signing.ReadAhead | None = None

    @classmethod
    def open(cls, project: Path) -> BuildCache:
        folder = project / CACHE_DIR
        self = cls(folder)
        data = _decoded(signing.read_signed(folder / state_name()))
        if data is not None:
            self.outputs = dict(data.get("outputs", {}))
            self._loaded = False
        return self

    @property
    def stamps(self) -> Stamps:
        """What the input files held when last hashed, by their stat (pipeline/stamps.py); saved
        with the rest, so that a failed build writes nothing."""
        if self._stamps is None:
            self._stamps = Stamps.open(self.folder / stamps_name()) if self.folder is not None else Stamps()
        return self._stamps

    def read_ahead(self) -> None:
        """Start reading the large file and its journal, for a build that will ask for them (signing.ReadAhead)."""
        if not self._loaded and self.folder is not None and self._ahead is None:
            self._ahead = signing.ReadAhead([self.folder / large_name(), self.folder / journal_name()])

    def read_ahead_done(self) -> None:  # waits: a build forks no child while the thread runs
        if self._ahead is not None:
            self._ahead.wait()

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        data = self._read_sections() if self.folder is not None else None
        if data is not None:
            # Copies of the containers changed in place: the base read stays as it was, for save()
            self._records = dict(data.get("records", {}))
            self._texts = dict(data.get("texts", {}))
            clean = data.get("clean")
            if isinstance(clean, list) and len(clean) == 2 and isinstance(clean[0], str) and isinstance(clean[1], list):
                self._clean = clean
            checked = data.get("checked")
            if isinstance(checked, list) and len(checked) == 2 and isinstance(checked[0], str) \
                    and isinstance(checked[1], dict):
                self._checked = checked
            self._html = dict(data.get("html", {}))
            policy = data.get("html_policy")
            self._html_policy = policy if isinstance(policy, str) else ""
            self._deps = dict(data.get("deps", {}))
            memos = data.get("memos")
            self._memos = dict(memos) if isinstance(memos, dict) else {}

    def _read_sections(self) -> dict[str, Any] | None:
        """The large file's sections with its journal's changes (cache_delta.py) applied; None when
        either is missing, not signed by this machine, or they were not written together."""
        assert self.folder is not None
        base_path = self.folder / large_name()
        read, self._ahead = self._ahead.body if self._ahead is not None else signing.read_signed, None
        base = _decoded(read(base_path))
        journal = _decoded(read(self.folder / journal_name())) if base is not None else None
        if base is None or journal is None or not isinstance(base.get("id"), str) or journal.get("base") != base["id"] \
                or not isinstance(journal.get("delta"), dict):
            return None
        sections = {name: base[name] for name in SECTIONS if name in base}  # a missing one: _load() starts it empty
        changes = journal["delta"]
        try:
            data = {name: cache_delta.patched(sections.get(name), changes[name]) if changes.get(name) is not None
                    else sections[name] for name in SECTIONS if name in sections or name in changes}
            self._base, self._base_id, self._base_size = sections, base["id"], base_path.stat().st_size
        except (ValueError, TypeError, KeyError, IndexError, OSError):
            return None
        return data

    @property
    def records(self) -> dict[str, Any]:
        self._load()
        return self._records

    @property
    def html(self) -> dict[str, str]:
        self._load()
        return self._html

    def html_under(self, policy: str) -> dict[str, str]:
        """The HTML kept, when it was made under `policy` (model/markdown.py: policy); else none,
        and what is put in from now on is kept under `policy`."""
        self._load()
        if self._html_policy != policy:
            if self._html:
                self._html = {}
                self.dirty = True
            self._html_policy = policy
        return self._html

    def deps(self, output: str) -> SavedDependencies | None:
        self._load()
        return self._deps.get(output)

    def set_deps(self, output: str, deps: SavedDependencies | None) -> None:  # None: nothing known, as for no entry
        self._load()
        self._deps[output] = deps
        self.dirty = True

    def get_record(self, rel: str, text_hash: str) -> RawRecord | None:
        from portalgen.pipeline.stored_record import StoredRecord  # imported by the load that asks, not before

        entry = self.records.get(f"{rel}\0{text_hash}")
        # Its fields but kind, slug, path and body are unpacked when read: most records' never are.
        return StoredRecord.of(entry) if isinstance(entry, list) else None

    def record_hashes(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for key in self.records:
            rel, _, text_hash = key.partition("\0")
            found.setdefault(rel, set()).add(text_hash)
        return found

    def put_record(self, text_hash: str, raw: RawRecord) -> None:
        from portalgen.pipeline.stored_record import entry

        try:
            self.records[f"{raw.path}\0{text_hash}"] = entry(raw)
        except (TypeError, ValueError):  # data the cache cannot hold: parsed again next time
            return
        self.dirty = True

    def unchanged_text(self, rel: str, path: str) -> str | None:
        """The text_key of the content file `rel` (at `path`) when its stat says it holds the bytes
        it held when it was last read without a problem (pipeline/stamps.py trusts that stat as
        the up-to-date digest does); None when it must be read."""
        self._load()
        seen = self._texts.get(rel)
        if seen is None:
            return None
        token = self.stamps.hashed(content_key(rel))  # by this build's digest: not asked of the file again
        if token is not None:
            return seen[1] if token == seen[0] else None
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None  # a link: what it leads to is read
        token = self.stamps.trusted(content_key(rel), info)
        return seen[1] if token is not None and token == seen[0] else None

    def remember_text(self, rel: str, digest: str, text_hash: str) -> None:
        """That the file `rel`, read without a problem, held bytes of `digest` and a text of `text_hash`."""
        self._load()
        if self._texts.get(rel) != [digest, text_hash]:
            self._texts[rel] = [digest, text_hash]
            self.dirty = True

    def clean_texts(self) -> tuple[str, frozenset[str]]:
        """What content/leaks.py Memo.clean was when put_clean_texts() was last called."""
        self._load()
        return self._clean[0], frozenset(self._clean[1])

    def put_clean_texts(self, digest: str, entries: set[str]) -> None:
        self._load()
        if self._clean[0] != digest or set(self._clean[1]) != entries:
            self._clean = [digest, sorted(entries)]
            self.dirty = True

    def checked_records(self) -> tuple[str, dict[str, tuple[Any, ...]]]:
        """What content/validating.py Memo.stored was when put_checked_records() was last called."""
        self._load()
        return self._checked[0], self._checked[1]

    def put_checked_records(self, digest: str, entries: dict[str, tuple[Any, ...]]) -> None:
        self._load()
        if self._checked[0] != digest or self._checked[1] != entries:
            self._checked = [digest, dict(entries)]
            self.dirty = True

    def memo(self, name: str) -> Any:
        """What put_memo(name, ...) was last given (None when nothing was), to be checked by its user."""
        self._load()
        return self._memos.get(name)

    def put_memo(self, name: str, saved: Any) -> None:
        self._load()
        if saved != self._memos.get(name):
            self._memos[name] = saved
            self.dirty = True

    def let_go(self) -> None:
        """A kept session (serve, which never saves) holds what it reuses itself once it has built:
        the large file's contents (at 10,000 items ~30 MB, most of it what each page read) go; the
        site-wide rows (memo) stay, as each rebuild uses them."""
        self._records, self._texts, self._html, self._deps = {}, {}, {}, {}
        self._clean, self._checked = ["", []], ["", {}]
        self._base = self._base_id = None  # never saved: no journal to write

    def put_html(self, key: str, html: str) -> None:
        self.html[key] = html
        self.dirty = True

    def prune_records(self, live: set[str]) -> None:
        """Forget files no longer there, so the cache does not grow with every edit."""
        if set(self.records) - live:
            self._records = {k: v for k, v in self._records.items() if k in live}
            self.dirty = True
        if any(f"{rel}\0{seen[1]}" not in live for rel, seen in self._texts.items()):
            self._texts = {rel: seen for rel, seen in self._texts.items() if f"{rel}\0{seen[1]}" in live}
            self.dirty = True

    def prune_html(self, live: set[str]) -> None:
        if set(self.html) - live:
            self._html = {k: v for k, v in self._html.items() if k in live}
            self.dirty = True

    def save(self) -> None:
        if self._stamps is not None:
            self._stamps.save()  # a build with nothing to do may still have learnt what a file holds
        if not self.dirty or self.folder is None:
            return
        try:
            signing.make_folder(self.folder)
            for old in [*self.folder.glob("*.json"), *self.folder.glob("*.bin")]:
                if old.name not in (large_name(), journal_name(), state_name(), stamps_name()):
                    old.unlink(missing_ok=True)
            key = signing.signing_key()
            if key is None:
                return
            if self._loaded:  # an unread large file is as it was: keep it
                self._write_sections(key)
            _write_signed(self.folder / state_name(), key, {"format": FORMAT, "outputs": self.outputs})
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time next build

    def _write_sections(self, key: bytes) -> None:
        """The journal of what changed since the large file was read, while it stays small;
        else the large file anew (with an empty journal: a large file is read only with a
        journal written for it, so a journal left from before never applies to it)."""
        assert self.folder is not None
        sections = {"records": self._records, "texts": self._texts, "clean": self._clean, "checked": self._checked,
                    "html": self._html, "html_policy": self._html_policy, "deps": self._deps, "memos": self._memos}
        if self._base is not None and self._base_id is not None:
            delta = {name: change for name in SECTIONS
                     if (change := cache_delta.diff(self._base.get(name), sections[name])) is not None}
            body = marshal.dumps({"format": FORMAT, "base": self._base_id, "delta": delta})
            if len(body) <= max(self._base_size // JOURNAL_SHARE, JOURNAL_FLOOR):
                signing.write_signed(self.folder / journal_name(), key, body)
                return
        # A new identity each time: a journal names the one large file it was written against.
        base_id = secrets.token_hex(16)
        _write_signed(self.folder / large_name(), key, {"format": FORMAT, "id": base_id, **sections})
        _write_signed(self.folder / journal_name(), key, {"format": FORMAT, "base": base_id, "delta": {}})
        # What was written is what this process goes on changing in place: a later save writes whole.
        self._base, self._base_id = None, None


def large_name() -> str:
    """The large file: records, HTML, what each page read; read only by a build with work to do."""
    return f"cache-{code_digest()}.bin"


def state_name() -> str:
    """The small file: what is known about each output folder (marshal, as the large one)."""
    return f"state-{code_digest()}.bin"


def journal_name() -> str:
    """The file beside the large one with what changed since it was written (cache_delta.py)."""
    return f"journal-{code_digest()}.bin"


def _decoded(body: memoryview | None) -> dict[str, Any] | None:
    """The data of a body from signing.read_signed (None: not ours, unreadable or none), when of this FORMAT."""
    try:
        found = marshal.loads(body) if body is not None else None
    except (ValueError, TypeError, EOFError):
        return None
    return found if isinstance(found, dict) and found.get("format") == FORMAT else None


def _write_signed(path: Path, key: bytes, data: dict[str, Any]) -> None:
    signing.write_signed(path, key, marshal.dumps(data))
