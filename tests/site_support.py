"""Reading a built site back: every page parsed into links, resources, comments and text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

LINK_ATTRIBUTES = {"href", "src", "xlink:href", "action", "data", "poster", "srcset", "formaction"}


@dataclass
class ParsedPage:
    path: Path
    tags: list = field(default_factory=list)  # (tag, {attr: value})
    comments: list = field(default_factory=list)
    text: list = field(default_factory=list)
    ids: set = field(default_factory=set)


class _Parser(HTMLParser):
    def __init__(self, parsed: ParsedPage) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = parsed

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        self.parsed.tags.append((tag, values))
        if "id" in values:
            self.parsed.ids.add(values["id"])

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.parsed.comments.append(data)

    def handle_data(self, data):
        self.parsed.text.append(data)


def parse_page(path: Path) -> ParsedPage:
    parsed = ParsedPage(path)
    _Parser(parsed).feed(path.read_text(encoding="utf-8"))
    return parsed


def site_pages(root: Path) -> dict[Path, ParsedPage]:
    return {path: parse_page(path) for path in sorted(root.rglob("*.html"))}


def links(page: ParsedPage):
    """(tag, attribute, value) of every attribute that names another resource."""
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in LINK_ATTRIBUTES:
                yield tag, name, value


def request_page_facts(path: Path) -> dict:
    """What a request page says: its IRI, verdict, and each contested account's status."""
    html = path.read_text(encoding="utf-8")
    iri = unescape(re.search(r"<p>IRI: <code>(.*?)</code></p>", html).group(1))
    status = re.search(r'<p>Verdict: <span class="status status-([a-z-]+)">', html).group(1)
    contested_part = html.split("<h2>Contested accounts</h2>", 1)[1].split("<h2>", 1)[0]
    contested = {unescape(account): state for account, state in re.findall(
        r'<code>(.*?)</code></td><td><span class="status status-([a-z-]+)">', contested_part)}
    return {"iri": iri, "status": status, "contested": contested}


def table_rows(path: Path) -> list[list[str]]:
    """The text of each body row of the page's first table (tags dropped, entities decoded)."""
    html = path.read_text(encoding="utf-8").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", html)]
