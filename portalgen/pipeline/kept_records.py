"""The parsed records a dev-server session keeps between its runs."""

from __future__ import annotations

from portalgen.content.frontmatter import RawRecord
from portalgen.pipeline.cache import BuildCache


class KeptRecords:
    """The records a kept session parsed, as a store for `loading.load`: when everything is loaded
    again (a folder moved, portal.yaml saved), only files whose text changed are parsed again.
    The first load reads through to the disk cache."""

    def __init__(self, disk: BuildCache | None):
        self._disk = disk
        self._kept: dict[str, tuple[str, RawRecord]] = {}  # path -> (digest of its text, record)

    def get_record(self, rel: str, text_hash: str) -> RawRecord | None:
        kept = self._kept.get(rel)
        if kept is not None and kept[0] == text_hash:
            return kept[1]
        found = self._disk.get_record(rel, text_hash) if self._disk is not None else None
        if found is not None:
            self._kept[rel] = (text_hash, found)
        return found

    def record_hashes(self) -> dict[str, set[str]]:
        found = self._disk.record_hashes() if self._disk is not None else {}
        for rel, (text_hash, _raw) in self._kept.items():
            found.setdefault(rel, set()).add(text_hash)
        return found

    def put_record(self, text_hash: str, raw: RawRecord) -> None:
        self._kept[raw.path] = (text_hash, raw)

    def prune_records(self, live: set[str]) -> None:
        self._kept = {rel: kept for rel, kept in self._kept.items() if f"{rel}\0{kept[0]}" in live}
