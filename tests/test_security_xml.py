"""Entity bombs wherever they are in an XML input, and the 16 MiB bound on one term, on both
engines, run as real processes under a memory cap (RLIMIT_AS)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from cgtest import ENGINES
from cstograph.errors import GraphLoadError
from cstograph.reading.rdf_files import MAX_TERM_BYTES, refuse_xml_entities

CAP = 3 * 1024 ** 3  # address space of each run: a bomb that expands gets stopped, not the machine
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# the rdflib-engine runs are slow (README); the full suite runs them, the quick subset the oxigraph case


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def cstograph_capped(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_cap)


def billion_laughs(depth: int, padding: int = 70 * 1024) -> str:
    """Entities nested ``depth`` deep, ten of each inside the next, declared behind a comment of
    ``padding`` bytes (beyond the 64 KB the old check read)."""
    lines = ['<?xml version="1.0"?>', "<!-- " + "x" * padding + " -->", "<!DOCTYPE rdf:RDF [",
             '<!ENTITY e0 "laugh">']
    for level in range(1, depth + 1):
        lines.append(f'<!ENTITY e{level} "' + f"&e{level - 1};" * 10 + '">')
    lines += ["]>", f'<rdf:RDF xmlns:rdf="{RDF}">',
              f'<rdf:Description rdf:about="urn:a"><rdf:value>&e{depth};</rdf:value></rdf:Description>',
              "</rdf:RDF>"]
    return "\n".join(lines)


def assert_refused(done: subprocess.CompletedProcess, name: str, words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("Error: ") and name in first and words in first, done.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_a_billion_laughs_behind_a_70_kb_comment_is_refused(tmp_path, engine):
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(billion_laughs(9))
    done = cstograph_capped("validate", "--engine", engine, str(bomb))
    assert_refused(done, "bomb.rdf", "declares an XML entity")


def test_entities_are_found_anywhere_in_bounded_memory(tmp_path):
    """After many megabytes, across a chunk boundary, in lower case, in UTF-16, and a DOCTYPE
    internal subset with no entity; a DOCTYPE without a subset passes."""
    from cstograph.reading import rdf_files

    cases = {
        "far.rdf": ("<?xml version='1.0'?><!-- " + "y" * (5 * 1024 * 1024) + " --><!DOCTYPE r [<!ENTITY a 'b'>]><r/>").encode(),
        "lower.rdf": b"<?xml version='1.0'?><!doctype r [<!entity a 'b'>]><r/>",
        "utf16.rdf": "\ufeff<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE r [<!ENTITY a 'b'>]><r/>".encode("utf-16-le"),
        "subset.rdf": b"<?xml version='1.0'?><!DOCTYPE r [ <!ATTLIST r a CDATA 'x'> ]><r/>",
    }
    boundary = b"<?xml version='1.0'?><!-- " + b"z" * (rdf_files.XML_CHUNK - 30) + b" --><!ENTITY a 'b'><r/>"
    for offset in range(0, 12, 3):  # the marker straddles the first chunk's end at some offset
        cases[f"boundary{offset}.rdf"] = b" " * offset + boundary
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(GraphLoadError, match="declares an XML entity"):
            refuse_xml_entities(path)
    plain = tmp_path / "plain.rdf"
    plain.write_bytes(b"<?xml version='1.0'?><!DOCTYPE rdf:RDF><rdf:RDF xmlns:rdf='" + RDF.encode() + b"'/>")
    refuse_xml_entities(plain)


def _long_literal_file(folder: Path, suffix: str) -> Path:
    big = "x" * (MAX_TERM_BYTES + 1024)
    path = folder / f"long{suffix}"
    if suffix == ".rdf":
        path.write_text(f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="{RDF}"><rdf:Description rdf:about="urn:a">'
                        f"<rdf:value>{big}</rdf:value></rdf:Description></rdf:RDF>")
    else:
        path.write_text(f'<urn:a> <urn:p> "{big}" .\n')
    return path


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("suffix", [".rdf", ".nt"])
def test_a_term_over_16_mib_is_refused_on_every_engine(tmp_path, engine, suffix):
    path = _long_literal_file(tmp_path, suffix)
    done = cstograph_capped("validate", "--engine", engine, str(path))
    assert_refused(done, path.name, "16 MiB")
