"""The ``cstograph`` command line: thin commands that chain the library's steps.

This package is the only code that reads argv, prints or exits. Exit codes:
0 ok; 1 findings (the data violates the shapes, or --fail-on-unmet found unmet obligations);
2 input or usage error (unreadable file, bad RDF, unknown query, SPARQL syntax error);
4 internal error (a bug: please report it).
"""

from __future__ import annotations

import gc
import os
import sys
import traceback

import typer

from cstograph.base.version import BUNDLED_DATA_VERSION, __version__
from cstograph.cli import (
    concordance_command,
    explain_command,
    export_command,
    import_command,
    infer_command,
    load_command,
    query_commands,
    reliability_command,
    report_command,
    serve_command,
    site_command,
    synth_command,
    timeline_command,
    validate_command,
    viz_command,
)

EPILOG = (
    "Exit codes: 0 ok; 1 the data violates the shapes (or --fail-on-unmet found unmet "
    "obligations); 2 unreadable input, bad RDF, unknown query or usage error; 4 internal error."
)

def _show_usage_error(self, file=None) -> None:
    """Option and argument errors in the project's form: one ``Error:`` line and a ``hint:``
    line, instead of the usage block Typer prints first."""
    command = self.ctx.command_path if self.ctx is not None else "cstograph"
    typer.echo(f"Error: {' '.join(self.format_message().split())}", err=True)
    typer.echo(f"hint: run '{command} --help' for the options", err=True)


# Typer's UsageError is click's (vendored inside typer since 0.26, so its module is private);
# the public typer.BadParameter derives from it in every version
UsageError = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError")
UsageError.show = _show_usage_error

app = typer.Typer(
    name="cstograph",
    help="A knowledge graph of alliance commitments: which obligations were triggered, and whether help arrived.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cstograph {__version__} (dataset {BUNDLED_DATA_VERSION})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version (and the bundled graphs' release) and exit."
    ),
) -> None:
    """A knowledge graph of alliance commitments: which obligations were triggered, and whether help arrived."""


app.command("report", epilog=EPILOG)(report_command.report)
app.command("validate", epilog=EPILOG)(validate_command.validate)
app.command("query", epilog=EPILOG)(query_commands.query)
app.command("queries", epilog=EPILOG)(query_commands.list_queries)
app.command("infer", epilog=EPILOG)(infer_command.infer)
app.command("explain", epilog=EPILOG)(explain_command.explain)
app.add_typer(import_command.app, name="import")
app.command("reliability", epilog=EPILOG)(reliability_command.reliability)
app.command("concordance", epilog=EPILOG)(concordance_command.concordance)
app.command("viz", epilog=EPILOG)(viz_command.viz)
app.command("timeline", epilog=EPILOG)(timeline_command.timeline)
app.command("load", epilog=EPILOG)(load_command.load)
app.command("synth", epilog=EPILOG)(synth_command.synth)
app.command("serve", epilog=EPILOG)(serve_command.serve)
app.command("export", epilog=EPILOG)(export_command.export)
app.command("site", epilog=EPILOG)(site_command.site)


def main() -> None:
    """Entry point: runs the app; an unexpected exception becomes exit code 4, not a traceback."""
    # What start-up imported lives as long as the process: moved out of the cycle collector's
    # reach, so its passes over the report's objects (33,000 verdicts at 1M triples) skip it
    gc.freeze()
    if "" in sys.argv[1:]:  # Path("") is the current folder: "every RDF file under here" by accident
        sys.stderr.write('Error: an empty argument ("") is refused: as a path it would mean the current folder\n'
                         "hint: name the file or folder (. for the current folder)\n")
        raise SystemExit(2)
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # a bug in cstograph, not bad input
        if os.environ.get("CSTOGRAPH_DEBUG"):
            traceback.print_exc()  # the traceback, and still the exit code of a bug
            raise SystemExit(4) from None
        sys.stderr.write(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in cstograph; set CSTOGRAPH_DEBUG=1 to see the traceback.\n"
        )
        raise SystemExit(4) from None
