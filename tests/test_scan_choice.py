"""Which validation scan runs: path by path (faster, its dicts grow with the graph) when the data
is held in memory or a store's record says its dicts fit the memory budget; focus node by focus
node (memory that does not grow) otherwise. Both give the same rows (tests/test_shacl_scan.py
and tests/test_fastshacl.py run every test with each)."""

from __future__ import annotations

import pyoxigraph as ox

from cgtest import FIXTURES
from cstograph import api
from cstograph.engines import store as store_module
from cstograph.engines.data import Viewpoint, open_data
from cstograph.engines.engine import OxigraphEngine
from cstograph.rules.shacl_scan import BY_PATH_BYTES_PER_TRIPLE, by_path

MINI = FIXTURES / "mini.trig"


def test_files_held_in_memory_are_checked_path_by_path():
    data = open_data()  # the bundled graphs, their accounts included
    assert data.engine.in_memory and by_path(data.engine)
    assert data.accounts and all(by_path(data.view(Viewpoint(a))) for a in data.accounts)  # account views keep it


def test_files_over_the_budget_are_checked_focus_node_by_focus_node(monkeypatch):
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, "0")
    data = open_data([MINI])  # streamed into a temporary store on disk
    assert not data.engine.in_memory and not by_path(data.engine)


def test_a_store_is_checked_path_by_path_while_its_dicts_fit_the_budget(monkeypatch):
    engine = OxigraphEngine(ox.Store(), triples=1_000_000)
    engine.in_memory = False  # as a store on disk opened with its record
    assert by_path(engine)  # 350 MB under the default 2 GiB
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, str(1_000_000 * BY_PATH_BYTES_PER_TRIPLE - 1))
    assert not by_path(engine)
    assert not by_path(OxigraphEngine(engine.store, triples=None))  # nothing known: the bounded scan


def test_a_loaded_store_passes_its_triples_to_the_scan(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    api.load([MINI], store=folder)
    data = open_data(store=folder)
    assert data.engine.triples > 100 and not data.engine.in_memory and by_path(data.engine)
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, "1K")
    assert not by_path(data.engine)  # the same store past a small budget: the bounded scan


def test_the_views_of_the_accounts_reuse_the_answers_about_values(monkeypatch):
    """<= and REGEX are asked of Oxigraph about values alone; the accounts' views repeat the
    undisputed data's values, so the first view's answers serve the others."""
    from cstograph.rules import shacl_checks
    from cstograph.rules.validate_data import validate_data

    sent = []
    real = OxigraphEngine.raw_query

    def counting(self, text):
        if text.startswith("SELECT ?row WHERE { VALUES (?row"):
            sent.append(text)
        return real(self, text)

    monkeypatch.setattr(OxigraphEngine, "raw_query", counting)
    monkeypatch.setattr(shacl_checks, "_answers", {})
    data = open_data()  # the bundled graphs: the undisputed data and each account's view
    assert len(data.accounts) >= 5
    first = validate_data(data, "scan", use_recorded=False)
    assert 1 <= len(sent) <= 2  # one query for <=, one for REGEX, not one of each per view
    again = validate_data(data, "scan", use_recorded=False)
    assert len(sent) <= 2 and again.issues == first.issues


def test_load_tells_the_scan_whether_the_store_it_validates_is_in_memory(tmp_path, monkeypatch):
    from cstograph.rules import shacl_scan

    seen = []
    chosen = shacl_scan.by_path

    def recording(engine):
        seen.append(engine.in_memory)
        return chosen(engine)

    monkeypatch.setattr(shacl_scan, "by_path", recording)
    api.load([MINI], store=tmp_path / "in-memory")
    assert seen and all(seen)  # parsed into memory first, then written to disk
    seen.clear()
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, "0")
    api.load([MINI], store=tmp_path / "streamed")
    assert seen and not any(seen)  # streamed into the store folder and validated there
