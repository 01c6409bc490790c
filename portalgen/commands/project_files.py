"""What `init` writes besides the skeleton: the editor set-up, and the pip requirement CI installs.

Editor set-up: the JSON Schemas of the installed portalgen (content/editor_schema.py) go into
.portalgen/schema/, and .vscode/settings.json maps them onto content/ for VS Code's YAML extension
(redhat.vscode-yaml, recommended in .vscode/extensions.json). That extension reads .yaml files only;
the front matter of a Markdown record is not validated by any setting it has, so the Markdown kinds
get their schemas for other tools and `portalgen check` remains the judge (docs/editors.md).
"""

from __future__ import annotations

import json
import unicodedata

import yaml

from portalgen import __version__
from portalgen.content import editor_schema, kinds
from portalgen.content.problems import UsageError

SCHEMA_FOLDER = ".portalgen/schema"
YAML_EXTENSION = "redhat.vscode-yaml"

# Inside the double quotes the workflow and README put a requirement in, the shell still reads
# these; YAML and Markdown quoting would need them escaped too. No pip requirement needs them.
_UNSAFE = set('"\'`$\\')


def _globs(folder: str, suffixes: tuple[str, ...]) -> list[str]:
    # Both spellings: older yaml-language-server releases turn `*` into `.*` (so the first also
    # matches sub-folders), newer ones read globs, where only the second reaches feedback/2026/q2/.
    return [f"content/{folder}/{pattern}{suffix}" for suffix in suffixes for pattern in ("*", "**/*")]


def vscode_settings() -> str:
    """.vscode/settings.json: each YAML record file gets its kind's schema."""
    schemas = {f"./{SCHEMA_FOLDER}/{editor_schema.schema_file('portal')}": ["content/portal.yaml"]}
    for kind in kinds.KINDS.values():
        yaml_suffixes = tuple(s for s in kind.suffixes if s in (".yaml", ".yml"))
        if yaml_suffixes:
            schemas[f"./{SCHEMA_FOLDER}/{editor_schema.schema_file(kind.name)}"] = _globs(kind.folder, yaml_suffixes)
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


def editor_files() -> dict[str, str]:
    """Every editor file `init` writes, by path in the project."""
    files = {f"{SCHEMA_FOLDER}/{name}": text for name, text in editor_schema.schema_texts().items()}
    files[".vscode/settings.json"] = vscode_settings()
    files[".vscode/extensions.json"] = json.dumps({"recommendations": [YAML_EXTENSION]}, indent=2) + "\n"
    return files


def default_requirement() -> str:
    return f"portalgen=={__version__}"


def checked_requirement(spec: str | None) -> str:
    """The pip requirement CI installs: `--install SPEC` as given, once it is safe to quote."""
    if spec is None:
        return default_requirement()
    spec = spec.strip()
    if not spec:
        raise UsageError("--install is empty: give a pip requirement, e.g. --install 'portalgen==0.1.0'")
    if any(unicodedata.category(ch)[0] == "C" for ch in spec):
        raise UsageError("--install must be one line of text without control characters")
    unsafe = sorted({ch for ch in spec if ch in _UNSAFE})
    if unsafe:
        raise UsageError(f"--install {spec!r} contains {' '.join(unsafe)}, which the workflow's shell line "
                         "cannot hold safely; a pip requirement never needs them")
    if spec.startswith("-"):
        raise UsageError(f"--install {spec!r} is a pip option, not a requirement; to install from your own "
                         "index, set PIP_INDEX_URL in the workflow (docs/installing.md)")
    return spec


def pip_install_line(requirement: str) -> str:
    """`pip install "REQUIREMENT"` as a YAML value: plain when YAML reads it back unchanged, else quoted."""
    line = f'pip install "{requirement}"'
    try:
        plain = yaml.safe_load(f"run: {line}") == {"run": line}
    except yaml.YAMLError:
        plain = False
    return line if plain else "'" + line + "'"  # checked_requirement refused ', so nothing to double
