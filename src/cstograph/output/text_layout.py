"""Laying text out for a terminal: columns fitted to its width, colour, and wrapped
paragraphs with hanging indents. Pure: returns strings.

Cells wrap at spaces only, so a date, a name or a word is never split; a single word wider than
its whole column (a long URL) is the only thing ever broken, after a '/' where it can be. The
layout is our own rather than a box-drawing table: the columns that must stay whole (dates,
names, statuses) get their full width first, the prose columns share what is left, and what does
not fit beside a row goes on indented lines below it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len

SGR = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31", "green": "32",
       "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
STATUS_STYLE = {"unmet": "bold red", "met": "green", "not-triggered": "yellow", "pending": "cyan"}
READINGS_STYLE = "blue"  # a verdict that another reading of the coding manual flips
CONTESTED_STYLE = "bold magenta"
GAP = 2


def paint(text: str, style: str | None, color: bool) -> str:
    """``text`` in ANSI colour when ``color`` (an empty text or no style stays plain)."""
    if not (color and style and text):
        return text
    return "\x1b[" + ";".join(SGR[s] for s in style.split()) + "m" + text + "\x1b[0m"


def _break_long_word(word: str, width: int) -> list[str]:
    """A word wider than ``width`` (a URL, an IRI) in pieces, each cut after a '/', '#' or '-'
    when one is near the end, else at the width."""
    pieces = []
    while cell_len(word) > width:
        head = word[:width]
        while cell_len(head) > width:
            head = head[:-1]
        cut = max((i + 1 for i, ch in enumerate(head) if ch in "/#-_?&"), default=0)
        cut = cut if cut > width // 2 else len(head)
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + [word] if word else pieces


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken at spaces; explicit newlines are kept."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            for piece in _break_long_word(word, max(width, 1)):
                if not line:
                    line = piece
                elif cell_len(line) + 1 + cell_len(piece) <= width:
                    line += " " + piece
                else:
                    out.append(line)
                    line = piece
        out.append(line)
    return out


def hanging(label: str, text: str, width: int | None, indent: int = 0) -> list[str]:
    """``label`` then ``text``, wrapped to ``width`` with the continuation lines under the text's
    first character (a hanging indent); no wrapping when ``width`` is None."""
    lead = " " * indent + label
    if width is None:
        return [lead + text]
    room = max(width - cell_len(lead), 20)
    lines = wrap(text, room)
    return [lead + lines[0]] + [" " * cell_len(lead) + line for line in lines[1:]]


def unbroken(label: str, token: str, width: int, indent: int = 0) -> list[str]:
    """``label`` and a ``token`` that must stay whole (an IRI, a command): on one line when it
    fits, else the token on a line of its own, as far left as it needs to fit."""
    one = " " * indent + label + token
    if cell_len(one) <= width:
        return [one]
    start = max(min(indent, width - cell_len(token)), 0)
    return [" " * indent + label.rstrip(), " " * start + token]


@dataclass(frozen=True)
class Column:
    header: str
    whole: bool = False  # never wrapped (dates, numbers, short statuses)
    names: bool = False  # wrapped only when even the whole width cannot hold the longest name
    style: Callable[[str], str | None] | None = None  # the style of one line of a cell
    align: str = "left"


def _longest_word(texts: Sequence[str]) -> int:
    return max((cell_len(w) for t in texts for w in t.split()), default=0)


def _natural(column: Column, cells: Sequence[str]) -> int:
    return max([cell_len(column.header)] + [cell_len(line) for c in cells for line in c.split("\n")])


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Whole columns get their natural width, name columns theirs when it fits, and the prose
    columns share the rest equally, none beyond its natural width (never below its longest word,
    capped at 24 cells so one long URL does not claim a whole column)."""
    cells = [[row[i] for row in rows] for i in range(len(columns))]
    natural = [_natural(c, cells[i]) for i, c in enumerate(columns)]
    room = width - GAP * (len(columns) - 1)
    widths = []
    for i, c in enumerate(columns):
        if c.whole or c.names:
            widths.append(natural[i])
        else:
            widths.append(min(natural[i], max(_longest_word(cells[i] + [c.header]), 0), 24))
    spare = room - sum(widths)
    if spare < 0:  # even the names do not fit: let name columns wrap at spaces
        for i, c in enumerate(columns):
            if c.names and spare < 0:
                floor = max(_longest_word(cells[i] + [c.header]), 1)
                give = min(widths[i] - floor, -spare)
                widths[i] -= give
                spare += give
        return widths
    prose = [i for i, c in enumerate(columns) if not (c.whole or c.names)]
    while spare > 0:  # equal shares, each column up to its natural width, the rest to the others
        growing = [i for i in prose if widths[i] < natural[i]]
        if not growing:
            break
        share = max(spare // len(growing), 1)
        for i in growing:
            give = min(share, natural[i] - widths[i], spare)
            widths[i] += give
            spare -= give
    return widths


def table_lines(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], widths: Sequence[int], *, color: bool,
    below: Sequence[Sequence[str]] | None = None, separate: bool = False,
) -> list[str]:
    """The header, a rule, and each row (its cells wrapped to ``widths``); ``below[i]`` are
    ready-made lines printed under row i; ``separate`` puts a blank line between rows."""
    def line_of(parts: list[str]) -> str:
        return (" " * GAP).join(parts).rstrip()

    def padded(text: str, width: int, align: str, style: str | None) -> str:  # pad outside the colour
        fill = " " * max(width - cell_len(text), 0)
        return fill + paint(text, style, color) if align == "right" else paint(text, style, color) + fill

    headers = [wrap(c.header, w) for c, w in zip(columns, widths)]  # a header wraps like a cell
    height = max(len(h) for h in headers)
    lines = [line_of([padded(h[n] if n < len(h) else "", w, c.align, "bold")
                      for c, w, h in zip(columns, widths, headers)]) for n in range(height)]
    lines.append(line_of(["─" * w for w in widths]))
    for index, row in enumerate(rows):
        wrapped = [wrap(cell, w) if not c.whole else cell.split("\n") for c, w, cell in zip(columns, widths, row)]
        for n in range(max(len(w) for w in wrapped)):
            parts = []
            for c, w, cell_lines in zip(columns, widths, wrapped):
                text = cell_lines[n] if n < len(cell_lines) else ""
                parts.append(padded(text, w, c.align, c.style(text) if c.style and text else None))
            lines.append(line_of(parts))
        if below:
            lines.extend(below[index])
        if separate and index < len(rows) - 1:
            lines.append("")
    return lines


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
