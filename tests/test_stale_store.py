"""A store loaded by an earlier cstograph, whose queries have changed since, still answers
correctly (the report's queries run on the whole store), but slowly: its commands say so on
stderr and say how to compute the answers again."""

from __future__ import annotations

import json

from cgtest import FIXTURES
from cstograph import api
from cstograph.cli import app
from cstograph.engines import store as store_module
from cstograph.engines.engine import query_key
from cstograph.engines.queries import get_query

MINI = FIXTURES / "mini.trig"


def age(folder, name: str) -> None:
    """Make the store's kept answer to ``name`` look computed for an older text of the query."""
    metadata = folder / store_module.METADATA_FILE
    record = json.loads(metadata.read_text(encoding="utf-8"))
    key = query_key(get_query(name).text)
    record["materialised"][key + " (an older text)"] = record["materialised"].pop(key)
    metadata.write_text(json.dumps(record), encoding="utf-8")


def test_a_fresh_store_has_no_stale_answers(tmp_path):
    api.load([MINI], store=tmp_path / "store")
    assert api.open(store=tmp_path / "store").stale_answers == ()


def test_a_store_of_older_queries_is_named_and_still_answers(runner, tmp_path):
    folder = tmp_path / "store"
    api.load([MINI], store=folder)
    fresh = runner.invoke(app, ["report", "--all", "--format", "json", "--store", str(folder)])
    assert fresh.exit_code == 0 and "Warning" not in fresh.stderr
    age(folder, "request-status")
    assert api.open(store=folder).stale_answers == ("request-status",)
    old = runner.invoke(app, ["report", "--all", "--format", "json", "--store", str(folder)])
    assert old.exit_code == 0, old.stderr
    assert old.stdout == fresh.stdout  # the same answers, computed on the whole store
    assert f"Warning: {folder}: its kept answers to request-status were computed for other versions" in old.stderr
    assert f"cstograph load FILES --store {folder} --replace" in old.stderr
