"""The outside judges of a page, for any test that builds one: the Nu HTML Checker and axe-core.

Both come from npm (tests/package.json; scripts/test installs them into tests/node_modules, or
PORTALGEN_NODE_MODULES points elsewhere). The Nu checker runs with the machine's Java; axe-core
is injected into a page of Debian's chromium. A test skips with a reason when a judge is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from repo_paths import REPO

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]


def node_modules() -> Path:
    env = os.environ.get("PORTALGEN_NODE_MODULES")
    return Path(env) if env else REPO / "tests" / "node_modules"


def nu_messages(files: Sequence[Path | str], *options: str) -> list[dict[str, Any]]:
    """The Nu HTML Checker's errors for the files (one run of Java for all of them)."""
    jar = node_modules() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not jar.is_file():
        pytest.skip(f"npm vnu-jar is not installed ({jar} missing): run scripts/test")
    if not java:
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    out = subprocess.run([java, "-jar", str(jar), "--errors-only", *options, "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(out.stderr or out.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def axe_path() -> Path:
    path = node_modules() / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.skip(f"npm axe-core is not installed ({path} missing): run scripts/test")
    return path


def run_axe(page: Any, axe: Path) -> list[dict[str, Any]]:
    """axe-core's violations on a Playwright page (its CSP bypassed: the injected script is not the theme's)."""
    page.add_script_tag(path=str(axe))
    result: list[dict[str, Any]] = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)}));
    }""", AXE_TAGS)
    return result


def describe_axe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)
