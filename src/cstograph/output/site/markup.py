"""The HTML skeleton shared by every page: escaping, links, navigation and the stylesheet.

Every piece of text from the data goes through ``esc``; only ``http`` and ``https`` URLs become
external links, and every internal link is relative, so the site works from any folder, any
static host or file://.

No data string can reorder the page around it: ``esc`` writes the bidirectional controls (an
unterminated U+202E in a label reversed the rest of the sentence the site wrote around it) and
the other control characters as visible ``\\u202e`` / ``\\x1b`` escapes, as the text outputs do
(``base/neutral.py``), and the text of every link (the labels of requests, states, alliances)
sits in its own ``<bdi>``, so right-to-left labels keep their order without moving their
neighbours.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from cstograph.base.neutral import CONTROL_CHARACTERS, visible

STYLESHEET_NAME = "style.css"

STATUS_WORDS = {"met": "met", "unmet": "unmet", "not-triggered": "not triggered"}

NAVIGATION = (
    ("index.html", "Home"),
    ("requests.html", "Requests"),
    ("alliances.html", "Alliances"),
    ("treaties.html", "Treaties"),
    ("states.html", "States"),
    ("years.html", "Years"),
    ("reliability.html", "Reliability"),
    ("selectivity.html", "Selectivity"),
    ("ontology.html", "Ontology"),
)


def esc(text) -> str:
    """Text as HTML (both quote characters escaped, so it is safe in attributes too), its
    control and bidirectional control characters written as visible escapes."""
    return _escaped("" if text is None else str(text))


@lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> str:
    # cached: a site writes the same labels, dates and words on thousands of pages (361,505
    # calls for 3,300 requests), a few thousand distinct ones
    if _PLAIN.fullmatch(text):
        return text
    return escape(visible(text), quote=True)


# what neither escape() nor visible() changes: no &<>"', no control or bidirectional character
_PLAIN = re.compile("[^&<>\"'" + CONTROL_CHARACTERS.pattern[1:-1] + "]*")


@lru_cache(maxsize=1 << 16)
def _attribute(value: str) -> str:
    """A URL in an attribute: escaped, not rewritten (a control character there is no text);
    cached as ``_escaped`` is (the same links on thousands of pages)."""
    return escape(value, quote=True)


def isolated(text) -> str:
    """Data text in an isolate of its own: its direction never spills onto the page's words."""
    return f"<bdi>{esc(text)}</bdi>"


def is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def link(href: str, text: str) -> str:
    """An internal link (``href`` is a relative path built by the site, never data)."""
    return f'<a href="{_attribute(href)}">{isolated(text)}</a>'


def external(url: str, text: str | None = None) -> str:
    """An http(s) URL as a link; any other scheme (file:, javascript:, ...) as plain text."""
    if url and is_web_url(url):
        return (f'<a class="external" href="{_attribute(url)}" rel="noopener noreferrer">'
                f"{isolated(text or url)}</a>")
    return isolated(text or url) + (f" <code>{esc(url)}</code>" if text and url else "")


@lru_cache(maxsize=64)
def status_badge(status: str) -> str:
    word = STATUS_WORDS.get(status, status or "no status")
    return f'<span class="status status-{esc(status or "none")}">{esc(word)}</span>'


def table(columns: list[str], rows: list[list[str]], *, empty: str = "None.") -> str:
    """A table whose cells are already HTML (callers escape what they put in)."""
    if not rows:
        return f"<p>{esc(empty)}</p>"
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def facts(rows: list[tuple[str, str]]) -> str:
    """A two-column table of named facts (the values are already HTML)."""
    body = "\n".join(f"<tr><th>{esc(name)}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="facts">\n<tbody>\n{body}\n</tbody>\n</table>'


def page(title: str, body: str, *, depth: int, viewpoint: str = "") -> bytes:
    """A whole page; ``depth`` is how many folders below the site's root it lives."""
    up = "../" * depth
    nav = _navigation(depth)
    note = f'<p class="viewpoint">{esc(viewpoint)}</p>\n' if viewpoint else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · cstograph</title>\n"
        f'<link rel="stylesheet" href="{up}{STYLESHEET_NAME}">\n'
        "</head>\n<body>\n"
        f'<nav>{nav}</nav>\n<main>\n{note}<h1>{esc(title)}</h1>\n{body}\n</main>\n'
        '<footer>Made with cstograph from sourced data; every fact links to its sources.</footer>\n'
        "</body>\n</html>\n"
    ).encode()


@lru_cache(maxsize=8)
def _navigation(depth: int) -> str:
    """The links every page at ``depth`` starts with (made once per depth, not per page)."""
    up = "../" * depth
    return " ".join(link(up + href, text) for href, text in NAVIGATION)


def inline_svg(svg: str) -> tuple[str | None, str]:
    """An SVG file (Graphviz's, vl-convert's) as markup inside HTML: the XML declaration and
    DOCTYPE before <svg> are not allowed there, and its comments only name internal node ids."""
    start = svg.find("<svg")
    if start < 0:
        return None, "The figure is unavailable: Graphviz returned no SVG."
    svg = re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.DOTALL)
    return re.sub(r"<svg\b", '<svg role="img"', svg, count=1), ""


STYLESHEET = """\
/* cstograph site: one local stylesheet, system fonts only */
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 0; color: #1a1a1a;
       background: #ffffff; line-height: 1.45; }
nav { background: #2f2a3d; padding: 0.5em 1em; }
nav a { color: #ffffff; margin-right: 1em; text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { max-width: 72em; margin: 0 auto; padding: 0.5em 1em 2em; }
footer { color: #666666; font-size: 0.85em; padding: 1em; text-align: center; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #cccccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0eef5; }
table.facts th { background: #f7f6fa; font-weight: normal; }
code { font-size: 0.85em; word-break: break-all; unicode-bidi: isolate; }
.status { display: inline-block; padding: 0 0.4em; border-radius: 0.2em; font-weight: bold; }
.status-unmet { background: #c0262d; color: #ffffff; }
.status-met { background: #1b7f3b; color: #ffffff; }
.status-not-triggered { background: #f2c14e; color: #1a1a1a; }
.status-none { background: #bdbdbd; color: #1a1a1a; }
.contested { color: #5b2a86; font-weight: bold; }
.date { white-space: nowrap; }
.mark { font-family: monospace; font-weight: bold; }
.mark-holds { color: #1b7f3b; } .mark-fails { color: #c0262d; }
.steps li { margin-bottom: 0.6em; }
.sources { font-size: 0.9em; margin: 0.2em 0 0 0; }
.counts td:last-child { text-align: right; }
.figure svg { max-width: 100%; height: auto; }
.unavailable, .viewpoint { color: #666666; font-style: italic; }
dl.term dt { font-weight: bold; } dl.term dd { margin: 0 0 0.4em 1.5em; }
section.term { border-top: 1px solid #dddddd; }
"""
