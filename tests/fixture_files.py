"""Writers for the small fixture files the importer tests use (made here, never copied).

``write_dta`` writes a Stata 118 (Stata 14+) file following Stata's published dta format
description; ``write_atop`` writes ATOP-shaped CSV files with only the columns the importer reads
(plus an unused one, as the real files have many).
"""

from __future__ import annotations

import csv
import struct
from pathlib import Path

from cstograph.reading.importers.atop import ALLIANCE_COLUMNS, MEMBER_COLUMNS

# Stata 118 type codes and the value written for a missing observation ('.')
DTA_TYPES = {"byte": 65530, "int": 65529, "long": 65528, "float": 65527, "double": 65526}
_PACK = {"byte": "b", "int": "h", "long": "l", "float": "f", "double": "d"}
_MISSING = {"byte": 101, "int": 32741, "long": 2147483621, "float": 2.0 ** 127, "double": 2.0 ** 1023}


def write_dta(path: Path, columns: list[tuple[str, str]], rows: list[dict], release: int = 118) -> Path:
    """columns: (name, type) with type byte|int|long|float|double|strN|strL; rows: dicts, None = missing.

    ``release`` 117 (Stata 13), 118 (14-18) or 119 (15+, many variables) changes the field widths.
    """
    k, n = len(columns), len(rows)
    name_len, label_len = (33, 81) if release == 117 else (129, 321)
    out = bytearray()
    out += b"<stata_dta><header><release>%d</release><byteorder>LSF</byteorder>" % release
    out += b"<K>" + struct.pack("<I" if release == 119 else "<H", k) + b"</K>"
    out += b"<N>" + struct.pack("<I" if release == 117 else "<Q", n) + b"</N>"
    out += b"<label>" + (b"\0" if release == 117 else struct.pack("<H", 0)) + b"</label>"
    stamp = b"26 Nov 2026 12:00"
    out += b"<timestamp>" + struct.pack("B", len(stamp)) + stamp + b"</timestamp></header>"
    map_at = len(out)
    out += b"<map>" + b"\0" * (14 * 8) + b"</map>"
    offsets = [0, map_at]

    def section(tag: bytes, body: bytes) -> None:
        offsets.append(len(out))
        out.extend(b"<" + tag + b">" + body + b"</" + tag + b">")

    codes = []
    for _, kind in columns:
        if kind == "strL":
            codes.append(32768)
        else:
            codes.append(int(kind[3:]) if kind.startswith("str") else DTA_TYPES[kind])
    section(b"variable_types", b"".join(struct.pack("<H", c) for c in codes))
    section(b"varnames", b"".join(name.encode().ljust(name_len, b"\0") for name, _ in columns))
    section(b"sortlist", b"\0" * ((4 if release == 119 else 2) * (k + 1)))
    section(b"formats", b"".join(b"%9.0g".ljust(49 if release == 117 else 57, b"\0") for _ in columns))
    section(b"value_label_names", b"\0" * (name_len * k))
    section(b"variable_labels", b"".join(name.encode().ljust(label_len, b"\0") for name, _ in columns))
    section(b"characteristics", b"")
    body = bytearray()
    strls = bytearray()
    for number, row in enumerate(rows, start=1):
        for variable, ((name, kind), code) in enumerate(zip(columns, codes), start=1):
            value = row.get(name)
            if kind == "strL":
                data = (value or "").encode() + b"\0"
                if release == 117:
                    body += struct.pack("<II", variable, number)
                    strls += b"GSO" + struct.pack("<IIBI", variable, number, 130, len(data)) + data
                else:
                    split = 2 if release == 118 else 3
                    body += variable.to_bytes(split, "little") + number.to_bytes(8 - split, "little")
                    strls += b"GSO" + struct.pack("<IQBI", variable, number, 130, len(data)) + data
            elif kind.startswith("str"):
                body += (value or "").encode().ljust(code, b"\0")[:code]
            else:
                body += struct.pack("<" + _PACK[kind], _MISSING[kind] if value is None else value)
    section(b"data", bytes(body))
    section(b"strls", bytes(strls))
    section(b"value_labels", b"")
    offsets.append(len(out))
    out += b"</stata_dta>"
    offsets.append(len(out))
    out[map_at + 5 : map_at + 5 + 14 * 8] = struct.pack("<14Q", *offsets)
    Path(path).write_bytes(bytes(out))
    return Path(path)


