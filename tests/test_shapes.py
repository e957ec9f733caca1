"""SHACL shapes: each invalid case yields exactly the (focus, path) violations its '#! violation'
lines name; valid cases conform; warnings never make data non-conforming."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgtest import CASES, expectations
from cstograph.reading.rdf_files import load_dataset, load_shapes
from cstograph.rules.validate import validate_dataset

SHAPE_CASES = sorted((CASES / "shapes").glob("*.ttl"))


@pytest.mark.parametrize("case", SHAPE_CASES, ids=lambda p: p.stem)
def test_shape_case(case: Path):
    report = validate_dataset(load_dataset([case]))
    violations = {(i.focus, i.path) for i in report.violations}
    warnings = {(i.focus, i.path) for i in report.issues if i.severity == "Warning"}
    assert violations == set(expectations(case, "violation"))
    assert set(expectations(case, "warning")) <= warnings
    assert report.conforms == case.name.startswith("valid-")


def test_every_shape_has_its_own_message():
    from rdflib import Graph, Namespace
    from rdflib.namespace import RDF

    from cstograph.reading.resources import shapes_path

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(shapes_path())
    property_shapes = set(shapes.objects(None, sh.property))
    assert property_shapes
    missing = [s for s in property_shapes if shapes.value(s, sh.message) is None]
    assert not missing
    messages = [str(shapes.value(s, sh.message)) for s in property_shapes]
    assert len(messages) == len(set(messages)), "two property shapes share a message"
    for node_shape in shapes.subjects(RDF.type, sh.NodeShape):
        assert str(node_shape).endswith("Shape")


def test_bundled_graphs_conform_without_warnings():
    from cstograph.rules.validate import validate_views

    report = validate_views(load_dataset())
    assert report.conforms, report.violations
    assert [i for i in report.issues if i.severity == "Warning"] == []


def test_conformance_validate_cases(conformance):
    import json

    expected = json.loads((conformance / "validate" / "expected.json").read_text())
    for name, want in expected.items():
        if want["exit"] == 2:
            continue
        report = validate_dataset(load_dataset([conformance / "validate" / name]))
        assert report.conforms == (want["exit"] == 0), name
        if "focus" in want:
            assert want["focus"] in {i.focus for i in report.violations}, name


def test_every_property_shape_is_named_and_results_name_their_shape():
    """A validation result names the shape that failed (cgsh:Membership-source, ...): no
    property shape is a blank node, on either validator."""
    from rdflib import BNode
    from rdflib.namespace import SH

    import cstograph

    shapes = load_shapes()
    anonymous = [o for o in shapes.objects(None, SH.property) if isinstance(o, BNode)]
    assert not anonymous
    invalid = CASES / "shapes" / "invalid-missing-and-extra.ttl"
    for validator in ("sparql", "pyshacl"):
        report = cstograph.open([invalid]).validate(validator)
        assert report.violations and all(i.shape.startswith("https://w3id.org/cstograph/shapes#")
                                          for i in report.violations), validator
