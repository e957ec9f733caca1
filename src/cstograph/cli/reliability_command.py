"""``cstograph reliability``: the record of formal invocations and the fulfilment table of the
alliance-reliability studies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import citation, fulfilment_period, fulfilment_text, input_files, invocation_figure
from cstograph.base.write import refuse_overwriting_inputs, write_atomic
from cstograph.cli.common import (
    SUFFIX_FORMATS,
    AccordingToOption,
    AsOfOption,
    EndpointOption,
    EngineOption,
    FormatOption,
    PathsArgument,
    StoreOption,
    as_date,
    fail,
    open_checked,
    resolve_format,
    terminal_width,
    use_color,
    user_errors,
)
from cstograph.errors import CstographError

TableOutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the table to this file (atomically) instead of stdout; without "
                 "--format the suffix chooses (.md, .json, .csv, .txt).",
                 dir_okay=False, show_default=False),
]


def emit_table(text: str, output: Path | None) -> None:
    """The table on stdout, or atomically into ``output``."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)


BUNDLED_NOTE = (
    "The bundled graphs hold only the observations of the bundled alliances (graphs/published-codings.ttl, for "
    "'cstograph concordance'); for the paper's table import the whole file: cstograph import reliability "
    "BerkemeierFuhrmannRAP2018_0303.dta -o reliability.ttl, then cstograph reliability reliability.ttl."
)


def reliability(
    paths: PathsArgument = None,
    fmt: FormatOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout: .svg, .pdf or .png the "
                     "figure of the invocation record; .md, .json, .csv or .txt the tables (or any name with --format).",
                     dir_okay=False, show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Report even when the data violates the shapes.")
    ] = False,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Only the published fulfilment table, within this era: 1816-1944 or 1945-2003 "
                     "(the same rows within it, e.g. defence pacts before 1945).", show_default=False),
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", metavar="alliance|era|type", help="Group the invocation record by alliance, era (1945-1991, 1992-2003, 2004-today; "
                     "before 1945 apart) or type only (comma-separated or repeated; the obligation type is always "
                     "a group, never pooled). Default: alliance.", show_default=False),
    ] = None,
    reading: Annotated[
        str | None, typer.Option("--reading", metavar="NAME", help="Count the verdicts under this reading of the coding "
                                 "manual (e.g. ReadingWarEntryCounts) instead of the manual; the tables still name "
                                 "the readings that count otherwise.")
    ] = None,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
) -> None:
    """How often alliance commitments were honoured: the record of formal invocations and the published
    fulfilment table.

    The invocation record counts the data's assistance requests per obligation type (never pooled)
    and per alliance and/or era, under the coding manual and each of its readings: met (k of n),
    did not help, no response on record, pending, not triggered; then, for 1945-2003, beside the
    Berkemeier-Fuhrmann rates of the war observations in the data. The fulfilment table counts
    every cg:WarOccasion (see 'cstograph import reliability') per coding (LLM, BF, and their
    lenient multilateral variants) for all cases, each period, each obligation type, and bilateral
    vs multilateral alliances; --period shows it alone, within one era. The data is validated first.

    Example: cstograph reliability --by alliance,era --format markdown

    Example: cstograph reliability -o reliability.svg

    Example: cstograph reliability reliability.ttl --period 1945-2003 -o post-1945.md
    """

    figure = output is not None and output.suffix.lower() in (".svg", ".pdf", ".png")
    if output is not None and fmt is None and not figure and output.suffix.lower() not in SUFFIX_FORMATS:
        fail(f"{output}: cannot tell what to write from the suffix {output.suffix or '(none)'!r}",
             hint="name it .svg, .pdf or .png for the figure, .md, .json, .csv or .txt for the tables, or give --format")
    if figure and (fmt is not None or period is not None):
        fail(f"{output}: a figure takes no {'--format' if fmt is not None else '--period'}",
             hint="the figure draws the invocation record; write the tables to a .md, .json, .csv or .txt file")
    if period is not None and (by or reading):
        fail(f"--period shows the published fulfilment table alone; {'--by' if by else '--reading'} is for the "
             "record of formal invocations: choose one")
    fmt = resolve_format(fmt, output=output) if not figure else "svg"
    with user_errors():
        try:
            period is None or fulfilment_period(period)
        except CstographError as exc:
            raise typer.BadParameter(exc.message, param_hint="--period") from None
        dimensions = [d for item in by or ["alliance"] for d in item.split(",")]
        refuse_overwriting_inputs(output, input_files(paths))
        kg = open_checked(paths, engine, store, endpoint, force=force)
        day = as_date(as_of)
        cases = kg.invocations(according_to, day) if period is None else []
        record = kg.invocation_record(invocations=cases, by=dimensions) if period is None else []
        chosen = kg.reading(reading) if reading is not None else kg.readings()[0]
        if figure:
            if not cases:
                fail("the data holds no assistance request to draw")
            write_atomic(output, invocation_figure(record, chosen, output.suffix))
            return
        rows = kg.fulfilment(period, according_to, day)
        if not rows and not cases:
            where = "" if period is None else f" in {period}"
            fail(
                f"the data holds no alliance-war observations (cg:WarOccasion){where}",
                hint="import them first: cstograph import reliability FILE.dta -o reliability.ttl",
            )
        color = output is None and use_color()
        text = fulfilment_text(rows, fmt, color=color, width=terminal_width()) if rows else ""
        if rows and fmt in ("table", "markdown"):
            text += ("\n" if fmt == "markdown" else "") + citation("fulfilment") + "\n"
            if not (paths or store or endpoint):
                text += BUNDLED_NOTE + "\n"
        if cases:  # the invocation record first, then the published table
            # deferred to the call: keeps cstograph.output.invocation_tables out of `cstograph --help`'s start-up
            from cstograph.output.invocation_tables import render_record

            compared = kg.invocation_comparison(according_to, day, reading=reading, invocations=cases)
            first = render_record(record, compared, chosen.iri, chosen.label, fmt, color=color, width=terminal_width())
            text = _two_tables(first, text, fmt) if text else first
        emit_table(text, output)


def _two_tables(first: str, second: str, fmt: str) -> str:
    """The invocation record and the fulfilment table as one output: JSON as one object (the
    record's keys and "fulfilment"), CSV and text one after the other."""
    if fmt == "json":
        return json.dumps({**json.loads(first), "fulfilment": json.loads(second)}, indent=2,
                          ensure_ascii=False) + "\n"
    return first + "\n" + second
