"""Replacing a store while others read it: a reader sees the old store or the new one whole,
never a mix; a load killed at any point leaves a store that opens; what killed loads left is
cleaned by the next load. Real processes, real stores, bounded loops."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest

from cgtest import CASES, FIXTURES

OLD, NEW = FIXTURES / "mini.trig", CASES / "queries" / "small.ttl"


pytestmark = pytest.mark.slow


def cstograph(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def report(store) -> str:
    return cstograph("report", "--all", "-f", "json", "--store", str(store)).stdout


def test_readers_see_the_old_store_or_the_new_one_whole(tmp_path):
    store = tmp_path / "s"
    cstograph("load", str(NEW), "--store", str(store))
    new = report(store)
    cstograph("load", str(OLD), "--store", str(store), "--replace")
    old = report(store)
    assert old != new and json.loads(old) and json.loads(new)
    seen = set()
    for round_ in range(6):
        source = NEW if round_ % 2 == 0 else OLD
        loader = subprocess.Popen([sys.executable, "-m", "cstograph", "load", str(source), "--store", str(store),
                                   "--replace"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        readers = [subprocess.Popen([sys.executable, "-m", "cstograph", "report", "--all", "-f", "json", "--store",
                                     str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(3)]
        assert loader.wait(timeout=120) == 0
        for reader in readers:
            out, err = reader.communicate(timeout=120)
            assert reader.returncode == 0, err
            assert out in (old, new), "a reader saw neither the old store nor the new one"
            seen.add(out)
    assert report(store) == old  # the last round loaded OLD


def test_a_load_killed_at_any_point_leaves_a_store_and_the_next_load_cleans_up(tmp_path):
    store, other = tmp_path / "s", tmp_path / "other" / "s"
    other.parent.mkdir()
    cstograph("load", str(OLD), "--store", str(other))
    old = report(other)
    cstograph("load", str(NEW), "--store", str(store))
    new = report(store)
    rng = random.Random(7)
    for _ in range(5):
        loader = subprocess.Popen([sys.executable, "-m", "cstograph", "load", str(OLD), "--store", str(store),
                                   "--replace"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.2))
        loader.kill()
        loader.wait(timeout=30)
        assert report(store) in (old, new)  # it opens, and is one version whole
    cstograph("load", str(NEW), "--store", str(store), "--replace")
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".s.") and ".v-" not in p.name)
    assert leftovers == [], leftovers
    assert len([p for p in tmp_path.iterdir() if ".v-" in p.name]) <= 2  # the current and the previous version
    assert report(store) == new
