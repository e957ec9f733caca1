"""The page of the record of formal invocations: the figure, the share met per alliance and
obligation type, per era, under each reading of the coding manual, and the comparison with the
Berkemeier-Fuhrmann rates for 1945-2003 (what ``cstograph reliability`` prints)."""

from __future__ import annotations

from dataclasses import dataclass

from cstograph.errors import CstographError
from cstograph.output.site.markup import esc, inline_svg, page, table

PAGE = "invocations.html"


@dataclass(frozen=True)
class InvocationPageData:
    by_alliance: list  # rules.invocation_record.RecordRow, grouped by alliance (spans: before 1945, 1945-today)
    by_era: list  # the same, grouped by era
    comparison: list  # rules.invocation_record.ComparisonRow
    reading: str  # IRI of the manual's reading
    reading_label: str
    figure: str | None  # inline SVG markup, or None
    figure_note: str


def gather_invocations(kg, according_to=None, as_of=None, cases=None) -> InvocationPageData:
    """Ask the API what the page shows (one viewpoint); ``cases``: the result of
    ``kg.invocations()`` for that viewpoint when the caller holds it."""
    # deferred to the first call: keeps cstograph.pictures.invocation_figure
    # out of importing cstograph.output.site.reliability_page
    from cstograph.pictures.invocation_figure import figure_svg

    if cases is None:
        cases = kg.invocations(according_to, as_of)
    manual = kg.readings()[0]
    by_alliance = list(kg.invocation_record(invocations=cases, by=("alliance",)))
    figure, note = None, "No request to draw."
    if cases:
        try:
            figure, note = inline_svg(figure_svg(by_alliance, manual.iri, manual.label).decode("utf-8"))
        except CstographError as exc:
            figure, note = None, f"The figure is unavailable: {exc.message}"
    return InvocationPageData(
        by_alliance=by_alliance, by_era=list(kg.invocation_record(invocations=cases, by=("era",))),
        comparison=list(kg.invocation_comparison(according_to, as_of, invocations=cases)),
        reading=manual.iri, reading_label=manual.label, figure=figure, figure_note=note)


def invocation_page(data) -> bytes:
    # deferred to the first call: keeps cstograph.output.invocation_tables, cstograph.rules.invocation_record
    # out of importing cstograph.output.site.reliability_page
    from cstograph.output.invocation_tables import (
        COMPARISON_COLUMNS,
        RECORD_COLUMNS,
        RECORD_NOTE,
        comparison_cells,
        record_cells,
    )
    from cstograph.rules.invocation_record import UNITS_SENTENCE

    record = data.invocation_record

    def rows_of(rows):
        return [[esc(c) for c in cells] for cells in record_cells(rows, record.reading)]

    figure = (f'<div class="figure">\n{record.figure}\n</div>' if record.figure
              else f'<p class="unavailable">{esc(record.figure_note)}</p>')
    body = (
        "<p>How often a formal invocation of an alliance clause got the help the clause asks for, per alliance and "
        f"obligation type (never pooled), under {esc(record.reading_label)}; the last column names the readings of "
        "the coding manual that count otherwise. The same tables: <code>cstograph reliability</code>.</p>\n"
        + figure + "\n"
        + "<h2>Per alliance and obligation type</h2>\n"
        + table(list(RECORD_COLUMNS), rows_of(record.by_alliance), empty="No request in the data.")
        + f"\n<p>{esc(RECORD_NOTE)}</p>\n"
        + "<h2>Per era and obligation type</h2>\n"
        + table(list(RECORD_COLUMNS), rows_of(record.by_era), empty="No request in the data.")
        + "\n<h2>1945-2003 beside the Berkemeier-Fuhrmann rates</h2>\n"
        + table(list(COMPARISON_COLUMNS), [[esc(c) for c in cells] for cells in comparison_cells(record.comparison)],
                empty="No request or alliance-war observation of 1945-2003 in the data.")
        + f"\n<p>{esc(UNITS_SENTENCE)}</p>"
    )
    return page("Reliability of formal invocations", body, depth=0, viewpoint=data.viewpoint)
