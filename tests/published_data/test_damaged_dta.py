"""The real Berkemeier-Fuhrmann .dta file with two bytes changed: a clean one-line error or a
graph, never an internal error (exit 4)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cstograph.errors import CstographError
from cstograph.reading.importers.reliability import import_reliability

BF = "alliance-reliability/BerkemeierFuhrmannRAP2018_0303.dta"


def _changed(shared_data, tmp_path, position: int, new: bytes):
    data = bytearray((shared_data / BF).read_bytes())
    data[position:position + len(new)] = new
    path = tmp_path / "BerkemeierFuhrmannRAP2018_0303.dta"
    path.write_bytes(bytes(data))
    return path


def _float_cell(shared_data, row: int, variable: str) -> int:
    """The byte offset of a float variable's cell in the data block (the file's own layout)."""
    from cstograph.reading.importers.stata import read_dta

    raw = (shared_data / BF).read_bytes()
    table = read_dta(shared_data / BF)
    sizes = {65530: 1, 65529: 2, 65528: 4, 65527: 4, 65526: 8}
    start = raw.index(b"<variable_types>") + len(b"<variable_types>")
    types = [int.from_bytes(raw[start + 2 * i:start + 2 * i + 2], "little") for i in range(len(table.variables))]
    widths = [sizes.get(code, 8 if code == 32768 else code) for code in types]
    offset = widths[:table.variables.index(variable)]
    assert types[table.variables.index(variable)] == 65527  # a float
    return raw.index(b"<data>") + len(b"<data>") + (row - 1) * sum(widths) + sum(offset)


def test_a_nan_written_over_an_atopid_is_a_clean_error(shared_data, tmp_path):
    """Two bytes make the float atopid of row 3 a NaN: int(NaN) raised ValueError (exit 4)."""
    position = _float_cell(shared_data, 3, "atopid") + 2  # the float's high bytes (the file is LSF)
    path = _changed(shared_data, tmp_path, position, b"\xc0\x7f")
    out = tmp_path / "out.ttl"
    done = subprocess.run([sys.executable, "-m", "cstograph", "import", "reliability", str(path), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stderr.startswith("Error: ") and "row 3" in done.stderr and "atopid" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


@pytest.mark.parametrize("change", [b"\xc0\x7f", b"\xff\xff"])
def test_two_bytes_changed_in_the_header_and_the_first_rows(shared_data, tmp_path, change):
    """Every second position of the header, map and variable types, every 7th of the first
    rows: a graph or a CstographError (one clean line on the command line)."""
    raw = (shared_data / BF).read_bytes()
    header_end = raw.index(b"</variable_types>") + 20
    data = raw.index(b"<data>")
    failures = []
    for position in [*range(0, header_end, 2), *range(data, data + 400, 7)]:
        path = _changed(shared_data, tmp_path, position, change)
        try:
            import_reliability(path)
        except CstographError:
            pass
        except Exception as exc:  # noqa: BLE001 - what the test looks for
            failures.append((position, type(exc).__name__, str(exc)[:80]))
    assert not failures, failures[:5]
