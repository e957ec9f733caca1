"""How the views cope with a large graph: a synthetic ~5,000-node request graph, generated here.

Prints the time of each step (build the networkx graph, lay out, write HTML, open the page in
headless Chromium until the first frame is drawn, redraw after a zoom step) and compares the
page's opening time with a trivial page opened in the same browser in the same run. Not a
test: figures for docs/views.md.

    python bench/viz_large.py [--requests 1350] [--chromium /usr/bin/chromium]
    python bench/viz_large.py --page view.html    # only the zoom steps of a page already written
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from cstograph.engines.engine import make_engine
from cstograph.pictures.graph_model import build_graph, reduce_graph
from cstograph.pictures.html import render_html
from cstograph.pictures.layout import layout
from cstograph.pictures.static import render_static
from cstograph.reading.rdf_files import load_dataset

PREFIXES = """@prefix cg: <https://w3id.org/cstograph/ns#> .
@prefix s: <http://example.org/synth/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def synthetic_turtle(requests: int, seed: int = 42) -> str:
    rng = random.Random(seed)
    n_states, n_alliances = 200, 20
    lines = [PREFIXES, 's:src dcterms:title "synthetic" .']
    for i in range(n_states):
        lines.append(f's:st{i} a cg:State ; rdfs:label "State {i}" .')
    members: dict[int, list[int]] = {}
    for a in range(n_alliances):
        lines.append(f's:t{a} a cg:Treaty ; rdfs:label "Treaty {a}" .')
        lines.append(f's:a{a} a cg:Alliance ; rdfs:label "Alliance {a}" ; cg:foundedOn s:t{a} .')
        for k, (kind, trig) in enumerate((("CollectiveDefence", "ArmedAttackOnMemberTerritory"), ("Consultation", "ThreatToMember"))):
            lines.append(f's:o{a}_{k} a cg:Obligation ; cg:inTreaty s:t{a} ; cg:article "Article {k + 2}" ; '
                         f"cg:obligationType cg:{kind} ; cg:triggerCondition cg:{trig} .")
        members[a] = rng.sample(range(n_states), 12)
        for m in members[a]:
            lines.append(f's:m{a}_{m} a cg:Membership ; cg:member s:st{m} ; cg:alliance s:a{a} ; '
                         f'cg:startDate "{rng.randint(1950, 2000)}-01-01"^^xsd:date ; dcterms:source s:src .')
    types = ["MilitaryDeployment", "ArmsSupply", "Consultations", "FactFindingMission", "DiplomaticStatement", "Refusal"]
    for r in range(requests):
        a = rng.randrange(n_alliances)
        requester = rng.choice(members[a])
        attacker = rng.randrange(n_states)
        year = rng.randint(2001, 2024)
        kind = rng.choice(["ArmedAttack", "InternalUnrest"])
        lines.append(f's:e{r} a cg:{kind} ; rdfs:label "Event {r}" ; cg:onTerritoryOf s:st{requester} ; cg:attacker s:st{attacker} ; '
                     f'cg:startDate "{year}-03-01"^^xsd:date ; dcterms:source s:src .')
        lines.append(f's:r{r} a cg:AssistanceRequest ; rdfs:label "Request {r}" ; cg:requester s:st{requester} ; '
                     f'cg:addressee s:a{a} ; cg:invokes s:o{a}_{rng.randrange(2)} ; cg:concerns s:e{r} ; '
                     f'cg:date "{year}-03-0{rng.randint(2, 9)}"^^xsd:date ; dcterms:source s:src .')
        for p in range(rng.choice([0, 1, 1, 2, 3])):
            lines.append(f's:p{r}_{p} a cg:Response ; rdfs:label "Response {r}.{p}" ; cg:respondsTo s:r{r} ; '
                         f"cg:responder s:st{rng.choice(members[a])} ; cg:responseType cg:{rng.choice(types)} ; "
                         f'cg:date "{year}-04-1{p}"^^xsd:date ; dcterms:source s:src .')
    return "\n".join(lines) + "\n"


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:8.2f} s")
    return value, seconds


