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
from portalgen.pipeline.compiled import SignedBytecodeCache
from portalgen.render.tracking import TrackingEnvironment


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
        facts, _, code = body.partition(b"\n")  # the template's facts, then its code
        checksum = pickle.load(io.BytesIO(code[len(bc_magic):]))
        bucket = Bucket(jinja2.Environment(), path.stem, checksum)
        bucket.code = jinja2.Environment().compile("FORGED")
        forged = facts + b"\n" + bucket.bytecode_to_string()
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


@pytest.fixture()
def modules_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja makes a module of (imported) from here on, reused ones left out."""
    names: list[str] = []
    real = jinja2.Template.make_module

    def counting(self: jinja2.Template, *args: Any, **kwargs: Any) -> Any:
        names.append(str(self.name))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "make_module", counting)
    return names


def retitle(project: Path) -> None:
    """An edit every page shows: all of them are rendered again."""
    path = project / "content" / "portal.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Benchmark portal", "Retitled portal"), encoding="utf-8")


def test_a_warm_cache_reuses_the_imported_macros_as_a_cold_build_does(project: Path, tmp_path: Path,
                                                                      compiled: list[str],
                                                                      modules_made: list[str]) -> None:
    """A template taken compiled from the cache is not parsed: what parsing it told (render/imported.py,
    the names its module looks up) comes from the same signed file, so a full render with the cache
    warm (serve's first build, a build after portal.yaml changes) makes the macros' module once a
    rendering pass, not once a page."""
    retitle(project)
    result = portalgen.build(project, jobs=1)
    assert compiled == []  # every template came from the cache
    warm = modules_made.count("macros.html")
    assert result.rendered > 40
    cold = tmp_path / "cold-out"
    modules_made.clear()
    portalgen.build(project, cold, use_cache=False, jobs=1)
    assert compiled  # the control: compiled, so parsed
    assert warm == modules_made.count("macros.html") <= 2
    assert tree(project / "site") == tree(cold)


def test_the_facts_of_a_template_come_back_with_its_compiled_code(tmp_path: Path, compiled: list[str]) -> None:
    templates = {"m.html": "{% macro hi() %}{{ who }}{% endmacro %}",
                 "page.html": "{% import 'm.html' as m with context %}{% include 'part.html' %}{{ m.hi() }}",
                 "part.html": "{{ who }}"}

    def env() -> TrackingEnvironment:
        made = TrackingEnvironment(tmp_path, loader=jinja2.DictLoader(templates), autoescape=True)
        made.bytecode_cache = SignedBytecodeCache(tmp_path / "cache", "salt")
        return made

    first = {name: env().get_template(name) for name in templates}
    assert sorted(compiled) == sorted(templates)
    compiled.clear()
    again = env()
    for name, template in first.items():
        loaded = again.get_template(name)
        assert compiled == []
        assert loaded.parsed is not None  # type: ignore[attr-defined]
        assert loaded.parsed == template.parsed  # type: ignore[attr-defined]
    assert again.get_template("m.html").parsed.lookups == ("who",)  # type: ignore[attr-defined]
    assert sorted(again.get_template("page.html").parsed.references) == ["m.html", "part.html"]  # type: ignore[attr-defined]
    with again.holding_templates():
        again.preload({"page.html"})
        assert again._held is not None and set(again._held) == set(templates)


def test_a_compiled_template_whose_facts_line_is_not_ours_is_compiled_again(tmp_path: Path,
                                                                              compiled: list[str]) -> None:
    key = signing.signing_key()
    assert key is not None

    def env() -> TrackingEnvironment:
        made = TrackingEnvironment(tmp_path, loader=jinja2.DictLoader({"t.html": "{{ x }}"}))
        made.bytecode_cache = SignedBytecodeCache(tmp_path / "cache", "salt")
        return made

    env().get_template("t.html")
    (path,) = (tmp_path / "cache").glob("templates-*/*.bin")
    _, _, body = path.read_bytes().partition(b"\n")
    _, _, code = body.partition(b"\n")
    compiled.clear()
    path.write_bytes(signing.sign(key, b"{}\n" + code) + b"\n{}\n" + code)
    assert env().get_template("t.html").render(x=1) == "1"
    assert compiled == ["t.html"]
