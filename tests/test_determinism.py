"""The same input gives byte-identical output for every main command and format, whatever
Python's hash seed (set iteration order changes with it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cgtest import CASES

pytestmark = pytest.mark.slow

CONTESTED = str(CASES / "accounts" / "contested.trig")
COMMANDS = {
    "report json": ["report", "--all", "-f", "json"],
    "report csv as-of": ["report", "--all", "-f", "csv", "--as-of", "2022-11-30"],
    "report markdown": ["report", "--all", "-f", "markdown"],
    "by-ally json": ["report", "--by-ally", "-f", "json"],
    "selectivity csv": ["report", "--selectivity", "-f", "csv"],
    "explain json": ["explain", "cgd:request-2020-10-31-Armenia-Russia", "-f", "json"],
    "explain text as-of": ["explain", "cgd:request-2020-10-31-Armenia-Russia", "--as-of", "2020-11-30"],
    "query according-to": ["query", "request-status", "-f", "csv", "--according-to", "Armenia"],
    "validate json": ["validate", "-f", "json", CONTESTED],
    "infer ttl": ["infer", "-o", "{out}/verdicts.ttl"],
    "infer trig with data": ["infer", "--with-data", "-o", "{out}/all.trig"],
    "viz svg": ["viz", "-o", "{out}/figure.svg"],
    "viz html": ["viz", "-o", "{out}/page.html"],
    "viz graphml": ["viz", "-o", "{out}/graph.graphml"],
    "viz gexf": ["viz", "-o", "{out}/graph.gexf"],
    "viz json": ["viz", "-o", "{out}/graph.json"],
    "timeline svg": ["timeline", "-o", "{out}/timeline.svg"],
    "viz focus svg": ["viz", "--focus", "cgd:request-2022-09-13-Armenia-CSTO", "-o", "{out}/case.svg"],
    "viz alliance svg": ["viz", "--alliance", "CSTO", "-o", "{out}/csto.svg"],
    "export datapackage": ["export", "-o", "{out}/package"],
    "site": ["site", "-o", "{out}/site"],
}


def run(args: list[str], seed: int, out: Path) -> bytes:
    args = [a.replace("{out}", str(out)) for a in args]
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "COLUMNS": "120"}
    done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    written = sorted(p for p in out.rglob("*") if p.is_file())  # pages and companion files too
    if not written:
        return done.stdout
    return b"".join(str(p.relative_to(out)).encode() + b"\0" + p.read_bytes() for p in written)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_does_not_depend_on_the_hash_seed(name, tmp_path):
    outputs = set()
    for seed in (0, 1, 2):
        folder = tmp_path / str(seed)
        folder.mkdir()
        outputs.add(run(COMMANDS[name], seed, folder))
    assert len(outputs) == 1, f"{name}: {len(outputs)} different outputs under three hash seeds"
