"""Templates compiled by one build are taken by the next process from the cache folder
(pipeline/compiled.py), only when their file is signed by this machine's key."""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest
from generate import generate
from jinja2.bccache import Bucket, bc_magic
from site_trees import tree

import portalgen
from portalgen.pipeline import signing


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = generate(tmp_path / "portal", 40, seed=3)
    portalgen.build(root, jobs=1)
    return root


@pytest.fixture()
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        names.append(str(name))
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def reword(project: Path) -> None:
    path = next((project / "content" / "feedback").rglob("feedback-000001.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")


def same_as_cold(project: Path, tmp_path: Path) -> bool:
    cold = tmp_path / "cold-out"
    shutil.rmtree(cold, ignore_errors=True)
    portalgen.build(project, cold, use_cache=False, jobs=1)
    return tree(project / "site") == tree(cold)


def forge(project: Path, key: bytes | None) -> int:
    """Every compiled template replaced by one that says FORGED, under its own template's checksum
    (so Jinja takes it); signed with `key`, or with the signature it had (None)."""
    folders = list((project / ".portalgen-cache").glob("templates-*"))
    assert len(folders) == 1
    count = 0
    for path in folders[0].glob("*.bin"):
        mac, _, body = path.read_bytes().partition(b"\n")
        checksum = pickle.load(io.BytesIO(body[len(bc_magic):]))
        bucket = Bucket(jinja2.Environment(), path.stem, checksum)
        bucket.code = jinja2.Environment().compile("FORGED")
        forged = bucket.bytecode_to_string()
        path.write_bytes((signing.sign(key, forged) if key is not None else mac) + b"\n" + forged)
        count += 1
    return count


def test_a_fresh_build_compiles_no_template_again(project: Path, tmp_path: Path, compiled: list[str]) -> None:
    reword(project)
    result = portalgen.build(project, jobs=1)
    assert result.rendered >= 1
    assert compiled == []
    assert same_as_cold(project, tmp_path)


def test_a_compiled_template_not_signed_by_this_machine_is_ignored(project: Path, tmp_path: Path,
                                                                    compiled: list[str]) -> None:
    assert forge(project, None) > 0  # the signature of what was there: it does not verify
    reword(project)
    portalgen.build(project, jobs=1)
    assert compiled, "the templates were compiled again"
    assert not any(b"FORGED" in data for data in tree(project / "site").values())
    assert same_as_cold(project, tmp_path)


def test_the_signature_is_what_keeps_forged_code_out(project: Path) -> None:
    """The control of the test above: the same forgery signed with this machine's key is run."""
    key = signing.signing_key()
    assert key is not None
    forge(project, key)
    reword(project)
    portalgen.build(project, jobs=1)
    page = next((project / "site" / "feedback").glob("feedback-000001*/index.html"))
    assert page.read_bytes() == b"FORGED"
