"""``cstograph concordance``: this project's verdicts beside the published codings of the same alliance and war.

A command of its own rather than a mode of ``report``: its rows are request-war pairs, not
requests, and ``report --format json`` is the contract's list of requests, whose shape a flag
should not change.
"""

from __future__ import annotations

from cstograph.api import citation, concordance_summary, concordance_text, input_files
from cstograph.base.write import refuse_overwriting_inputs
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
from cstograph.cli.reliability_command import TableOutputOption, emit_table


def concordance(
    paths: PathsArgument = None,
    fmt: FormatOption = None,
    output: TableOutputOption = None,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
) -> None:
    """This project's verdict on each request beside the LLM and Berkemeier-Fuhrmann codings of
    the same alliance (ATOP id) in the same war (Correlates of War number).

    A request matches an alliance-war observation (cg:WarOccasion, from 'cstograph import
    reliability'; the bundled graphs/published-codings.ttl holds those of the bundled alliances)
    when its treaty or alliance has the observation's cg:atopId and an event it concerns has the
    cg:cowWarNumber of the observation's war. A published verdict that differs from this
    project's is starred; docs/concordance.md says why each bundled row differs.

    Example: cstograph concordance --format markdown
    """

    fmt = resolve_format(fmt, output=output)
    with user_errors():
        refuse_overwriting_inputs(output, input_files(paths))
        kg = open_checked(paths, engine, store, endpoint, force=force)
        rows = kg.concordance(according_to, as_date(as_of))
        if not rows:
            fail(
                "no request matches an alliance-war observation of the same ATOP id and war",
                hint="the data needs cg:WarOccasion nodes (cstograph import reliability FILE.dta) and requests whose "
                     "treaty has a cg:atopId and whose events have a cg:cowWarNumber",
            )
        color = output is None and use_color()
        text = concordance_text(rows, fmt, color=color, width=terminal_width())
        if fmt in ("table", "markdown"):
            text += ("\n" if fmt == "markdown" else "") + concordance_summary(rows) + "\n" + citation("concordance") + "\n"
        emit_table(text, output)
