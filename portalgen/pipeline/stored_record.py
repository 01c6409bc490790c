"""A raw record taken back from the build cache, its YAML data decoded only when read.

A one-edit build takes some 15,000 records from the cache and reads the data of a few: the
others' checked records come from the cache too (content/validating.py), and their data is
never looked at. Decoding each one (cache_values.decode_value: dates out of their tags, every
dict and list copied) cost that build 0.25 s.
"""

from __future__ import annotations

from typing import Any

from portalgen.content.frontmatter import RawRecord
from portalgen.pipeline.cache_values import decode_value


class StoredRecord(RawRecord):
    """A RawRecord in every way (fields, equality, copies, pickling) but for when `data` is decoded."""

    @classmethod
    def of(cls, entry: list[Any]) -> StoredRecord:
        """The record of a cache entry (BuildCache.put_record), its data not decoded yet."""
        kind, slug, path, encoded, key_lines, body, body_line, marks, numbers = entry
        record = object.__new__(cls)  # what RawRecord's __init__ would set, but data
        # The containers are new: the cache's entry stays as read (pipeline/cache_delta.py)
        record.__dict__.update(kind=kind, slug=slug, path=path, _encoded=encoded, key_lines=dict(key_lines),
                               body=body, body_line=body_line,
                               marks=tuple((line, text, indented) for line, text, indented in marks),
                               numbers=dict(numbers))
        return record

    @property
    def data(self) -> dict[str, Any]:
        fields = self.__dict__
        if "_encoded" in fields:
            fields["data"] = decode_value(fields.pop("_encoded"))
        value: dict[str, Any] = fields["data"]
        return value

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self.__dict__.pop("_encoded", None)
        self.__dict__["data"] = value

    def __eq__(self, other: object) -> bool:
        # The dataclass's own __eq__ compares records of the very same class only.
        if not isinstance(other, RawRecord):
            return NotImplemented
        return _values(self) == _values(other)

    __hash__ = None  # type: ignore[assignment]  # as RawRecord's: a dataclass with eq and not frozen


def _values(record: RawRecord) -> tuple[Any, ...]:
    return (record.kind, record.slug, record.path, record.data, record.key_lines, record.body, record.body_line,
            record.marks, record.numbers)
