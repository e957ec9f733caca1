"""``cstograph reliability``: the fulfilment table of the alliance-reliability studies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.cli.common import (
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
        from cstograph.base.write import write_atomic

        write_atomic(output, text)


BUNDLED_NOTE = (
    "The bundled graphs hold only the observations of the bundled alliances (graphs/published-codings.ttl, for "
    "'cstograph concordance'); for the paper's table import the whole file: cstograph import reliability "
    "BerkemeierFuhrmannRAP2018_0303.dta -o reliability.ttl, then cstograph reliability reliability.ttl."
)


def reliability(
    paths: PathsArgument = None,
    fmt: FormatOption = None,
    output: TableOutputOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Report even when the data violates the shapes.")
    ] = False,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Only this era: 1816-1944 or 1945-2003 (the same rows within it, e.g. "
                     "defence pacts before 1945).", show_default=False),
    ] = None,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Fulfilment of alliance commitments in war: observations, does not apply, relevant, honoured, rate.

    Counts every cg:WarOccasion in the data (see 'cstograph import reliability') per coding (LLM,
    BF, and their lenient multilateral variants) for all cases, each period, each obligation
    type, and bilateral vs multilateral alliances. With --period, the same rows within one era.
    The data is validated first.

    Example: cstograph reliability reliability.ttl --format markdown

    Example: cstograph reliability reliability.ttl --period 1945-2003 -o post-1945.md
    """
    from cstograph.base.write import refuse_overwriting_inputs
    from cstograph.reading.rdf_files import expand_paths
    from cstograph.rules.reliability import (
        CITATION,
        period_by_label,
        reading_shares,
        render_fulfilment,
        render_reading_shares,
    )

    fmt = resolve_format(fmt, output=output)
    with user_errors():
        try:
            period is None or period_by_label(period)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--period") from None
        refuse_overwriting_inputs(output, expand_paths(paths) if paths else [])
        kg = open_checked(paths, engine, store, endpoint, force=force)
        rows = kg.fulfilment(period, according_to, as_date(as_of))
        requests = kg.verdicts(according_to, as_date(as_of), readings=True) if period is None else []
        if not rows and not requests:
            where = "" if period is None else f" in {period}"
            fail(
                f"the data holds no alliance-war observations (cg:WarOccasion){where}",
                hint="import them first: cstograph import reliability FILE.dta -o reliability.ttl",
            )
        color = output is None and use_color()
        text = render_fulfilment(rows, fmt, color=color, width=terminal_width()) if rows else ""
        if rows and fmt in ("table", "markdown"):
            text += ("\n" if fmt == "markdown" else "") + CITATION + "\n"
            if not (paths or store or endpoint):
                text += BUNDLED_NOTE + "\n"
        if requests:  # the share met under each reading of the coding manual, beside the codings
            shares = render_reading_shares(reading_shares(requests, kg.readings()), fmt, color=color,
                                           width=terminal_width())
            text = _two_tables(text, shares, fmt) if text else shares
        emit_table(text, output)


def _two_tables(first: str, second: str, fmt: str) -> str:
    """The fulfilment table and the readings table as one output: JSON as {fulfilment, readings},
    CSV and text one after the other."""
    if fmt == "json":
        import json

        return json.dumps({"fulfilment": json.loads(first), "readings": json.loads(second)}, indent=2,
                          ensure_ascii=False) + "\n"
    return first + "\n" + second