def open_times(chromium: str, page: Path, trivial: Path, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
    page_times, trivial_times = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        for _ in range(runs):
            for path, bucket in ((trivial, trivial_times), (page, page_times)):
                tab = browser.new_page(viewport={"width": 1280, "height": 800})
                start = time.perf_counter()
                tab.goto(path.as_uri())
                tab.wait_for_function("document.documentElement.getAttribute('data-rendered-nodes') !== null",
                                      timeout=120_000)
                bucket.append(time.perf_counter() - start)
                tab.close()
        browser.close()
    return page_times, trivial_times


ZOOM_STEPS = """async () => {
  const canvas = document.getElementById('canvas'), times = [];
  for (let i = 0; i < 8; i++) {
    const started = performance.now();
    canvas.dispatchEvent(new WheelEvent('wheel', {deltaY: i % 2 ? 200 : -200, clientX: 400, clientY: 400,
                                                  bubbles: true, cancelable: true}));
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    times.push(performance.now() - started);
  }
  return times; }"""


def zoom_step_times(chromium: str, page: Path) -> list[float]:
    """Milliseconds from a wheel event to the second frame after it (the redraw), eight steps."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.goto(page.resolve().as_uri())
        tab.wait_for_function("document.documentElement.getAttribute('data-rendered-nodes') !== null", timeout=120_000)
        times = tab.evaluate(ZOOM_STEPS)
        browser.close()
    return times


def print_zoom_steps(chromium: str, page: Path) -> None:
    times = zoom_step_times(chromium, page)
    print(f"{'zoom step: wheel event to redrawn frame (median)':<48} {statistics.median(times) / 1000:8.3f} s  "
          f"(steps: {', '.join(f'{t:.0f}' for t in times)} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1350)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", type=Path, help="only time zoom steps on this page (e.g. from viz --cases)")
    args = parser.parse_args()
    if args.page:
        print_zoom_steps(args.chromium, args.page)
        return
    with tempfile.TemporaryDirectory(prefix="cg-bench-") as folder:
        folder = Path(folder)
        data = folder / "synth.ttl"
        data.write_text(synthetic_turtle(args.requests))
        dataset, _ = timed("load (rdflib parse + ontology)", load_dataset, [data])
        engine, _ = timed("Oxigraph store", make_engine, "oxigraph", dataset)
        graph, _ = timed("build networkx graph (requests view)", build_graph, dataset, engine, "requests")
        print(f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges")
        (positions, method), _ = timed("layout (auto)", layout, graph)
        print(f"layout method: {method}")
        html, _ = timed("render HTML", render_html, graph, positions, title="synthetic", notes=[])
        page = folder / "view.html"
        page.write_bytes(html)
        print(f"HTML size: {len(html) / 1e6:.1f} MB")
        reduced, _ = timed("reduce to the 120-node figure budget", reduce_graph, graph, 120)
        print(f"  {reduced.note}")
        figure, _ = timed("static SVG of the reduced view", render_static, reduced.graph, "svg")
        print(f"  made by {figure.method}, {len(figure.data) / 1e3:.0f} KB")
        trivial = folder / "trivial.html"
        trivial.write_text("<!DOCTYPE html><html data-rendered-nodes='0'><body><p>trivial</p></body></html>")
        if not Path(args.chromium).exists():
            print(f"no Chromium at {args.chromium}: browser timings skipped")
            return
        page_times, trivial_times = open_times(args.chromium, page, trivial, args.runs)
        p, t = statistics.median(page_times), statistics.median(trivial_times)
        print(f"{'open page until its first frame is drawn (median)':<48} {p:8.2f} s  (runs: {', '.join(f'{x:.2f}' for x in page_times)})")
        print(f"{'open a trivial page (baseline, median)':<48} {t:8.2f} s")
        print(f"ratio page / trivial page: {p / t:.1f}x")
        print_zoom_steps(args.chromium, page)


if __name__ == "__main__":
    main()
