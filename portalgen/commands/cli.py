"""The `portalgen` command: the click group, its global options, and main(), which turns failures into exit codes.

Each verb lives in a module of its own (check.py, build.py, serve.py, init.py, new.py, list_.py, rename.py,
import_.py, report.py, digest.py, export.py): thin glue that finds the project, calls the stages and writes
the result.
"""

from __future__ import annotations

import io
import sys
import traceback

import click

from portalgen import __version__
from portalgen.commands.build import build
from portalgen.commands.check import check
from portalgen.commands.digest import digest
from portalgen.commands.export import export
from portalgen.commands.import_ import import_
from portalgen.commands.init import init
from portalgen.commands.list_ import list_
from portalgen.commands.new import new
from portalgen.commands.rename import rename
from portalgen.commands.report import report
from portalgen.commands.serve import serve
from portalgen.content.problems import UsageError, printable
from portalgen.output.writing import WriteError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portalgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected failures.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build a "you said, we did" customer feedback portal from Markdown + YAML records."""
    ctx.obj = {"debug": debug}


for verb in (check, build, serve, init, new, list_, rename, import_, report, digest, export):
    cli.add_command(verb)


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
