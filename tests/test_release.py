"""The release: the wheel and sdist carry the theme and the editor schemas, and the workflow publishes them.

Builds the distributions offline (`python -m build --no-isolation`, with the `build` and `hatchling`
of the test extra), as .github/workflows/release.yml does on a version tag.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml
from repo_paths import REPO

from portalgen import __version__
from portalgen.content import editor_schema

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
CHECK = REPO / "scripts" / "check_dist.py"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _check(dist: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK), str(dist), *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_wheel_holds_the_theme_and_the_schemas(dist: Path) -> None:
    wheel = dist / f"portalgen-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        schemas = {n.rsplit("/", 1)[1]: archive.read(n).decode("utf-8")
                   for n in names if n.startswith("portalgen/schemas/")}
    theme = {f"portalgen/_theme/{p.relative_to(REPO / 'templates').as_posix()}"
             for p in (REPO / "templates").rglob("*") if p.is_file()}
    assert theme and theme <= names
    assert {"portalgen/_theme/base.html", "portalgen/_theme/feedback.html"} <= names
    assert schemas == editor_schema.schema_texts()  # the shipped schemas are the generator's
    assert "portalgen/commands/skeleton/dot-github/workflows/portal.yml" in names
    catalogs = {f"portalgen/locale/{lang}/LC_MESSAGES/portalgen.po" for lang in ("en", "de", "fr", "es", "nl", "pt")}
    assert catalogs <= names, "the theme's words ship with it"


def test_the_sdist_holds_the_theme(dist: Path) -> None:
    with tarfile.open(dist / f"portalgen-{__version__}.tar.gz") as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"templates/base.html", "pyproject.toml", "portalgen/schemas/feedback.schema.json"} <= names


def test_the_release_check_passes_and_refuses_a_wrong_tag(dist: Path) -> None:
    good = _check(dist, "--tag", f"v{__version__}")
    assert good.returncode == 0, good.stderr
    bad = _check(dist, "--tag", "v99.0.0")
    assert bad.returncode == 1 and "does not match the version" in bad.stderr


def test_the_release_check_refuses_a_wheel_without_the_theme(dist: Path, tmp_path: Path) -> None:
    wheel = f"portalgen-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(dist / wheel) as source, zipfile.ZipFile(tmp_path / wheel, "w") as stripped:
        for item in source.infolist():
            if not item.filename.startswith(("portalgen/_theme/", "portalgen/schemas/")):
                stripped.writestr(item, source.read(item))
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "portalgen/_theme/base.html is missing" in result.stderr
    assert "portalgen/schemas/decision.schema.json is missing" in result.stderr


def test_the_release_workflow_publishes_on_a_version_tag_with_trusted_publishing() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {"contents": "read"}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = [s.get("run", "") for s in build["steps"]]
    assert "python -m build" in runs
    assert any(r.startswith("python scripts/check_dist.py dist/ --tag") for r in runs)
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [s["uses"] for s in publish["steps"] if "uses" in s]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in str(s.get("with", {})) for s in publish["steps"])  # no stored token
