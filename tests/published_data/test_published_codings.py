"""graphs/published-codings.ttl is the importer's output for the bundled alliances, read from
the published Berkemeier-Fuhrmann file beside the checkout."""

from __future__ import annotations

from pathlib import Path

import cstograph
from cstograph.reading.resources import graphs_dir

REPO = Path(__file__).resolve().parents[2]


def bundled_atop_ids() -> list[int]:
    """The ATOP ids of the bundled requests' treaties and of the alliances founded on them."""
    kg = cstograph.open()
    text = """PREFIX cg: <https://w3id.org/cstograph/ns#>
    SELECT DISTINCT ?id WHERE {
      ?r a cg:AssistanceRequest ; cg:invokes/cg:inTreaty ?t .
      { ?t cg:atopId ?id } UNION { ?a cg:foundedOn ?t ; cg:foundedOn?/cg:atopId ?id }
    }"""
    return sorted(int(r["id"].toPython()) for r in kg.query(text).records())


def test_published_codings_graph_is_the_importers_output_for_the_bundled_alliances(shared_data):
    """graphs/published-codings.ttl is exactly what the importer writes from the .dta for the ATOP
    ids of the bundled requests (the command is in the file's first line and in docs/import.md)."""
    bf_file = shared_data / "alliance-reliability" / "BerkemeierFuhrmannRAP2018_0303.dta"
    from cstograph.reading.importers.reliability import import_reliability

    ids = bundled_atop_ids()
    expected = import_reliability(bf_file, only_atop=ids).text
    bundled = graphs_dir() / "published-codings.ttl"
    command = f"cstograph import reliability {bf_file.name} --only-atop {','.join(map(str, ids))}"
    assert bundled.read_text(encoding="utf-8") == expected, (
        f"graphs/published-codings.ttl is stale; regenerate it with: {command} -o graphs/published-codings.ttl")
    assert command in (REPO / "docs" / "import.md").read_text(encoding="utf-8")
