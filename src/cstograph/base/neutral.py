"""Outputs carry what the data holds and nothing more: no data string can drive the reader's
terminal, reorder the text around it, break the XML it sits in, or become a link.

- ``visible``: for text read on a terminal (report, explain, tables, Markdown): C0 and C1
  control characters (ESC starts colour, title, clear-screen, OSC 8 link and OSC 52 clipboard
  sequences) and the bidirectional controls (an unterminated U+202E reverses what follows) are
  written as visible ``\\x1b`` / ``\\u202e`` escapes; line feeds and tabs stay.
- ``xml_text``: for SVG, GraphML and GEXF: characters XML 1.0 cannot hold (NUL, ESC, VT, FF,
  other C0 controls, U+FFFE, U+FFFF, lone surrogates) become U+FFFD.
- ``no_nul``: for .dta strings, which end at NUL: NUL becomes U+FFFD instead of cutting them.
- ``markdown_text``: a ``]`` followed by ``(`` escaped, so ``[x](javascript:...)`` in a label
  stays text (the Markdown renderer escapes angle brackets as HTML).
"""

from __future__ import annotations

import dataclasses
import re

CONTROL_CHARACTERS = _CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MARKDOWN = re.compile(r"\](?=\()")  # "](" is what makes [text](url) a link


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value, markdown: bool = False):
    """``value`` with every plain string in it (inside dataclasses, lists, tuples and dicts too)
    made safe for a terminal (and with ``markdown``, no Markdown link); other objects
    (rdflib terms, numbers) are returned as they are."""
    if type(value) is str:
        return markdown_text(value) if markdown else _CONTROLS.sub(_escape, value)
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(visible(item, markdown) for item in value)
    if type(value) is dict:
        return {key: visible(item, markdown) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: visible(getattr(value, field.name), markdown) for field in dataclasses.fields(value)
                   if field.init}
        return dataclasses.replace(value, **changes)
    return value


def no_nul(value):
    """A cell for a format that ends strings at NUL (Stata's .dta): NUL becomes U+FFFD, so the
    rest of the string is kept and the cut shows."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def markdown_text(text: str) -> str:
    return _MARKDOWN.sub(r"\\]", visible(text))


def xml_safe_graph(graph):
    """A copy of a networkx graph whose string attributes (graph, nodes, edges) and string node
    names hold only characters XML 1.0 allows."""
    def clean(data: dict) -> dict:
        return {key: xml_text(value) if isinstance(value, str) else value for key, value in data.items()}

    copy = graph.__class__()
    copy.graph.update(clean(graph.graph))
    names = {node: xml_text(node) if isinstance(node, str) else node for node in graph.nodes}
    copy.add_nodes_from((names[node], clean(data)) for node, data in graph.nodes(data=True))
    if graph.is_multigraph():
        copy.add_edges_from((names[a], names[b], key, clean(data)) for a, b, key, data in graph.edges(keys=True, data=True))
    else:
        copy.add_edges_from((names[a], names[b], clean(data)) for a, b, data in graph.edges(data=True))
    return copy
