"""A raw record as the build cache keeps it, and taken back: its YAML data, key lines, placeholder
marks and numbers as written stay packed until one of them is read.

A one-edit build takes some 15,000 records from the cache and reads these fields of a few: the
others' checked records come from the cache too (content/validating.py), which needs only their
kind, slug, path and body. Packed into one marshal string per record, they cost the cache's
reading one string each instead of some twenty objects (0.1-0.15 s of a one-edit build), and
nothing is decoded (cache_values.decode_value: dates out of their tags, every dict and list
copied: 0.25 s more).
"""

from __future__ import annotations

import marshal
from typing import Any, Generic, TypeVar, overload

from portalgen.content.frontmatter import RawRecord
from portalgen.pipeline.cache_values import decode_value, encode_value

T = TypeVar("T")
PACKED = ("data", "key_lines", "body_line", "marks", "numbers")  # in the packed string, in this order
ENTRY = 5  # the length of a cache entry: [kind, slug, path, body, packed]


def entry(raw: RawRecord) -> list[Any]:
    """The cache's entry for `raw`; raises TypeError or ValueError when its data holds what the
    cache does not (cache_values.encode_value, marshal)."""
    if isinstance(raw, StoredRecord) and "_packed" in raw.__dict__:
        packed = raw.__dict__["_packed"]  # as read: the same bytes
    else:
        packed = marshal.dumps([encode_value(raw.data), raw.key_lines, raw.body_line, [list(m) for m in raw.marks],
                                raw.numbers])
    return [raw.kind, raw.slug, raw.path, raw.body, packed]


class _Packed(Generic[T]):
    """A field of a StoredRecord, unpacked (with the others) when first read or set."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, record: None, owner: type) -> _Packed[T]: ...
    @overload
    def __get__(self, record: StoredRecord, owner: type) -> T: ...

    def __get__(self, record: StoredRecord | None, owner: type) -> T | _Packed[T]:
        if record is None:
            return self
        fields = record.__dict__
        if "_packed" in fields:
            _unpack(fields)
        value: T = fields[self.name]
        return value

    def __set__(self, record: StoredRecord, value: T) -> None:
        fields = record.__dict__
        if "_packed" in fields:
            _unpack(fields)
        fields[self.name] = value


def _unpack(fields: dict[str, Any]) -> None:
    data, key_lines, body_line, marks, numbers = marshal.loads(fields.pop("_packed"))
    # Dates out of their tags; every container is new (read from the string), the cache's entry unchanged.
    fields.update(data=decode_value(data), key_lines=key_lines, body_line=body_line,
                  marks=tuple((line, text, indented) for line, text, indented in marks), numbers=numbers)


class StoredRecord(RawRecord):
    """A RawRecord in every way (fields, equality, copies, pickling) but for when its fields are unpacked."""

    data: _Packed[dict[str, Any]] = _Packed()
    key_lines: _Packed[dict[str, int]] = _Packed()
    body_line: _Packed[int] = _Packed()
    marks: _Packed[tuple[tuple[int, str, bool], ...]] = _Packed()
    numbers: _Packed[dict[str, str]] = _Packed()

    @classmethod
    def of(cls, saved: list[Any]) -> StoredRecord | None:
        """The record of a cache entry (entry()), None when it is not one."""
        if len(saved) != ENTRY or not isinstance(saved[4], bytes):
            return None
        record = object.__new__(cls)  # what RawRecord's __init__ would set, the packed fields packed
        kind, slug, path, body, packed = saved
        record.__dict__.update(kind=kind, slug=slug, path=path, body=body, _packed=packed)
        return record

    def __eq__(self, other: object) -> bool:
        # The dataclass's own __eq__ compares records of the very same class only.
        if not isinstance(other, RawRecord):
            return NotImplemented
        return _values(self) == _values(other)

    __hash__ = None  # type: ignore[assignment]  # as RawRecord's: a dataclass with eq and not frozen


def _values(record: RawRecord) -> tuple[Any, ...]:
    return (record.kind, record.slug, record.path, record.data, record.key_lines, record.body, record.body_line,
            record.marks, record.numbers)
