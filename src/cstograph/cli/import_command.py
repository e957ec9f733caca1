"""``cstograph import atop|reliability|cases``: research data files and case spreadsheets -> a Turtle graph."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import case_tables, import_atop, import_cases, import_reliability
from cstograph.base.progress import phase, show_progress
from cstograph.base.write import refuse_overwriting_inputs, write_atomic
from cstograph.cli.common import user_errors
from cstograph.errors import UsageError

EPILOG = (
    "Exit codes: 0 ok; 2 unreadable or malformed input (the message names the file and the line or row; "
    "an existing output file is left untouched); 4 internal error."
)

app = typer.Typer(
    help="Import published research data (ATOP alliances, alliance-reliability observations) as a graph.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the Turtle graph to this file (atomically) instead of stdout.",
                 dir_okay=False, show_default=False),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary or progress on stderr.")]


@contextmanager
def _progress(description: str, quiet: bool):
    """A progress bar on stderr when it is a terminal (see ``base/progress.py``)."""

    with show_progress(quiet), phase(description) as advance:
        yield advance


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def _summary(what: str, counts: dict[str, int], triples: int, output: Path | None, seconds: float, quiet: bool) -> None:
    if quiet:
        return
    parts = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    where = f" to {output}" if output else ""
    typer.echo(f"Imported {what}: {parts} ({triples:,} triples){where} in {seconds:.2f} s.", err=True)


@app.command("atop", epilog=EPILOG)
def atop(
    alliance_csv: Annotated[Path, typer.Argument(help="ATOP alliance-level CSV (atop-alliance-level.csv).",
                                                 exists=True, dir_okay=False, show_default=False)],
    member_csv: Annotated[Path, typer.Argument(help="ATOP member-level CSV (atop-member-level.csv).",
                                               exists=True, dir_okay=False, show_default=False)],
    output: OutputOption = None,
    quiet: QuietOption = False,
) -> None:
    """Import ATOP alliances, treaties, memberships, obligations and conditions.

    Example: cstograph import atop atop-alliance-level.csv atop-member-level.csv -o atop.ttl
    """
    started = time.perf_counter()
    with user_errors(), _progress("Importing ATOP", quiet) as progress:
        refuse_overwriting_inputs(output, [alliance_csv, member_csv])
        result = import_atop(alliance_csv, member_csv, on_progress=progress)
        _emit(result.text, output)
    _summary("ATOP", result.counts, result.triples, output, time.perf_counter() - started, quiet)


@app.command("reliability", epilog=EPILOG)
def reliability(
    dta_file: Annotated[Path, typer.Argument(help="Berkemeier-Fuhrmann replication file (.dta, Stata 13 or later).",
                                             exists=True, dir_okay=False, show_default=False)],
    output: OutputOption = None,
    atop: Annotated[
        Path | None,
        typer.Option("--atop", help="ATOP alliance-level CSV: link observations only to alliances it holds "
                     "(without it every observation links to the ATOP alliance IRI of its atopid).",
                     exists=True, dir_okay=False, show_default=False),
    ] = None,
    only_atop: Annotated[
        str | None,
        typer.Option("--only-atop", help="Only the observations of these ATOP alliances: atopids separated by "
                     "commas (graphs/published-codings.ttl holds those of the bundled alliances).",
                     show_default=False),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Import the alliance-war observations of Berkemeier and Fuhrmann (2018) with both codings.

    Example: cstograph import reliability BerkemeierFuhrmannRAP2018_0303.dta -o reliability.ttl

    Example: cstograph import reliability BerkemeierFuhrmannRAP2018_0303.dta --only-atop 2440,3180 -o some.ttl
    """
    ids = None
    if only_atop is not None:
        try:
            ids = sorted({int(part) for part in only_atop.split(",") if part.strip()})
        except ValueError:
            raise typer.BadParameter(f"{only_atop!r} is not a list of atopids (integers separated by commas)",
                                     param_hint="--only-atop") from None
        if not ids:
            raise typer.BadParameter("give at least one atopid", param_hint="--only-atop")
    started = time.perf_counter()
    with user_errors(), _progress("Importing observations", quiet) as progress:
        refuse_overwriting_inputs(output, [dta_file, *([atop] if atop else [])])
        result = import_reliability(dta_file, atop=atop, on_progress=progress, only_atop=ids)
        _emit(result.text, output)
    _summary("alliance-war observations", result.counts, result.triples, output, time.perf_counter() - started, quiet)


@app.command("cases", epilog=EPILOG)
def cases(
    requests_csv: Annotated[Path, typer.Argument(
        help="The requests table (CSV, the layout 'cstograph export -o FILE.csv' writes; docs/import.md); the "
        "other tables are read from STEM-TABLE.csv beside it (STEM-states.csv, STEM-events.csv, ...). Or a data "
        "package's folder or datapackage.json.", exists=True, show_default=False)],
    output: OutputOption = None,
    responses: Annotated[Path | None, typer.Option(
        "--responses", help="The responses table (default: STEM-responses.csv beside the requests, when it exists).",
        exists=True, dir_okay=False, show_default=False)] = None,
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="The sources table (default: STEM-sources.csv beside the requests, when it exists).",
        exists=True, dir_okay=False, show_default=False)] = None,
    data: Annotated[list[Path] | None, typer.Option(
        "--data", help="Reference data the rows name (states, alliances, clauses, events, sources): RDF files or "
        "folders, replacing the bundled graphs; repeat for several.", show_default=False)] = None,
    ontology_only: Annotated[bool, typer.Option(
        "--ontology-only", help="Name nodes against the ontology and the tables alone (no reference data): the "
        "tables hold every state, alliance, clause, event and source their rows name.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Import the dataset's tables: requests and responses, and the states, alliances, treaties,
    clauses, memberships, events, accounts and sources they need.

    A cell naming a node takes an IRI, a prefixed name or a label of the reference data or of
    the tables; every request and response needs a source. Rows of an account (in_account)
    make TriG: name the output .trig.

    Example: cstograph import cases cases.csv -o cases.ttl
    """

    started = time.perf_counter()
    with user_errors():
        if ontology_only and data:
            raise UsageError("--ontology-only and --data cannot be used together")
        tables = case_tables(requests_csv, responses=responses, sources=sources)
        refuse_overwriting_inputs(output, [*tables.values(), *(data or [])])
        result = import_cases(tables, data=data, ontology_only=ontology_only)
        if result.trig and output is not None and output.suffix.lower() != ".trig":
            raise UsageError(f"{output}: rows of accounts (in_account) go to named graphs, which Turtle cannot hold",
                             hint="name the output FILE.trig")
        _emit(result.text, output)
    _summary("cases", result.counts, result.triples, output, time.perf_counter() - started, quiet)
