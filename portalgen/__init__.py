"""portalgen: turn Markdown + YAML customer feedback records into a "you said, we did" portal."""

from __future__ import annotations

__version__ = "0.1.0"

from portalgen.content.problems import ContentError, Problem, UsageError
from portalgen.pipeline.building import BuildResult, build, check

__all__ = ["BuildResult", "ContentError", "Problem", "UsageError", "__version__", "build", "check"]
