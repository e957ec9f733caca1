"""Write a Stata ``.dta`` file of format 118 (Stata 14 and later; pandas.read_stata reads it).

Only what the export needs: UTF-8 strings (fixed width up to 2045 bytes, strL beyond), long
integers, byte booleans and ``%td`` dates, with missing values as Stata's ``.``. Written by hand
like the reader beside the importers (``reading/importers/stata.py``): about 120 lines instead of
pandas and numpy as dependencies. Layout: Stata's "dta file format 118" documentation.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass

from cstograph.base.neutral import no_nul

_BYTE, _LONG, _STRL = 65530, 65528, 32768
_BYTE_MISSING, _LONG_MISSING = 101, 2147483621
_MAX_STR = 2045
_STATA_EPOCH = dt.date(1960, 1, 1)


@dataclass(frozen=True)
class StataColumn:
    """``kind``: 'string', 'integer', 'boolean' or 'date'; ``label``: the variable label (80 characters kept)."""

    name: str
    kind: str
    label: str = ""


def _fixed(text: str, size: int) -> bytes:
    raw = text.encode("utf-8")[: size - 1]
    while True:  # never cut a UTF-8 sequence in half
        try:
            raw.decode("utf-8")
            break
        except UnicodeDecodeError:
            raw = raw[:-1]
    return raw + b"\0" * (size - len(raw))


def _tag(name: str, body: bytes) -> bytes:
    return f"<{name}>".encode() + body + f"</{name}>".encode()


def write_dta(columns: list[StataColumn], rows: list[dict], label: str = "") -> bytes:
    """The bytes of a format-118 file holding ``rows`` (dicts keyed by column name; None is missing)."""
    rows = [{name: no_nul(value) for name, value in row.items()} for row in rows]  # NUL would end a string
    widths: dict[str, int] = {}
    for column in columns:
        if column.kind == "string":
            longest = max((len(str(r[column.name]).encode("utf-8")) for r in rows if r.get(column.name) is not None),
                          default=1)
            widths[column.name] = max(longest, 1)
    types, formats = [], []
    for column in columns:
        if column.kind == "string":
            width = widths[column.name]
            types.append(_STRL if width > _MAX_STR else width)
            formats.append("%9s" if width > _MAX_STR else f"%{min(width, 244)}s")
        elif column.kind == "boolean":
            types.append(_BYTE)
            formats.append("%8.0g")
        elif column.kind in ("integer", "date"):
            types.append(_LONG)
            formats.append("%td" if column.kind == "date" else "%12.0g")
        else:
            raise ValueError(f"no Stata type for {column.kind!r}")

    data, strls = bytearray(), bytearray()
    for obs, row in enumerate(rows, start=1):
        for var, (column, code) in enumerate(zip(columns, types), start=1):
            value = row.get(column.name)
            if code == _STRL:
                if value is None or value == "":
                    data += struct.pack("<Q", 0)  # (0,0): the empty string
                    continue
                data += struct.pack("<Q", var | (obs << 16))  # v in 2 bytes, o in 6 (format 118)
                text = str(value).encode("utf-8") + b"\0"
                strls += b"GSO" + struct.pack("<IQBI", var, obs, 130, len(text)) + text
            elif code == _BYTE:
                data += struct.pack("<b", _BYTE_MISSING if value is None else int(bool(value)))
            elif code == _LONG:
                if value is None:
                    data += struct.pack("<i", _LONG_MISSING)
                elif column.kind == "date":
                    data += struct.pack("<i", (dt.date.fromisoformat(str(value)) - _STATA_EPOCH).days)
                else:
                    data += struct.pack("<i", int(value))
            else:
                data += _fixed("" if value is None else str(value), code + 1)[:code]

    label_raw = _fixed(label, 321).rstrip(b"\0")
    header = _tag("header", _tag("release", b"118") + _tag("byteorder", b"LSF") + _tag("K", struct.pack("<H", len(columns)))
                  + _tag("N", struct.pack("<Q", len(rows))) + _tag("label", struct.pack("<H", len(label_raw)) + label_raw)
                  + _tag("timestamp", b"\0"))
    sections = [
        ("variable_types", b"".join(struct.pack("<H", code) for code in types)),
        ("varnames", b"".join(_fixed(c.name, 129) for c in columns)),
        ("sortlist", b"\0\0" * (len(columns) + 1)),
        ("formats", b"".join(_fixed(f, 57) for f in formats)),
        ("value_label_names", b"\0" * 129 * len(columns)),
        ("variable_labels", b"".join(_fixed(c.label[:80], 321) for c in columns)),
        ("characteristics", b""),
        ("data", bytes(data)),
        ("strls", bytes(strls)),
        ("value_labels", b""),
    ]
    opening = b"<stata_dta>" + header
    map_size = len(b"<map></map>") + 14 * 8
    offsets = [0, len(opening)]
    position = len(opening) + map_size
    body = bytearray()
    for name, content in sections:
        offsets.append(position)
        chunk = _tag(name, content)
        body += chunk
        position += len(chunk)
    offsets.append(position)  # </stata_dta>
    offsets.append(position + len(b"</stata_dta>"))  # end of file
    return opening + _tag("map", struct.pack("<14Q", *offsets)) + bytes(body) + b"</stata_dta>"
