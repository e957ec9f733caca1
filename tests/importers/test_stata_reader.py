"""The .dta reader on files the fixture writer makes (format 118), and its errors."""

from __future__ import annotations

import pytest

from cstograph.reading.importers.stata import StataError, read_dta
from fixture_files import write_dta


def test_reads_every_numeric_type_strings_and_missing_values(tmp_path):
    columns = [("b", "byte"), ("i", "int"), ("l", "long"), ("f", "float"), ("d", "double"), ("s", "str12")]
    rows = [
        {"b": -5, "i": 30000, "l": -2_000_000_000, "f": 0.5, "d": 1e300, "s": "Crimean"},
        {"b": None, "i": None, "l": None, "f": None, "d": None, "s": ""},
        {"b": 100, "i": 32740, "l": 2147483620, "f": 1.5, "d": -2.25, "s": "a-much-longer-name"},
    ]
    table = read_dta(write_dta(tmp_path / "t.dta", columns, rows))
    assert table.release == 118
    assert table.variables == ("b", "i", "l", "f", "d", "s")
    assert table.rows[0] == {"b": -5, "i": 30000, "l": -2_000_000_000, "f": 0.5, "d": 1e300, "s": "Crimean"}
    assert table.rows[1] == {"b": None, "i": None, "l": None, "f": None, "d": None, "s": ""}
    # the largest valid values are not missing; strings are cut to the declared width
    assert table.rows[2] == {"b": 100, "i": 32740, "l": 2147483620, "f": 1.5, "d": -2.25, "s": "a-much-longe"}


def test_not_a_stata_file_names_the_file(tmp_path):
    path = tmp_path / "notes.dta"
    path.write_text("hello")
    with pytest.raises(StataError, match="notes.dta: not a Stata 13\\+ .dta file"):
        read_dta(path)


def test_old_format_gets_a_hint(tmp_path):
    path = tmp_path / "old.dta"
    path.write_bytes(bytes([113, 2, 1, 0]) + b"\0" * 100)
    with pytest.raises(StataError) as caught:
        read_dta(path)
    assert "older Stata format (113)" in caught.value.hint


def test_truncated_file(tmp_path):
    full = write_dta(tmp_path / "t.dta", [("x", "double")], [{"x": float(i)} for i in range(50)]).read_bytes()
    cut = tmp_path / "cut.dta"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(StataError, match="cut.dta: file is truncated"):
        read_dta(cut)


def test_missing_file(tmp_path):
    with pytest.raises(StataError, match="cannot read"):
        read_dta(tmp_path / "absent.dta")


@pytest.mark.parametrize("release", [117, 118, 119])
def test_reads_long_strings_stored_as_strl_in_every_supported_release(tmp_path, release):
    columns = [("id", "int"), ("note", "strL"), ("x", "double")]
    rows = [{"id": 1, "note": "Azeri-Armenian war " * 20, "x": 0.25}, {"id": 2, "note": "short", "x": None}]
    table = read_dta(write_dta(tmp_path / "strl.dta", columns, rows, release=release))
    assert table.release == release
    assert table.rows == [{"id": 1, "note": "Azeri-Armenian war " * 20, "x": 0.25}, {"id": 2, "note": "short", "x": None}]
