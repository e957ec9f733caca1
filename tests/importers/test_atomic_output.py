"""Output files are written atomically: a failure leaves no partial file and keeps the old one."""

from __future__ import annotations

import pytest

from cstograph.base.write import write_atomic as write_atomically
from cstograph.errors import OutputError
from cstograph.reading.importers.turtle import TurtleWriter, iri, string


def test_a_failed_write_keeps_the_existing_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old\n")
    with pytest.raises(OutputError, match="surrogates not allowed"):
        write_atomically(target, "new text with a lone surrogate \ud800")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_replaces_the_file_when_it_succeeds(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old\n")
    write_atomically(target, "new\n")
    assert target.read_text() == "new\n"


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_atomically(tmp_path / "no" / "graph.ttl", "x")


def test_writer_escapes_literals_and_iris():
    import rdflib

    writer = TurtleWriter()
    subject = iri("https://w3id.org/cstograph/data/x")
    writer.add(subject, "rdfs:label", string('a "quoted"\nname \\ here'))
    writer.add(subject, "rdfs:seeAlso", iri("http://example.org/a b".replace(" ", "%20")))
    graph = rdflib.Graph().parse(data=writer.text("header"), format="turtle")
    assert str(next(graph.objects(None, rdflib.RDFS.label))) == 'a "quoted"\nname \\ here'
    with pytest.raises(ValueError):
        iri("http://example.org/a b")