BF_COLUMNS = [
    ("sample", "float"), ("warid", "byte"), ("atopid", "float"), ("cowwarid", "double"), ("warname", "str40"),
    ("cowid", "double"), ("multilateral", "byte"), ("sabhon", "double"), ("sabvio", "double"),
    ("dnaBF", "double"), ("honorBF", "double"), ("violateBF", "double"),
    ("dnaLLM", "double"), ("honorLLM", "double"), ("violateLLM", "double"),
    ("sabroskyhonorbf", "float"), ("sabroskyhonorllm", "float"),
    ("defense", "float"), ("offense", "float"), ("neutral", "float"), ("nonagg", "float"), ("consul", "float"),
]


def bf_row(warid, warname, atopid, *, sample, multilateral, llm, bf, lenient_llm=None, lenient_bf=None,
           types=("defense",), cowwarid=None):
    """One observation; llm/bf are 'dna', 'honor' or 'violate'; lenient_* = 1 sets sabroskyhonor*."""
    row = {"sample": float(sample), "warid": warid, "atopid": float(atopid), "cowwarid": cowwarid,
           "warname": warname, "multilateral": multilateral}
    for suffix, code in (("LLM", llm), ("BF", bf)):
        for verdict in ("dna", "honor", "violate"):
            row[verdict + suffix] = 1.0 if code == verdict else None
    row["sabroskyhonorllm"] = lenient_llm
    row["sabroskyhonorbf"] = lenient_bf
    for flag in ("defense", "offense", "neutral", "nonagg", "consul"):
        row[flag] = 1.0 if flag in types else 0.0
    return row


def write_atop(folder: Path, alliances: list[dict], members: list[dict]) -> tuple[Path, Path]:
    """ATOP-shaped CSVs; missing columns are written as 0."""
    alliance_path, member_path = folder / "alliances.csv", folder / "members.csv"
    for path, columns, rows in ((alliance_path, ALLIANCE_COLUMNS, alliances), (member_path, MEMBER_COLUMNS, members)):
        header = list(columns) + ["version"]
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, 0) for c in columns} | {"version": "4.01"})
    return alliance_path, member_path


def member(atopid, code, start, end=None, phase=0, **flags):
    """A member row: start/end as (y, m, d); flags like defense=1, defcoadv=1."""
    row = {"atopid": atopid, "member": code, "yrent": start[0], "moent": start[1], "dayent": start[2], "phase": phase}
    if end:
        row |= {"yrexit": end[0], "moexit": end[1], "dayexit": end[2]}
    return row | flags


# A small reliability fixture: six alliance-war observations (the counts the report tests expect
# are worked out by hand from these rows).
BF_FIXTURE_ROWS = [
    # warid, name, atopid, sample, multilateral, LLM, BF, lenient LLM, lenient BF, types
    (1, "Crimean1853-1856", 1020, 1, 1, "violate", "honor", 1.0, 1.0, ("defense",)),
    (1, "Crimean1853-1856", 1030, 1, 0, "honor", "honor", 1.0, 1.0, ("defense", "consul")),
    (2, "SevenWeeks1866", 1040, 1, 0, "dna", "dna", None, None, ("neutral",)),
    (3, "Korean_1950-53", 3180, 0, 1, "violate", "violate", None, None, ("defense", "consul")),
    (3, "Korean_1950-53", 3190, 0, 1, "dna", "violate", 1.0, None, ("nonagg",)),
    (4, "Kargil1999", 4000, 0, 0, "violate", "dna", None, None, ("offense",)),
]


def write_reliability_fixture(folder: Path) -> Path:
    """The fixture rows as a .dta file, imported to Turtle by the real importer; returns the .ttl."""
    from cstograph.reading.importers.reliability import import_reliability

    rows = [bf_row(w, n, a, sample=s, multilateral=m, llm=llm, bf=bf, lenient_llm=ll, lenient_bf=lb, types=t)
            for w, n, a, s, m, llm, bf, ll, lb, t in BF_FIXTURE_ROWS]
    dta = write_dta(folder / "bf.dta", BF_COLUMNS, rows)
    path = folder / "bf.ttl"
    path.write_text(import_reliability(dta).text, encoding="utf-8")
    return path
