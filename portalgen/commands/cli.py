"""The `portalgen` command: the click group, its global options, and main(), which turns failures into exit codes.

Each verb lives in a module of its own (check.py, build.py, serve.py, init.py, new.py, list_.py, rename.py,
import_.py, report.py, digest.py, export.py): thin glue that finds the project, calls the stages and writes
the result.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import traceback

import click

from portalgen import __version__
from portalgen.content.problems import UsageError, printable
from portalgen.output.writing import WriteError

# Each verb by its module (and the function of the same name in it), imported only when the verb is
# run: a `build` that finds its site up to date would otherwise spend most of its time importing
# what the other verbs need.
VERBS = {"build": "build", "check": "check", "digest": "digest", "export": "export", "import": "import_",
         "init": "init", "list": "list_", "new": "new", "rename": "rename", "report": "report", "serve": "serve"}


class Verbs(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *VERBS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in VERBS and cmd_name not in self.commands:
            module = importlib.import_module(f"portalgen.commands.{VERBS[cmd_name]}")
            self.add_command(getattr(module, VERBS[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=Verbs, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portalgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected failures.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build a "you said, we did" customer feedback portal from Markdown + YAML records."""
    ctx.obj = {"debug": debug}


def main() -> None:
    # main() runs before click parses anything, and must know whether to show a traceback.
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        # The message quotes what was typed (a value, an option, a path): show its control characters.
        shown = io.StringIO()
        exc.show(shown)
        click.echo("\n".join(printable(line) for line in shown.getvalue().rstrip("\n").split("\n")), err=True)
        sys.exit(exc.exit_code)
    except UsageError as exc:
        click.secho(f"error: {printable(str(exc))}", fg="red", err=True)
        sys.exit(2)
    except WriteError as exc:
        click.secho(f"error: {printable(str(exc))}", fg="red", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a traceback is a bug: say so plainly, show it only on request
        if debug:
            traceback.print_exc()
        click.secho(f"internal error: {type(exc).__name__}: {printable(str(exc))}\nThis is a bug in portalgen; "
                    "run again with --debug for the traceback and report it.", fg="red", err=True)
        sys.exit(3)


def entry() -> None:
    """The process's entry (`python -m portalgen` and the console script): main(), then the
    process ends at once with its exit code, its output flushed. Tearing the interpreter down
    frees every object one by one (after a build of 10,000 items, the cache and the model: half a
    second of CPU) for memory the system takes back anyway. Nothing is left to do at exit: the
    worker pools are closed when their map returns, the threads are daemons, the build lock is
    the kernel's, the cache and the site are written before main() returns. Tests call main()."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what sys.exit("message") does
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away (`| head`), a closed stream
            stream.flush()
    os._exit(code or 0)
