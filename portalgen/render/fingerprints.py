"""Fingerprints of what a page read: a short string per value that changes when what the value
shows changes, compared after an edit to tell which pages must be rendered again
(pipeline/dependencies.py). A value is followed down to the next object with an identity
(render/tracking.py's identity()) and stops there: that object's own reads are keys of their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from hashlib import blake2b
from typing import Any

from markupsafe import Markup

from portalgen.render.tracking import _KINDS, identity


def fingerprint(value: Any, seen: Seen | None = None) -> str:
    """A short digest of what a value shows, stopping at objects with an identity.

    A record read as it is (`item.record`) is named, not walked: the template's reads of its
    fields are keys of their own. A record inside another value (the customers in a credit) is
    walked, as a Python function handed that value may read any of it.

    Hot: every key of every page is fingerprinted again in every build (some 250,000 at 10,000
    items), so a value is encoded by one function per class and hashed once. `seen`: a memo of
    records already walked (see Seen), kept by the caller for as long as the values cannot change.
    """
    cls = value.__class__
    if cls in _RECORDS:
        name = "/".join(identity(value) or ())
        return f"R{len(name)}:{name}"
    return _short((_ENCODERS.get(cls) or _encoder_for(value))(value, seen))


def whole(obj: Any, seen: Seen | None = None) -> str:
    """The fingerprint of everything an object with an identity holds (for reads of it 'whole')."""
    encode = _WHOLE.get(obj.__class__)
    if encode is None:
        encode = _WHOLE[obj.__class__] = _fields_encoder(obj.__class__)
    return _short(encode(obj, seen))


def _short(text: str) -> str:
    """The encoding itself when it is short (most values are: hashing them would cost more than
    encoding them), else its digest. No collision: a digest is 24 hex digits, every encoding holds
    a character that is not one (":", ";", "T", "F", "n", "(" ...); a named record starts "R",
    which no encoding does; ABSENT is "-"."""
    if len(text) <= _KEPT:
        return text
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


_KEPT = 40


# A record walked inside many values (a customer credited on a thousand items) is encoded once
# per memo: by its id, the record kept beside its encoding so no other object can take that id.
Seen = dict[int, tuple[Any, str]]
Encoder = Callable[[Any, "Seen | None"], str]


# An encoding is a string that says the value's type and content and where it ends (a length or
# a closing mark), so the encodings of a sequence's items, joined, still tell the items apart:
# ["ab", "c"] is "[2:s2:abs1:c", ["a", "bc"] is "[2:s1:as2:bc".

def _encode_str(value: str, seen: Seen | None = None) -> str:
    return f"s{len(value)}:{value}"


def _encode_markup(value: Markup, seen: Seen | None) -> str:
    return f"m{len(value)}:{value}"


def _encode_list(value: list[Any] | tuple[Any, ...], seen: Seen | None) -> str:
    encoders = _ENCODERS
    return f"[{len(value)}:" + "".join([(encoders.get(item.__class__) or _encoder_for(item))(item, seen)
                                        for item in value])


def _encode_dict(value: dict[Any, Any], seen: Seen | None) -> str:
    encoders = _ENCODERS
    if all(key.__class__ is str for key in value):  # a context or a page's values: sorted by name
        return f"{{{len(value)}:" + "".join([f"{len(name)}:{name}"
                                             + (encoders.get(item.__class__) or _encoder_for(item))(item, seen)
                                             for name, item in sorted(value.items(), key=_first)])
    # by the keys' repr, as that sorts keys of any type; a stable sort keeps equal reprs in order
    pairs = sorted(zip(map(repr, value), value.values(), strict=True), key=_first)
    return f"}}{len(value)}:" + "".join([f"{len(name)}:{name}"
                                         + (encoders.get(item.__class__) or _encoder_for(item))(item, seen)
                                         for name, item in pairs])


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _encode_set(value: set[Any] | frozenset[Any], seen: Seen | None) -> str:
    return f"<{len(value)}:" + "".join(sorted(_encode_str(fingerprint(item, seen)) for item in value))


def _identity_encoder(cls: type) -> Encoder:
    """"@", the kind, "/" and the slug with its length (what identity() says of it, spelled once)."""
    kind = _KINDS[cls]
    prefix = f"@{kind}/"
    if kind in ("model", "portal"):
        return lambda value, seen: prefix

    def encode_tag(value: Any, seen: Seen | None) -> str:
        slug = value.slug
        return f"{prefix}{len(slug)}:{slug}"

    def encode_item(value: Any, seen: Seen | None) -> str:
        slug = value.record.slug
        return f"{prefix}{len(slug)}:{slug}"
    return encode_tag if kind == "tag" else encode_item


def _fields_encoder(cls: type) -> Encoder:
    names = tuple(f.name for f in dataclasses.fields(cls))
    opening = f"C{cls.__name__}("  # a class name holds no "(": where it ends is known
    encoders = _ENCODERS

    def encode(value: Any, seen: Seen | None) -> str:
        return opening + "".join([(encoders.get(item.__class__) or _encoder_for(item))(item, seen)
                                  for item in [getattr(value, name) for name in names]]) + ")"
    return encode


def _record_encoder(cls: type) -> Encoder:
    fields = _fields_encoder(cls)

    def encode(value: Any, seen: Seen | None) -> str:
        if seen is None:
            return fields(value, seen)
        found = seen.get(id(value))
        if found is None or found[0] is not value:
            found = seen[id(value)] = (value, fields(value, seen))
        return found[1]
    return encode


def _encode_subclass(value: Any, seen: Seen | None) -> str:
    """Subclasses of the plain types are encoded as the plain value they hold."""
    plain = list(value) if isinstance(value, (list, tuple)) else str(value)
    return _ENCODERS[plain.__class__](plain, seen)


def _encode_callable(value: Any, seen: Seen | None) -> str:
    return "F" + _encode_str(getattr(value, "__qualname__", type(value).__name__))


def _encode_other(value: Any, seen: Seen | None) -> str:
    return "O" + _encode_str(f"{type(value).__name__}:{value!r}")


def _encoder_for(value: Any) -> Encoder:
    """The encoder of values of this one's class, found once for the class (which branch a value
    takes depends on its class alone)."""
    cls = value.__class__
    found: Encoder
    if isinstance(value, (set, frozenset)):
        found = _encode_set
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = _fields_encoder(cls)
    elif isinstance(value, (list, tuple, str, int, float, date)):
        found = _encode_subclass
    elif callable(value):
        found = _encode_callable
    else:
        found = _encode_other
    _ENCODERS[cls] = found
    return found


_RECORDS = frozenset(cls for cls, kind in _KINDS.items() if kind.endswith(":record"))
_ENCODERS: dict[type, Encoder] = {
    str: _encode_str, Markup: _encode_markup, int: lambda value, seen: f"i{value};",
    float: lambda value, seen: f"f{value};", bool: lambda value, seen: "bT" if value else "bF",
    date: lambda value, seen: f"d{value};", type(None): lambda value, seen: "n",
    list: _encode_list, tuple: _encode_list, dict: _encode_dict,
    **{cls: _identity_encoder(cls) for cls, kind in _KINDS.items() if not kind.endswith(":record")},
}
_ENCODERS.update({cls: _record_encoder(cls) for cls in _RECORDS})  # walked when inside another value
_WHOLE: dict[type, Encoder] = {}
