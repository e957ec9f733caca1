"""Small holes found by an adversarial pass: each test reproduces one."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cstograph
from cgtest import ENGINES
from cstograph.errors import CstographError

# the rdflib-engine runs are slow (README); the full suite runs them, the quick subset the oxigraph case


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


@pytest.mark.parametrize("args", [["report", ""], ["validate", ""], ["export", "-o", ""], ["query", "members", ""]])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path, args):
    """`report ""` used to read every RDF file under the current folder (here one that is not
    valid RDF, so reading it would fail differently)."""
    (tmp_path / "stray.ttl").write_text("this is not turtle")
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith('Error: an empty argument ("") is refused'), done.stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_path_is_refused_by_the_api(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stray.ttl").write_text("<urn:a> <urn:b> <urn:c> .")
    for call in (lambda: cstograph.open(""), lambda: cstograph.open([""]), lambda: cstograph.open(store="")):
        with pytest.raises(CstographError, match="empty path"):
            call()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("document", [
    '{"@context": {"a": "urn:a#"}, "@context": {"b": "urn:b#"}, "@id": "urn:x", "b:p": 1}',
    '{"@id": "urn:x", "@id": "urn:y", "urn:p": 1}',
    '{"@id": "urn:x", "urn:p": 1, "urn:p": 2}',
])
def test_a_repeated_json_ld_key_is_refused_alike_on_both_engines(tmp_path, engine, document):
    """Oxigraph refused a repeated @context (after the pre-check let it through) and kept both
    values of a repeated property, where rdflib keeps the last: the pre-check refuses them all."""
    path = tmp_path / "twice.jsonld"
    path.write_text(document)
    done = cli("validate", "--engine", engine, str(path))
    assert done.returncode == 2 and "appears twice in one JSON object" in done.stderr, done.stderr
