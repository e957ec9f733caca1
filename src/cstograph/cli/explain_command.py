from __future__ import annotations

from typing import Annotated

import typer

from cstograph.cli.common import (
    AccordingToOption,
    AsOfOption,
    EndpointOption,
    EngineOption,
    ForceOption,
    PathsArgument,
    StoreOption,
    as_date,
    open_checked,
    resolve_format,
    stdout_is_terminal,
    terminal_width,
    use_color,
    user_errors,
)
from cstograph.output.render import render_explanation


def explain(
    request: Annotated[str, typer.Argument(help="The request: a full IRI, a prefixed name, or a word of its label.")],
    paths: PathsArgument = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")] = "text",
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Explain a request's verdict: the obligation and its trigger, the membership that made the
    requester a party, the events and where they happened, and every response, each with its sources;
    and whether the verdict is robust, or which readings of the coding manual flip it.

    Example: cstograph explain "Article 4 of the Collective Security Treaty"
    """
    fmt = resolve_format(fmt, ("text", "json"))
    with user_errors():
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="explain")
        explanation = kg.explain(request, according_to, as_date(as_of))
    width = terminal_width() if stdout_is_terminal() else None  # a pipe gets one line per item
    typer.echo(render_explanation(explanation, fmt, color=use_color(), width=width), nl=False)
