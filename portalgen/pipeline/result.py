"""What a build reports: how many pages, how long, its warnings, whether there was anything to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from portalgen.content.problems import Problem


@dataclass
class BuildResult:
    output: Path
    pages: int
    files: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    up_to_date: bool = False  # nothing changed since the build that made the output
    rendered: int = 0  # pages rendered this time; the rest were reused unchanged
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase, for --verbose
    base_url: str | None = None  # portal.yaml's validated base_url, for the dev server's 404 links
