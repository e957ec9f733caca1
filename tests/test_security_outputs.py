"""A label can hold anything; the outputs carry it as text and nothing more: no terminal
control sequence, no bidirectional override, no XML-breaking character, no Markdown link."""

from __future__ import annotations

import xml.dom.minidom

import pytest

from cgtest import FIXTURES
from cstograph.cli import app

HOSTILE = ("Alpha\\u001B]0;pwned\\u0007\\u001B[2J\\u001B]8;;http://evil.example\\u001B\\\\"
           "\\u001B]52;c;ZXZpbA==\\u0007\\u202E[x](javascript:alert(1))\\u000B\\u000C\\u0000")
RAW_CONTROLS = ["\x1b", "\x07", "\u202e", "\x0b", "\x0c", "\x00"]


@pytest.fixture
def hostile_data(tmp_path):
    text = (FIXTURES / "mini.trig").read_text(encoding="utf-8")
    assert 'rdfs:label "Alpha"@en' in text
    path = tmp_path / "hostile.trig"
    path.write_text(text.replace('rdfs:label "Alpha"@en', f'rdfs:label "{HOSTILE}"@en'), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_report_text_outputs_hold_no_control_characters(runner, hostile_data, fmt):
    result = runner.invoke(app, ["report", "--all", "-f", fmt, "--force", str(hostile_data)])
    assert result.exit_code == 0, result.output
    assert "\\x1b" in result.stdout and "pwned" in result.stdout  # the data is shown, made visible
    for char in RAW_CONTROLS:
        assert char not in result.stdout, repr(char)
    if fmt == "markdown":
        assert "[x](javascript" not in result.stdout and "[x\\](javascript" in result.stdout


def test_query_tables_hold_no_control_characters(runner, hostile_data):
    result = runner.invoke(app, ["query", "members-on-date", "--param", "onDate=2022-09-13", "-f", "table",
                                      "--force", str(hostile_data)])
    assert result.exit_code == 0, result.output
    for char in RAW_CONTROLS:
        assert char not in result.stdout, repr(char)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".svg"])
def test_xml_pictures_stay_well_formed(runner, hostile_data, tmp_path, suffix):
    out = tmp_path / f"figure{suffix}"
    args = ["viz", str(hostile_data), "--view", "full", "-o", str(out), "--force"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob(f"figure*{suffix}"))  # with Graphviz, SVG figures may be split in pages
    assert written, result.output
    for path in written:
        xml.dom.minidom.parse(str(path))  # raises on NUL, ESC, VT or FF


def test_explain_text_holds_no_control_characters(runner, hostile_data):
    result = runner.invoke(app, ["explain", "http://example.org/mini/r1", "--force", str(hostile_data)])
    assert result.exit_code == 0, result.output
    assert "pwned" in result.stdout
    for char in RAW_CONTROLS:
        assert char not in result.stdout, repr(char)


@pytest.mark.parametrize("width", [5, 3000])  # a fixed-width string and a strL
def test_a_dta_string_is_not_cut_at_an_embedded_nul(width):
    from cstograph.output.stata import StataColumn, write_dta

    value = "before\x00after" + "x" * width
    data = write_dta([StataColumn("label", "string", "a label")], [{"label": value}])
    assert "before\ufffdafter".encode("utf-8") in data


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_site_pages_isolate_data_and_hold_no_bidi_or_control_characters(runner, hostile_data, tmp_path):
    """An unterminated U+202E in a label used to reverse the site's own sentence after it (the
    verdict's reason names the state): every page carries it as a visible escape, and every
    link text (the labels of requests, states, alliances) sits in its own <bdi>."""
    from site_support import site_pages

    folder = tmp_path / "site"
    result = runner.invoke(app, ["site", str(hostile_data), "-o", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    pages = site_pages(folder)
    assert pages
    seen_visible = False
    for path, parsed in pages.items():
        html = path.read_text(encoding="utf-8")
        for char in BIDI_CONTROLS + "\x1b\x07\x0b\x0c\x00":
            assert char not in html, (path.name, repr(char))
        seen_visible |= "\\u202e" in html and "pwned" in html
        tags = [tag for tag, _ in parsed.tags]
        for index, (tag, attrs) in enumerate(parsed.tags):
            if tag == "a" and "href" in attrs and not attrs["href"].startswith("#"):
                assert tags[index + 1] == "bdi", (path.name, attrs["href"])
    assert seen_visible
    request = next(p for p in pages if p.parent.name == "request" and p.stem.startswith("r1-"))
    text = " ".join(" ".join(pages[request].text).split())
    # the sentence the site writes around the label reads on after it, in order
    assert "\\u202e[x](javascript:alert(1))\\x0b\\x0c\\x00 was a member of Mini league" in text
