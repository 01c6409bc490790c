"""The package's shape: one subpackage per stage, imports pointing one way, small modules.

Data flows files → records → linked model → pages → site/, and so do imports:
content ← model ← render ← output ← pipeline ← dev ← commands. A module may import from its own
stage or an earlier one, never a later one (imports inside functions included), so no cycle
between stages can form.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "portalgen"
STAGES = ("content", "model", "render", "output", "pipeline", "dev", "commands")
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_theme" not in p.parts)


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "portalgen" and parts[1] in STAGES else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, wherever it is."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: relative import"
            module = node.module or ""
            found.append((node.lineno, module))
            if module == "portalgen":  # from portalgen import content, ...
                found.extend((node.lineno, f"portalgen.{alias.name}") for alias in node.names)
    return found


def test_every_module_belongs_to_a_stage() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == [], f"modules outside a stage subpackage: {loose}"
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(STAGES)


def test_imports_point_one_way() -> None:
    wrong = []
    for path in _modules():
        own = _stage("portalgen." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if own is None:
            continue  # portalgen/__init__.py and __main__.py put the stages together
        for line, module in _imports(path):
            target = _stage(module)
            if target is not None and STAGES.index(target) > STAGES.index(own):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {own} imports {module} ({target})")
    assert wrong == [], "imports against the direction of the pipeline:\n" + "\n".join(wrong)


def test_the_direction_test_catches_a_backwards_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from portalgen.pipeline.building import build\n    return build\n")
    assert _imports(module) == [(2, "portalgen.pipeline.building")]
    assert _stage("portalgen.pipeline.building") == "pipeline"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_stay_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it by job (limit {MAX_LINES})"
    assert path.stem not in ("utils", "util", "helpers", "misc"), "name modules for their job"


def test_cache_key_covers_every_module(tmp_path: Path) -> None:
    """The build cache is keyed on portalgen's own code: a change in any stage starts it afresh."""
    from portalgen.pipeline.cache import source_digest

    copy = tmp_path / "portalgen"
    for path in _modules():
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    before = source_digest(copy, "salt")
    (copy / "model" / "urls.py").write_text("# changed\n", encoding="utf-8")
    assert source_digest(copy, "salt") != before
