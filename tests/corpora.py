"""The public test corpora (XSS payloads, CommonMark spec, YAML test suite): found, or a clean skip.

They live beside the repository, never in it (../shared/corpora/, or PORTALGEN_CORPORA): a user's
clone does not have them, and the tests that read them then skip, saying why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from repo_paths import SHARED_CORPORA

CORPORA = Path(os.environ.get("PORTALGEN_CORPORA") or SHARED_CORPORA)


def corpus(name: str) -> Path:
    """The corpus file, or a skip of the calling test when it is not there."""
    path = CORPORA / name
    if not path.is_file():
        pytest.skip(f"corpus {path} not found: the public test corpora are not part of the repository "
                    "(set PORTALGEN_CORPORA to the folder holding them)")
    return path
