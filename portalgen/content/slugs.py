"""Slugs: the validation rule for record file names and a safe slugify for free-text tags."""

from __future__ import annotations

import hashlib
import re
import unicodedata

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
MAX_SLUG = 80


def slugify(text: str) -> str:
    """ASCII slug for URLs and folder names: can never contain '/', '.', or be empty.

    Text with no ASCII letters or digits at all (e.g. only CJK or emoji) gets a stable hash
    slug so that it still has a page of its own.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:MAX_SLUG].strip("-")
    if not slug:
        digest = hashlib.sha256(unicodedata.normalize("NFC", text.strip()).encode("utf-8")).hexdigest()
        slug = "t-" + digest[:10]
    return slug
