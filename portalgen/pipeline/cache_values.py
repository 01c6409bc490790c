"""Front matter's values (YAML data) in the build cache: marshal holds text, numbers, lists and
dicts, and dates are tagged as dicts of their own ({"$date": "2024-05-01"})."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

_SIMPLE = (str, int, float, bool, type(None))


def encode_value(value: Any) -> Any:
    """YAML data to JSON, tagging dates; raises TypeError for anything unusual (then not cached)."""
    if isinstance(value, _SIMPLE):
        return value
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) and not k.startswith("$") for k in value):
        return {k: encode_value(v) for k, v in value.items()}
    raise TypeError(type(value).__name__)


def decode_value(value: Any) -> Any:
    # Text, numbers and flags are taken as they are without a call each: a load from the cache
    # decodes every record's data (10,000 records: 150,000 calls, a second, before).
    if isinstance(value, list):
        return [v if type(v) not in _NESTED else decode_value(v) for v in value]
    if isinstance(value, dict):
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        return {k: v if type(v) not in _NESTED else decode_value(v) for k, v in value.items()}
    return value


_NESTED = {list, dict}  # what marshal gives back for what encode_value made of a list or a mapping
