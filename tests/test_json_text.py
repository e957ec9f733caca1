"""The report's JSON writer gives exactly the text of ``json.dumps(..., indent=2, ensure_ascii=False)``."""

from __future__ import annotations

import json

from rdflib import URIRef

from cstograph.engines.data import open_data
from cstograph.output.render import json_indented, render_verdicts
from cstograph.reading.synth import synthesize
from cstograph.rules.verdicts import verdicts


def reference(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def test_every_kind_of_value_as_the_standard_library_writes_it():
    values = [
        [], {}, [[]], [{}], {"a": {}}, {"a": []}, "", None, True, False, 0, -12, 2**70, 1.5, float("inf"),
        "quote \" backslash \\ newline \n tab \t nul \x00 é 漢 \u2028 emoji 😀",
        {"n\u00e9": [1, "x", None, {"deep": [True, False, {"k": (1, 2)}]}], "b": ()},
        {3: "int key", 2.5: "float key", True: "bool key", None: "null key"},
        [URIRef("http://example.org/a"), {"iri": URIRef("http://example.org/b")}],
        [{"same": 1, "keys": 2}, {"same": 3, "keys": 4}, {"keys": 5, "same": 6}],
    ]
    for value in values:
        assert json_indented(value) == reference(value), value


def test_the_report_as_the_standard_library_writes_it(tmp_path):
    path = tmp_path / "synth.ttl"
    path.write_text(synthesize(60, seed=5).turtle)
    found = verdicts(open_data([path]))
    assert found and any(v.responses for v in found) and any(v.sources for v in found)
    from cstograph.output.render import verdict_to_dict

    assert render_verdicts(found, "json") == reference([verdict_to_dict(v) for v in found]) + "\n"
