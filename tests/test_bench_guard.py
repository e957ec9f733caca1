"""bench/guard.py, the speed and memory guard CI runs: it fails when a step's ratio to the floor,
or its peak memory as a multiple of the file's size, passes its limit, and names the step and
the reason (run small here; CI runs it at 100k triples)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cgtest import TESTS

pytestmark = pytest.mark.slow

GUARD = TESTS.parent / "bench" / "guard.py"
LIMITS = TESTS.parent / "bench" / "limits.toml"


def run_guard(tmp_path, *, time_limit: str, memory_limit: str, query_limit: str = "100000",
              confirm: int = 0) -> subprocess.CompletedProcess:
    limits = LIMITS.read_text(encoding="utf-8")
    changed = (limits.replace("max_ratio = ", f"max_ratio = {time_limit} # was ")
               .replace("max_versus_ratio = ", f"max_versus_ratio = {time_limit} # was ")
               .replace("max_rss_multiple_100k = ", f"max_rss_multiple_100k = {memory_limit} # was ")
               .replace("max_queries = ", f"max_queries = {query_limit} # was "))
    path = tmp_path / f"limits-{time_limit}-{memory_limit}.toml"
    path.write_text(changed, encoding="utf-8")
    return subprocess.run([sys.executable, str(GUARD), "--requests", "60", "--runs", "1", "--confirm", str(confirm),
                           "--limits", str(path)],
                          capture_output=True, text=True, timeout=600)


def test_every_step_has_both_limits():
    import tomllib

    limits = tomllib.loads(LIMITS.read_text(encoding="utf-8"))
    for name, limit in limits.items():
        if name == "queries":  # query budgets: a count and why
            assert limit and all({"max_queries", "why"} <= set(budget) for budget in limit.values()), limit
            continue
        assert {"max_ratio", "max_rss_multiple_100k", "max_rss_multiple_1M", "why", "why_memory"} <= set(limit), name


def test_the_guard_fails_past_a_time_limit(tmp_path):
    done = run_guard(tmp_path, time_limit="0.01", memory_limit="1000000", confirm=1)
    assert done.returncode == 1, done.stdout + done.stderr
    # a step over its limit was measured again before it failed
    assert "report-store" in done.stdout and "(2 runs)" in done.stdout.split("report-store", 1)[1].splitlines()[0]
    assert "Too slow or too large:" in done.stderr and "report-store:" in done.stderr and "measured" in done.stderr
    assert "peak memory" not in done.stderr


def test_the_guard_fails_past_a_memory_limit(tmp_path):
    done = run_guard(tmp_path, time_limit="1000", memory_limit="0.01")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "load-store: peak memory" in done.stderr and "limit 0.01x at 100k" in done.stderr
    assert "the floor, limit" not in done.stderr


def test_the_guard_fails_past_a_query_budget(tmp_path):
    done = run_guard(tmp_path, time_limit="1000", memory_limit="1000000", query_limit="10")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "site-bundled: " in done.stderr and "budget 10" in done.stderr and "explain-bundled: " in done.stderr
    assert "the floor, limit" not in done.stderr and "peak memory" not in done.stderr


def test_the_guard_passes_under_its_limits(tmp_path):
    done = run_guard(tmp_path, time_limit="1000", memory_limit="1000000")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every step within its limit" in done.stdout
    # the site runs beside report --all, each run into a new folder, in memory where there is one
    assert "site-file / report-all-file (paired)" in done.stdout
    assert "the sites written into" in done.stdout


def test_the_ratio_is_the_median_of_each_run_over_the_floor_run_before_it():
    import importlib.util

    spec = importlib.util.spec_from_file_location("guard", GUARD)
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    # (step CPU, wall, peak, floor CPU): a busy machine slows a pair alike
    quiet, busy = (1.0, 1.0, 50, 0.5), (1.6, 1.6, 50, 0.8)
    assert guard.paired_ratio([quiet, busy, busy]) == pytest.approx(2.0)
    # the fastest step over the fastest floor would say 2.0 here too, but 3.2 for a step slowed
    # throughout beside one quiet floor run; the pairs keep 2.0
    assert guard.paired_ratio([busy, busy, (1.6, 1.6, 50, 0.8)]) == pytest.approx(2.0)
    assert guard.paired_ratio([(1.0, 1, 1, 0.5), (3.0, 1, 1, 0.5)]) == pytest.approx(4.0)  # the median of two
    assert guard.paired_ratio([(1.0, 1, 1, 0.5), (1.5, 1, 1, 0.5), (9.0, 1, 1, 0.5)]) == pytest.approx(3.0)


def test_a_paired_versus_ratio_is_the_median_of_each_run_over_the_other_step_beside_it():
    import importlib.util

    spec = importlib.util.spec_from_file_location("guard", GUARD)
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    # (step CPU, wall, peak, floor CPU, the other step's CPU just before): a busy round slows both
    quiet, busy = (6.0, 6, 1, 0.5, 2.0), (9.0, 9, 1, 0.8, 3.0)
    assert guard.versus_ratio([quiet, busy, busy]) == pytest.approx(3.0)
    # the quotient of the two medians to the floor would mix rounds minutes apart; each round
    # here is its own ratio
    assert guard.versus_ratio([(4.0, 1, 1, 1, 2.0), (9.0, 1, 1, 1, 3.0), (5.0, 1, 1, 1, 1.0)]) == pytest.approx(3.0)
    assert guard.versus_ratio([(4.0, 1, 1, 1, 2.0), (6.0, 1, 1, 1, 2.0)]) == pytest.approx(2.5)
