"""The figure of the record of formal invocations: the share met per alliance and obligation type,
one panel per era, each dot labelled with its counts ("3/4"), hollow rings where another reading
of the coding manual gives another share; for a paper.

Drawn as a Vega-Lite chart and rendered by vl-convert (PyPI ``vl-convert-python``), which the
project already uses to print figures without system packages; PDF and PNG go through
``pictures.printing`` like every other figure (pages the figure's size, PNG at 200 dpi). Text is
10 px (7.5 pt) and the bundled record's figure about 465 px (350 pt) wide, under an A4 text
width (453 pt), so it is printed at its size.
"""

from __future__ import annotations

from collections.abc import Sequence

from cstograph.errors import ViewError
from cstograph.rules.invocation_record import RecordRow, other_readings, under

FORMATS = ("svg", "pdf", "png")
VEGA_LITE = "5.20"
PLOT_WIDTH = 150  # px of the share axis
LABEL_LIMIT = 400  # px: more than the longest name, which _short keeps to NAME_CHARS
NAME_CHARS = 34
FONT = 10  # px: 7.5 pt
TYPE_COLOURS = {  # colour-blind safe (Okabe-Ito), one per obligation type
    "defence": "#D55E00", "consultation": "#0072B2", "consultation and measures": "#56B4E9",
    "guarantee": "#009E73", "offensive support": "#E69F00", "neutrality": "#CC79A7", "non-aggression": "#999999",
    "other": "#000000",
}


def figure_rows(rows: Sequence[RecordRow], reading: str) -> list[dict]:
    """One datum per drawn row: era, the row's name, the share met and its "k/n" label."""
    data = []
    for order, row in enumerate(under(rows, reading)):
        name = f"{_short(row.alliance_label)} · {row.kind}"
        data.append({"era": row.era, "name": name, "order": order, "kind": row.kind, "share": row.rate, "zero": 0,
                     "labelAt": 1, "label": _label(row), "other": None})
        # the shares other readings of the manual give, where they differ: a hollow ring each (a
        # datum of its own, since a layer's transform would not stay within its panel)
        for share in sorted({o.rate for o in other_readings(rows, row) if o.rate is not None and o.rate != row.rate}):
            data.append({"era": row.era, "name": name, "order": order, "kind": row.kind, "share": None, "zero": None,
                         "labelAt": None, "label": "", "other": share})
    return data


def _short(name: str) -> str:
    """A row's name short enough to be drawn whole (the chart would cut it without saying where)."""
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1].rstrip() + "…"


def _label(row: RecordRow) -> str:
    """The counts beside a dot; a row without a decided request says what it holds instead."""
    if row.decided:
        return f"{row.met}/{row.decided}"
    held = [f"{n} {what}" for n, what in ((row.pending, "pending"), (row.not_triggered, "not triggered")) if n]
    return ", ".join(held)


def figure_spec(rows: Sequence[RecordRow], reading: str, reading_label: str) -> dict:
    """The Vega-Lite specification (data inlined: the same rows give the same chart)."""
    data = figure_rows(rows, reading)
    eras = list(dict.fromkeys(d["era"] for d in data))
    kinds = [k for k in TYPE_COLOURS if any(d["kind"] == k for d in data)]
    y = {"field": "name", "type": "nominal", "title": None, "sort": {"field": "order"},
         "axis": {"labelLimit": LABEL_LIMIT, "labelFontSize": FONT}}
    return {
        "$schema": f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE.split('.')[0]}.json",
        "title": {"text": "Formal invocations: share met, with counts (met/decided)", "fontSize": FONT + 2,
                  "subtitle": [f"under {reading_label}; one panel per era", "hollow rings: the share under another "
                                                                                "reading of the coding manual"],
                  "subtitleFontSize": FONT},
        "data": {"values": data},
        "config": {"font": "Liberation Sans, Arial, sans-serif", "view": {"stroke": "#cccccc"},
                   "axis": {"labelFontSize": FONT, "titleFontSize": FONT},
                   "header": {"labelFontSize": FONT + 1, "labelFontWeight": "bold"},
                   "legend": {"labelFontSize": FONT, "titleFontSize": FONT, "labelLimit": 400}},
        "facet": {"row": {"field": "era", "type": "ordinal", "sort": eras, "title": None,
                          "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start",
                                     "labelOrient": "top"}}},
        "resolve": {"scale": {"y": "independent"}},
        "spacing": 14,
        "spec": {
            "width": PLOT_WIDTH,
            "height": {"step": 15},
            "layer": [
                {"mark": {"type": "rule", "color": "#dddddd"},
                 "encoding": {"y": y, "x": {"field": "zero", "type": "quantitative"},
                              "x2": {"field": "share"}}},
                {"mark": {"type": "circle", "size": 45, "opacity": 1},
                 "encoding": {"y": y,
                              "x": {"field": "share", "type": "quantitative", "scale": {"domain": [0, 1]},
                                    "axis": {"format": ".0%", "title": "share met", "values": [0, 0.25, 0.5, 0.75, 1]}},
                              "color": {"field": "kind", "type": "nominal", "title": "obligation type",
                                        "scale": {"domain": kinds, "range": [TYPE_COLOURS[k] for k in kinds]},
                                        "legend": {"orient": "bottom", "columns": 2}}}},
                {"mark": {"type": "point", "shape": "circle", "size": 45, "filled": False, "strokeWidth": 1},
                 "encoding": {"y": y, "x": {"field": "other", "type": "quantitative"},
                              "stroke": {"value": "#555555"}}},
                {"mark": {"type": "text", "align": "left", "dx": 6, "fontSize": FONT},
                 "encoding": {"y": y, "x": {"field": "labelAt", "type": "quantitative"}, "text": {"field": "label"}}},
            ],
        },
    }


def figure_svg(rows: Sequence[RecordRow], reading: str, reading_label: str) -> bytes:
    if not under(rows, reading):
        raise ViewError("no request to draw: the data holds no assistance request")
    from cstograph.pictures.printing import _converter

    return _converter().vegalite_to_svg(figure_spec(rows, reading, reading_label), vl_version=VEGA_LITE).encode("utf-8")


def figure_format(path_suffix: str) -> str:
    """The figure's format from a file suffix (.svg, .pdf, .png); a one-line error otherwise."""
    fmt = path_suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ViewError(f"cannot write a figure as {path_suffix or 'a file without suffix'!r}",
                        hint="name the file .svg, .pdf or .png")
    return fmt


def render_figure(rows: Sequence[RecordRow], reading: str, reading_label: str, fmt: str) -> bytes:
    """The figure as SVG, PDF or PNG bytes."""
    from cstograph.pictures.static import for_print

    return for_print(figure_svg(rows, reading, reading_label), fmt)
