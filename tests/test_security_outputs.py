"""A label can hold anything; the outputs carry it as text and nothing more: no terminal
control sequence, no bidirectional override, no XML-breaking character, no Markdown link."""

from __future__ import annotations

import xml.dom.minidom

import pytest
from typer.testing import CliRunner

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
def test_report_text_outputs_hold_no_control_characters(hostile_data, fmt):
    result = CliRunner().invoke(app, ["report", "--all", "-f", fmt, "--force", str(hostile_data)])
    assert result.exit_code == 0, result.output
    assert "\\x1b" in result.stdout and "pwned" in result.stdout  # the data is shown, made visible
    for char in RAW_CONTROLS:
        assert char not in result.stdout, repr(char)
    if fmt == "markdown":
        assert "[x](javascript" not in result.stdout and "[x\\](javascript" in result.stdout


def test_query_tables_hold_no_control_characters(hostile_data):
    result = CliRunner().invoke(app, ["query", "members-on-date", "--param", "onDate=2022-09-13", "-f", "table",
                                      "--force", str(hostile_data)])
    assert result.exit_code == 0, result.output
    for char in RAW_CONTROLS:
        assert char not in result.stdout, repr(char)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".svg"])
def test_xml_pictures_stay_well_formed(hostile_data, tmp_path, suffix):
    out = tmp_path / f"figure{suffix}"
    args = ["viz", str(hostile_data), "--view", "full", "-o", str(out), "--force"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob(f"figure*{suffix}"))  # with Graphviz, SVG figures may be split in pages
    assert written, result.output
    for path in written:
        xml.dom.minidom.parse(str(path))  # raises on NUL, ESC, VT or FF


def test_explain_text_holds_no_control_characters(hostile_data):
    result = CliRunner().invoke(app, ["explain", "http://example.org/mini/r1", "--force", str(hostile_data)])
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
