from __future__ import annotations

from typing import Annotated

import typer

from cstograph.assess import assess_data, view_engine
from cstograph.cli.common import (
    AccordingToOption, AsOfOption, EndpointOption, EngineOption, ForceOption, PathsArgument,
    StoreOption, open_checked,
    resolve_format, user_errors,
)
from cstograph.explain import explain_request, find_request
from cstograph.render import render_explanation


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
    requester a party, the events and where they happened, and every response, each with its sources.

    Example: cstograph explain "Article 4 of the Collective Security Treaty"
    """
    fmt = resolve_format(fmt, ("text", "json"))
    with user_errors():
        data, has_accounts = open_checked(paths, engine, store, endpoint, force=force)
        if has_accounts or according_to or as_of:  # a view of the data
            engine_ = view_engine(data, engine, according_to=according_to, as_of=as_of.date() if as_of else None)
        else:
            engine_ = data.engine
        iri = find_request(engine_, request, data.namespaces)
        explanation = explain_request(engine_, iri)
        if has_accounts and not according_to:  # what each account says, as 'report' shows it
            from dataclasses import replace

            day = as_of.date() if as_of else None
            contested = next((v.contested for v in assess_data(data, engine, as_of=day, request=iri)), ())
            explanation = replace(explanation, verdict=replace(explanation.verdict, contested=contested))
    typer.echo(render_explanation(explanation, fmt), nl=False)
