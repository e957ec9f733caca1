"""The summary figure for many requests: one row per alliance, one column per period, each cell
counting the requests that were unmet, met and not triggered.

A story diagram of a few hundred requests is a hairball in which no case can be read; this
figure is what ``viz`` and ``timeline`` draw by default above ``SUMMARY_ABOVE`` requests, and
it says how to reach the cases (``--alliance``, ``--focus``, ``--cases``). It needs the verdicts
and the alliances' names only, never the whole graph as a network.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cstograph.engines.engine import Engine
from cstograph.engines.queries import run_named
from cstograph.pictures.style import STATUS_FILL, natural_key

SUMMARY_ABOVE = 120  # requests: above this many, viz and timeline draw the summary by default
STATUSES = ("unmet", "met", "not-triggered")
NO_ALLIANCE = "no alliance"
STATUS_NAMES = {"unmet": "unmet", "met": "met", "not-triggered": "not triggered"}
# figure geometry (SVG user units = points): 453 pt is the text width of an A4 page, so text of
# FONT points stays FONT points when the figure is placed at that width
FIGURE_W, FONT, NAME_W, ROW_H, HEAD_H = 453.0, 8.0, 110.0, 34.0, 62.0
COUNT_TEXT = {"unmet": STATUS_FILL["unmet"], "met": STATUS_FILL["met"], "not-triggered": "#8a6200"}
BIN_CHOICES = (1, 2, 5, 10, 20, 25, 50, 100)
MAX_COLUMNS = 9


@dataclass(frozen=True)
class Summary:
    alliances: tuple[tuple[str, str], ...]  # (IRI, name), in natural order of the names
    periods: tuple[tuple[int, int], ...]  # (first year, last year) of each column
    counts: dict[tuple[str, int], Counter]  # (alliance IRI, column) -> status -> requests
    requests: int
    undated: int = 0

    def total(self, alliance: str) -> Counter:
        found: Counter = Counter()
        for (iri, _), counter in self.counts.items():
            if iri == alliance:
                found.update(counter)
        return found


def alliance_names(engine: Engine) -> dict[str, str]:
    """Alliance IRI -> its short name (altLabel when shorter than the label)."""
    names = {}
    for row in run_named(engine, "alliance-labels").records():
        label, alt = str(row["label"]), row["altLabel"]
        names[str(row["alliance"])] = str(alt) if alt is not None and len(str(alt)) < len(label) else label
    return names


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def summarise(verdicts, names: dict[str, str]) -> Summary:
    """Count the verdicts by alliance and period (periods of 1, 2, 5, 10, ... years, at most
    ``MAX_COLUMNS`` of them)."""
    years = [int(v.date[:4]) for v in verdicts if v.date[:4].isdigit()]
    first, last = (min(years), max(years)) if years else (0, 0)
    step = next((b for b in BIN_CHOICES if (last // b - first // b + 1) <= MAX_COLUMNS), BIN_CHOICES[-1])
    origin = first // step * step
    periods = tuple((origin + i * step, origin + (i + 1) * step - 1) for i in range((last - origin) // step + 1))
    counts: dict[tuple[str, int], Counter] = {}
    seen: dict[str, str] = {}
    undated = 0
    for verdict in verdicts:
        # a request to a state outside any alliance's treaty: one row for all of them
        iri = verdict.alliance or ""
        seen[iri] = (names.get(iri) or (verdict.addressee_label if verdict.addressee == iri else "") or _tail(iri)
                     if iri else NO_ALLIANCE)
        if not verdict.date[:4].isdigit():
            undated += 1
            continue
        column = (int(verdict.date[:4]) - origin) // step
        counts.setdefault((iri, column), Counter())[verdict.status] += 1
    alliances = tuple(sorted(seen.items(), key=lambda item: (not item[0], natural_key(item[1]), item[0])))
    return Summary(alliances, periods if years else (), counts, len(verdicts), undated)


def _period_label(period: tuple[int, int]) -> str:
    first, last = period
    if first == last:
        return str(first)
    if last - first == 9 and first % 10 == 0:
        return f"{first}s"
    return f"{first}–{last}"


def summary_svg(summary: Summary, title: str, note: str = "") -> str:
    """The figure, 453 pt wide (A4 text width), every text at least ``FONT`` pt at that width."""
    columns = max(len(summary.periods), 1)
    total_w = 62.0
    cell_w = (FIGURE_W - NAME_W - total_w - 10) / columns
    top = HEAD_H + (12 if note else 0)
    height = top + ROW_H * len(summary.alliances) + 70
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{FIGURE_W:.0f}pt" height="{height:.0f}pt" '
           f'viewBox="0 0 {FIGURE_W:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif">',
           '<rect width="100%" height="100%" fill="#ffffff"/>',
           f'<text x="4" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
           f'<text x="4" y="28" font-size="{FONT}" fill="#444">{summary.requests:,} requests; each cell counts, top to bottom, '
           'the unmet, met and not triggered ones</text>']
    if note:
        out.append(f'<text x="4" y="40" font-size="{FONT}" fill="#8a4b00">{escape(note)}</text>')
    for index, period in enumerate(summary.periods):
        x = NAME_W + index * cell_w + cell_w / 2
        out.append(f'<text x="{x:.1f}" y="{top - 8:.1f}" font-size="{FONT}" text-anchor="middle" fill="#333">'
                   f'{escape(_period_label(period))}</text>')
    out.append(f'<text x="{FIGURE_W - total_w / 2 - 4:.1f}" y="{top - 8:.1f}" font-size="{FONT}" text-anchor="middle" '
               'font-weight="bold">all</text>')
    for row, (iri, name) in enumerate(summary.alliances):
        y = top + row * ROW_H
        if row % 2:
            out.append(f'<rect x="0" y="{y:.1f}" width="{FIGURE_W:.0f}" height="{ROW_H}" fill="#f4f4f4"/>')
        shown = name if len(name) <= 22 else name[:21] + "…"
        out.append(f'<text x="4" y="{y + ROW_H / 2 + 3:.1f}" font-size="{FONT}"><title>{escape(name)} &lt;{escape(iri)}&gt;'
                   f'</title>{escape(shown)}</text>')
        for column in range(columns):
            counter = summary.counts.get((iri, column))
            if counter:
                out.append(_cell(counter, NAME_W + column * cell_w, y + 2, cell_w, ROW_H - 4))
        out.append(_cell(summary.total(iri), FIGURE_W - total_w - 4, y + 2, total_w, ROW_H - 4))
    y = top + ROW_H * len(summary.alliances) + 16
    for index, status in enumerate(STATUSES):
        x = 4 + index * 110
        out.append(f'<rect x="{x}" y="{y - 8}" width="12" height="10" fill="{STATUS_FILL[status]}" stroke="#555"/>'
                   f'<text x="{x + 16}" y="{y}" font-size="{FONT}">{STATUS_NAMES[status]}</text>')
    out.append(f'<text x="4" y="{y + 16}" font-size="{FONT}" fill="#444">One case: --focus REQUEST; one alliance\'s cases: '
               '--alliance NAME; every case: --cases</text>')
    if summary.undated:
        out.append(f'<text x="4" y="{y + 30}" font-size="{FONT}" fill="#444">{summary.undated} undated request(s) '
                   'counted under "all" only</text>')
    out.append("</svg>")
    return "\n".join(out)


def _cell(counter: Counter, x: float, y: float, w: float, h: float) -> str:
    """The three counts one above the other (unmet, met, not triggered), each after a swatch of
    its status colour; a zero is left out."""
    parts = []
    line = h / 3
    for index, status in enumerate(STATUSES):
        if not counter[status]:
            continue
        base = y + (index + 1) * line - 1.5
        parts.append(f'<rect x="{x + w / 2 - 12:.1f}" y="{base - 5.5:.1f}" width="5" height="5" fill="{STATUS_FILL[status]}"/>'
                     f'<text x="{x + w / 2 + 14:.1f}" y="{base:.1f}" font-size="{FONT}" text-anchor="end" '
                     f'fill="{COUNT_TEXT[status]}">{counter[status]}</text>')
    tip = ", ".join(f"{counter[s]} {STATUS_NAMES[s]}" for s in STATUSES)
    return f'<g><title>{tip}</title>{"".join(parts)}</g>'


def summary_html(svg: str, title: str, summary: Summary) -> str:
    rows = []
    for iri, name in summary.alliances:
        total = summary.total(iri)
        rows.append(f"<tr><td>{escape(name)}</td>" + "".join(f"<td>{total[s]}</td>" for s in STATUSES)
                    + f"<td>{sum(total[s] for s in STATUSES)}</td></tr>")
    head = "".join(f"<th>{STATUS_NAMES[s]}</th>" for s in STATUSES)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px; color: #1a1a1a; }}
svg {{ width: 100%; max-width: 1000px; height: auto; }}
table {{ border-collapse: collapse; margin-top: 16px; font-size: 13px; }}
td, th {{ border: 1px solid #ccc; padding: 4px 6px; text-align: right; }} td:first-child {{ text-align: left; }}
</style></head><body>
<p>{summary.requests:,} requests are too many to draw as cases. Draw one case with <code>--focus REQUEST</code>,
one alliance's cases with <code>--alliance NAME</code>, or every case with <code>--cases</code>.</p>
{svg}
<table><tr><th>alliance</th>{head}<th>requests</th></tr>
{''.join(rows)}
</table></body></html>
"""


def render_summary(verdicts, engine: Engine, fmt: str, title: str, note: str = "") -> bytes:
    summary = summarise(verdicts, alliance_names(engine))
    svg = summary_svg(summary, title, note)
    if fmt == "svg":
        return svg.encode("utf-8")
    if fmt == "html":
        return summary_html(svg, title, summary).encode("utf-8")
    from cstograph.pictures.static import for_print

    return for_print(svg.encode("utf-8"), fmt)
