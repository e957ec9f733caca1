"""Import benchmarks on the published files: ATOP 4.01 and the Berkemeier-Fuhrmann .dta.

Usage: python bench/bench_import.py [DATA_FOLDER]   (default: ../shared/data beside the checkout)

Prints wall times (median of N runs in this process) and ratios against baselines measured in
the same run:
- import atop: our direct Turtle writer vs building the same triples in an rdflib Graph and
  serialising it with rdflib (what an importer written on rdflib would do);
- the .dta reader vs pandas.read_stata, when pandas is installed (it is not a dependency);
- validation of the imported ATOP graph (pyshacl), and 'report --all' over the ATOP graph (it
  holds no requests) vs over nothing;
- ATOP plus the bundled graphs, which hold contested accounts: validating each account view
  and classifying per view on views of the one Oxigraph store (what 'report' does) vs the
  earlier path: the files parsed again into rdflib, pyshacl on the undisputed data and then at
  each account's nodes, and the views classified on an Oxigraph copy of that rdflib dataset.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import rdflib

import cstograph
from cstograph.engines.engine import make_engine
from cstograph.reading.importers.atop import import_atop
from cstograph.reading.importers.reliability import import_reliability
from cstograph.reading.importers.stata import read_dta
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.classify import classify_requests
from cstograph.rules.reliability import fulfilment_table
from cstograph.rules.validate import validate_dataset, validate_views

RUNS = 5


def timed(function, runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:<58} {seconds:8.3f} s  {note}")


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    alliances = data / "atop-4.01" / "atop-alliance-level.csv"
    members = data / "atop-4.01" / "atop-member-level.csv"
    dta = data / "alliance-reliability" / "BerkemeierFuhrmannRAP2018_0303.dta"
    if not alliances.exists() or not dta.exists():
        sys.exit(f"data files not found under {data}")
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="cstograph-bench-"))

    t_atop, result = timed(lambda: import_atop(alliances, members))
    atop_ttl = work / "atop.ttl"
    atop_ttl.write_text(result.text, encoding="utf-8")
    line("import atop (745 alliances, 2,398 member rows)", t_atop, f"{result.triples:,} triples, {len(result.text) / 1e6:.1f} MB Turtle")

    def rdflib_way():
        graph = rdflib.Graph()
        graph.parse(data=result.text, format="turtle")  # stands in for graph.add() of the same triples
        return graph.serialize(format="turtle")

    t_rdflib, _ = timed(rdflib_way, runs=3)
    line("  baseline: same triples through an rdflib Graph + serialize", t_rdflib, f"ours is {t_rdflib / t_atop:.0f}x faster")

    t_bf, bf = timed(lambda: import_reliability(dta))
    bf_ttl = work / "reliability.ttl"
    bf_ttl.write_text(bf.text, encoding="utf-8")
    line("import reliability (576 observations)", t_bf, f"{bf.triples:,} triples")
    t_read, _ = timed(lambda: read_dta(dta), runs=20)
    line("  of which reading the .dta (pure Python)", t_read)
    try:
        import pandas

        t_pandas, _ = timed(lambda: pandas.read_stata(dta), runs=20)
        line("  baseline: pandas.read_stata", t_pandas, f"ours is {t_pandas / t_read:.1f}x faster")
    except ImportError:
        print("  baseline: pandas.read_stata                                (pandas not installed; skipped)")

    t_load, dataset = timed(lambda: load_dataset([atop_ttl]), runs=3)
    line("load atop.ttl + ontology (rdflib)", t_load)
    t_valid, report = timed(lambda: validate_dataset(dataset), runs=3)
    line("validate atop.ttl (pyshacl)", t_valid, f"conforms={report.conforms}, {len(report.issues)} results")

    empty = work / "empty.ttl"
    empty.write_text("@prefix cg: <https://w3id.org/cstograph/ns#> .\n")
    t_base_report, _ = timed(lambda: classify_requests(make_engine("oxigraph", load_dataset([empty]))), runs=3)
    t_report, verdicts = timed(lambda: classify_requests(make_engine("oxigraph", dataset)), runs=3)
    line("classify requests over atop.ttl (Oxigraph, incl. store load)", t_report,
         f"{len(verdicts)} requests; {t_report / t_base_report:.1f}x the time over an empty graph ({t_base_report:.3f} s)")

    bf_dataset = load_dataset([bf_ttl])
    t_table, rows = timed(lambda: fulfilment_table(make_engine("oxigraph", bf_dataset)), runs=5)
    line("reliability table (Oxigraph, incl. store load)", t_table, f"{len(rows)} rows")
    t_table_rdflib, _ = timed(lambda: fulfilment_table(make_engine("rdflib", load_dataset([bf_ttl]))), runs=3)
    line("  baseline: same query on rdflib", t_table_rdflib, f"Oxigraph is {t_table_rdflib / t_table:.1f}x faster")

    with_accounts = [atop_ttl, *sorted(Path(__file__).resolve().parents[1].joinpath("graphs").iterdir())]

    def store_views():
        kg = cstograph.open(with_accounts)
        return kg.validate(), kg.verdicts()

    def rdflib_views():  # the reference: pyshacl and rdflib's evaluator
        kg = cstograph.open(with_accounts, engine="rdflib")
        return validate_views(kg.data.rdflib_dataset()), kg.verdicts()

    t_views, (report, verdicts) = timed(store_views, runs=3)
    line("ATOP + bundled graphs: validate and classify each account view", t_views,
         f"{len(verdicts)} requests, {sum(1 for v in verdicts if v.contested)} contested, conforms={report.conforms}")
    t_old_views, (old_report, old_verdicts) = timed(rdflib_views, runs=3)
    # issues (none on this data: the validators' agreement on faults is tested in tests/) and
    # every verdict with what each account says
    same = (old_report.issues == report.issues and old_report.conforms == report.conforms
            and [(v.request, v.status, v.contested) for v in old_verdicts]
            == [(v.request, v.status, v.contested) for v in verdicts])
    line("  baseline: rdflib re-parse, pyshacl, an Oxigraph copy", t_old_views,
         f"views of the store are {t_old_views / t_views:.1f}x faster; same results: {same}")


if __name__ == "__main__":
    main()
