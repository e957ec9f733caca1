"""A small reader for Stata ``.dta`` files of format 117, 118 and 119 (Stata 13 and later).

It reads what the replication files hold: numeric variables (byte, int, long, float, double),
fixed-length strings and strLs. Missing values (``.``, ``.a`` ... ``.z``) become ``None``. It
exists so that importing a 70 KB file does not need pandas and numpy (about 100 MB); see
docs/import.md for the measurement behind that choice.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from cstograph.errors import StataError

# numeric type codes of formats 117-119 -> (struct code, size, smallest missing value):
# '.' is the first value past the largest valid one, '.a' ... '.z' follow it
_NUMERIC = {
    65530: ("b", 1, 101),
    65529: ("h", 2, 32741),
    65528: ("l", 4, 2147483621),
    65527: ("f", 4, 2.0**127),
    65526: ("d", 8, 2.0**1023),
}
_STRL = 32768
_SUPPORTED = {117, 118, 119}


@dataclass(frozen=True)
class StataTable:
    """The variables of a .dta file and its rows (one dict per observation)."""

    release: int
    variables: tuple[str, ...]
    labels: dict[str, str]
    rows: list[dict[str, object]]


class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def expect(self, tag: bytes) -> None:
        if self.data[self.pos : self.pos + len(tag)] != tag:
            raise StataError(f"{self.path}: not a Stata 13+ .dta file (expected {tag.decode()} at byte {self.pos})")
        self.pos += len(tag)

    def take(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise StataError(f"{self.path}: file is truncated (needs {size} bytes at byte {self.pos})")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def until(self, tag: bytes) -> bytes:
        end = self.data.find(tag, self.pos)
        if end < 0:
            raise StataError(f"{self.path}: file is truncated (no {tag.decode()})")
        chunk = self.data[self.pos : end]
        self.pos = end + len(tag)
        return chunk


def _cstring(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")


def read_dta(path: Path) -> StataTable:
    """Read a whole .dta file (formats 117-119)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not data.startswith(b"<stata_dta>"):
        release = data[0] if data else None
        hint = (
            f"this looks like an older Stata format ({release}); open it in Stata and save it with 'saveold, version(13)' or later"
            if release in range(102, 116)
            else "the file should be a Stata .dta file (format 117, 118 or 119)"
        )
        raise StataError(f"{path}: not a Stata 13+ .dta file", hint=hint)
    cur = _Cursor(data, Path(path))
    cur.expect(b"<stata_dta><header><release>")
    try:
        release = int(cur.until(b"</release>"))
    except ValueError:
        raise StataError(f"{path}: unreadable release number") from None
    if release not in _SUPPORTED:
        raise StataError(f"{path}: Stata format {release} is not supported (117, 118 and 119 are)")
    cur.expect(b"<byteorder>")
    order = cur.until(b"</byteorder>")
    if order not in (b"LSF", b"MSF"):
        raise StataError(f"{path}: unknown byte order {order!r}")
    bo = "<" if order == b"LSF" else ">"
    cur.expect(b"<K>")
    (nvar,) = struct.unpack(bo + ("I" if release == 119 else "H"), cur.take(4 if release == 119 else 2))
    cur.expect(b"</K><N>")
    (nobs,) = struct.unpack(bo + ("I" if release == 117 else "Q"), cur.take(4 if release == 117 else 8))
    cur.expect(b"</N><label>")
    (label_len,) = struct.unpack(bo + ("B" if release == 117 else "H"), cur.take(1 if release == 117 else 2))
    cur.take(label_len)
    cur.expect(b"</label><timestamp>")
    (stamp_len,) = struct.unpack("B", cur.take(1))
    cur.take(stamp_len)
    cur.expect(b"</timestamp></header><map>")
    offsets = struct.unpack(bo + "14Q", cur.take(14 * 8))
    name_len = 33 if release == 117 else 129
    label_field = 81 if release == 117 else 321

    cur.pos = offsets[2]
    cur.expect(b"<variable_types>")
    types = struct.unpack(bo + f"{nvar}H", cur.take(2 * nvar))
    cur.pos = offsets[3]
    cur.expect(b"<varnames>")
    names = tuple(_cstring(cur.take(name_len)) for _ in range(nvar))
    cur.pos = offsets[7]
    cur.expect(b"<variable_labels>")
    labels = {name: _cstring(cur.take(label_field)) for name in names}

    columns = []  # (name, kind, struct format or size, missing limit)
    fmt = bo
    for name, code in zip(names, types):
        if code in _NUMERIC:
            char, _, limit = _NUMERIC[code]
            columns.append((name, "num", limit))
            fmt += char
        elif code == _STRL:
            columns.append((name, "strl", None))
            fmt += "8s"
        elif 1 <= code <= 2045:
            columns.append((name, "str", None))
            fmt += f"{code}s"
        else:
            raise StataError(f"{path}: variable {name!r} has an unknown type code {code}")
    if not columns:
        raise StataError(f"{path}: the file has no variables")
    row_struct = struct.Struct(fmt)
    cur.pos = offsets[9]
    cur.expect(b"<data>")
    block = cur.take(row_struct.size * nobs)

    strls: dict[tuple[int, int], str] = {}
    if any(kind == "strl" for _, kind, _ in columns):
        strls = _read_strls(data, offsets[10], bo, release, Path(path))

    rows: list[dict[str, object]] = []
    for number, values in enumerate(row_struct.iter_unpack(block), start=1):
        row: dict[str, object] = {}
        for (name, kind, limit), value in zip(columns, values):
            if kind == "num":
                if value != value:  # Stata writes its missing values, never a NaN: the file is damaged
                    raise StataError(f"{path}: row {number}, variable {name!r} holds NaN, which Stata never writes "
                                     "(the file is damaged)")
                row[name] = None if value >= limit else value
            elif kind == "str":
                row[name] = _cstring(value)
            else:
                row[name] = strls.get(_strl_key(value, bo, release), "")
        rows.append(row)
    return StataTable(release, names, labels, rows)


def _strl_key(raw: bytes, bo: str, release: int) -> tuple[int, int]:
    """The (variable, observation) pair a strL cell points to.

    117 stores v and o in 4 bytes each; 118 packs v into 2 bytes and o into 6, 119 v into 3
    and o into 5 (in the file's byte order, v first).
    """
    if release == 117:
        v, o = struct.unpack(bo + "II", raw)
        return (v, o)
    split = 2 if release == 118 else 3
    order = "little" if bo == "<" else "big"
    return (int.from_bytes(raw[:split], order), int.from_bytes(raw[split:], order))


def _read_strls(data: bytes, offset: int, bo: str, release: int, path: Path) -> dict[tuple[int, int], str]:
    cur = _Cursor(data, path)
    cur.pos = offset
    cur.expect(b"<strls>")
    found: dict[tuple[int, int], str] = {}
    while data.startswith(b"GSO", cur.pos):
        cur.take(3)
        if release == 117:
            v, o = struct.unpack(bo + "II", cur.take(8))
        else:
            v, o = struct.unpack(bo + "IQ", cur.take(12))
        (kind,) = struct.unpack("B", cur.take(1))
        (length,) = struct.unpack(bo + "I", cur.take(4))
        raw = cur.take(length)
        found[(v, o)] = (raw[:-1] if kind == 130 and raw.endswith(b"\0") else raw).decode("utf-8", errors="replace")
    cur.expect(b"</strls>")
    return found
