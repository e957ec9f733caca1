"""The site is the same bytes for the same data: rows the queries' sort keys leave tied come
in a fixed order. Oxigraph returns tied rows in an order that changes from process to process
(the selectivity page of a 3,300-request graph differed between two builds of the same file),
so every sort ends on an IRI."""

from __future__ import annotations

from cgtest import CASES
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.allies import selectivity
from helpers import open_engine

ALLIES = CASES / "allies" / "allies.ttl"
TIED = 12  # requests of one requester to one alliance on one day: the sort keys of the page tie


def test_tied_selectivity_rows_come_in_request_order(tmp_path):
    extra = "".join(
        f"ex:tied{n} a cg:AssistanceRequest ; cg:requester ex:C ; cg:addressee ex:L ; cg:invokes ex:defence ; "
        f'cg:concerns ex:e3 ; cg:date "2003-01-02"^^xsd:date ; dcterms:source ex:src .\n'
        for n in range(TIED))
    data = tmp_path / "tied.ttl"
    data.write_text(ALLIES.read_text(encoding="utf-8") + extra, encoding="utf-8")
    cases = selectivity(open_engine(load_dataset([data]), "oxigraph"))
    tied = [c.request for c in cases if (c.guarantor, c.case, c.request_date) == ("League", "triggered, left unmet", "2003-01-02")]
    assert len(tied) == TIED + 1  # ex:r3 of the fixture and the tied requests
    assert tied == sorted(tied)
