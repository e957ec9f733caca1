from __future__ import annotations

import json
from typing import Annotated

import typer

from cstograph.cli.common import (
    AccordingToOption,
    AsOfOption,
    EndpointOption,
    EngineOption,
    ForceOption,
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
from cstograph.output.render import render_ally_report, render_selectivity, render_verdicts


def report(
    paths: PathsArgument = None,
    all_requests: Annotated[
        bool, typer.Option("--all", help="List every request with its status, not only the unmet ones.")
    ] = False,
    fmt: FormatOption = None,
    fail_on_unmet: Annotated[
        bool, typer.Option("--fail-on-unmet", help="Exit 1 when an obligation is unmet (for scripts).")
    ] = False,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
    by_ally: Annotated[
        bool, typer.Option("--by-ally", help="Instead of requests, list each obliged ally of each triggered request, a reliability table per alliance and per ally, and the formal invocations met per alliance and obligation type (csv: the allies only; json: all three, as {allies, reliability, byObligationType}).")
    ] = False,
    show_selectivity: Annotated[
        bool, typer.Option("--selectivity", help="Instead of requests, put help given without a treaty trigger beside triggered obligations left unmet, per guarantor.")
    ] = False,
    reading: Annotated[
        str | None, typer.Option("--reading", metavar="NAME", help="Compute every verdict under this reading of the coding manual (a name such as ReadingWarEntryCounts, its label, or the IRI of a cg:Reading in the data) instead of the manual itself.")
    ] = None,
) -> None:
    """Report the unmet obligations: requests that triggered an obligation no response fulfilled.

    The data is validated first; on violations nothing is reported and the exit code is 1
    (unless --force). With no PATH the bundled graphs are used.

    Each verdict is also computed under every reading of the coding manual (cg:Reading): a
    verdict that some reading flips is marked "not robust" and the readings are named.

    Example: cstograph report --all --format markdown
    """
    fmt = resolve_format(fmt)
    if by_ally and show_selectivity:
        fail("--by-ally and --selectivity are two reports: choose one")
    if all_requests and (by_ally or show_selectivity):
        fail(f"--all lists requests; {'--by-ally' if by_ally else '--selectivity'} is another report: choose one")
    with user_errors():
        kg = open_checked(paths, engine, store, endpoint, force=force)
        day = as_date(as_of)
        short_names = kg.short_names() if fmt == "table" else None
        if by_ally or show_selectivity:
            color, width = use_color(), terminal_width()
            if by_ally:
                duties = kg.allies(according_to, day)
                text = render_ally_report(duties, kg.ally_reliability(duties=duties), fmt, color=color, width=width,
                                          short_names=short_names)
                text = _with_split_by_type(text, kg.invocation_record(according_to, day), kg.readings()[0].iri, fmt,
                                           color=color, width=width)
            else:
                text = render_selectivity(kg.selectivity(according_to, day), fmt, color=color, width=width,
                                          short_names=short_names, namespaces=kg.namespaces)
            typer.echo(text, nl=False)
            if fail_on_unmet and kg.verdicts(according_to, day, status="unmet"):
                raise typer.Exit(1)
            return
        verdicts = kg.verdicts(according_to, day, status=None if all_requests else "unmet",
                               readings=reading is None, reading=reading)
        chosen = kg.reading(reading).label if reading is not None else None
    title = "Assistance requests" if all_requests else "Unmet obligations"
    if chosen:
        title += f", under the reading '{chosen}'"
    if according_to:
        title += f", according to {according_to}"
    if as_of:
        title += f", as known on {as_of.date()}"
    typer.echo(
        render_verdicts(verdicts, fmt, color=use_color(), width=terminal_width(), title=title,
                        short_names=short_names, namespaces=kg.namespaces,
                        texts=kg.case_texts(according_to, day) if all_requests and fmt != "csv" else None),
        nl=False,
    )
    if fail_on_unmet and any(v.status == "unmet" for v in verdicts):
        raise typer.Exit(1)


def _with_split_by_type(text: str, record, reading: str, fmt: str, *, color: bool, width: int) -> str:
    """The by-ally report with the record of formal invocations split by obligation type after it
    (JSON: the key byObligationType; CSV stays the allies only)."""
    # deferred to the call: keeps cstograph.output.invocation_tables out of `cstograph --help`'s start-up
    from cstograph.output.invocation_tables import by_type_json, render_by_type

    if fmt == "csv":
        return text
    if fmt == "json":
        return json.dumps({**json.loads(text), "byObligationType": by_type_json(record, reading)}, indent=2,
                          ensure_ascii=False) + "\n"
    return text + "\n" + render_by_type(record, reading, fmt, color=color, width=width)
