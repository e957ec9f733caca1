"""Colours, shapes and wording shared by the static figure, the interactive page and the timeline."""

from __future__ import annotations

import re
import textwrap

# Status colours: red / green / amber differ in lightness as well as hue, and every request
# also says its status in words, so the figure survives greyscale printing and colour blindness.
STATUS_FILL = {"unmet": "#c0262d", "met": "#1b7f3b", "not-triggered": "#f2c14e", "": "#bdbdbd"}
STATUS_TEXT = {"unmet": "#ffffff", "met": "#ffffff", "not-triggered": "#1a1a1a", "": "#1a1a1a"}
STATUS_WORDS = {"unmet": "UNMET", "met": "MET", "not-triggered": "NOT TRIGGERED", "": "NO STATUS"}

KIND_FILL = {
    "state": "#d6e6f5", "alliance": "#cbbde6", "treaty": "#eeeeee", "obligation": "#f5e6c8",
    "event": "#fbd3b5", "request": "#bdbdbd", "response": "#e4e4e4", "membership": "#f0f0f0",
    "source": "#ffffff", "other": "#ffffff",
}
# A contested request (an account gives it another status) gets a second border in this colour
# and says CONTESTED under its status; its fill stays the status of the undisputed data.
CONTESTED_MARK = "#5b2a86"
CONTESTED_WORD = "CONTESTED"
# The outline of the node a figure is drawn around (--focus): blue, a colour no status uses.
FOCUS_RING = "#1f5fbf"
HELP_FILL = "#9fd8a8"  # a response that delivers what the obligation asks
NO_HELP_FILL = "#e4e4e4"
# Shapes whose outline leaves the whole box to the text (box3d and component draw inside it).
KIND_SHAPE_DOT = {
    "state": "ellipse", "alliance": "box", "treaty": "note", "obligation": "box",
    "event": "box", "request": "box", "response": "box", "membership": "point", "source": "note",
    "other": "ellipse",
}
ROUNDED_KINDS = {"alliance", "obligation"}
KIND_NAMES = {
    "state": "state", "alliance": "alliance", "treaty": "treaty", "obligation": "obligation (treaty clause)",
    "event": "event", "request": "assistance request", "response": "response", "membership": "membership",
    "source": "source", "other": "other resource",
}


def wrap(text: str, width: int = 28, max_lines: int = 4) -> list[str]:
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return lines


def short_date(iso: str) -> str:
    """2022-09-13 -> 13 Sep 2022 (unchanged when not an ISO date)."""
    # deferred to the first call: keeps datetime out of importing cstograph.pictures.style
    import datetime as dt

    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%b')} {day.year}"


def _neighbour_label(graph, node, relation: str) -> str:
    for _, target, data in graph.out_edges(node, data=True):
        if data.get("relation") == relation:
            return graph.nodes[target].get("shortLabel") or graph.nodes[target]["label"]
    return ""


def caption_lines(graph, node: str, width: int = 28) -> list[str]:
    """The few lines that name a node in a figure: who asked whom and with what result, for a request."""
    data = graph.nodes[node]
    kind = data["kind"]
    if kind == "request":
        who = _neighbour_label(graph, node, "requester") or "?"
        whom = _neighbour_label(graph, node, "addressee") or "?"
        answer = data.get("answer", "")
        if answer.startswith("no help delivered"):
            answer = "no help delivered"
        lines = wrap(f"{who} → {whom}", width, 2) + [short_date(data["date"]), STATUS_WORDS.get(data["status"], "")]
        if data.get("contested"):
            lines.append(CONTESTED_WORD)
        return lines + (wrap(answer, width, 2) if answer else [])
    if kind == "response":
        who = _neighbour_label(graph, node, "responder")
        what = data.get("detail") or data["label"]
        return wrap(what, width, 2) + wrap(who, width, 1) + [short_date(data["date"])]
    if kind == "event":
        lines = wrap(data["label"], width, 3)
        if data.get("start") and data["start"][:4] not in data["label"]:
            lines.append(short_date(data["start"]))
        return lines
    return wrap(data["label"], width, 3)


def natural_key(text: str) -> tuple:
    """Sort key that orders numbers by value: "Alliance 2" before "Alliance 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


# Relations the story figures do not draw as edges: the boxes name them (a request says
# "Armenia → CSTO", a response its responder, an alliance its members).
NAMED_IN_BOXES = {"requester", "addressee", "responder", "memberOf"}
# Drawn right-to-left so that the story reads left to right: context -> request -> responses.
# The arrowhead (dir=back) keeps the RDF direction.
DRAWN_BACKWARDS = {"concerns", "invokes", "inTreaty", "onTerritoryOf", "attacker", "respondsTo"}
