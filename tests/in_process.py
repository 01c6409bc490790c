"""`portalgen ARGS` run in-process, exactly as the console script runs it (the `run` fixture of
tests/commands/conftest.py): faster than a subprocess, and it fails on any traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from portalgen.commands.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


def runner(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """A function that runs `portalgen ARGS`, in folder `cwd` when given."""

    def invoke(*args: str | Path, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", ["portalgen", *map(str, args)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return Result(code, out, err)

    return invoke
