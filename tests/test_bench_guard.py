"""bench/guard.py, the speed guard CI runs: it fails when a step's ratio to the floor passes its
limit, and names the step and the reason (run small here; CI runs it at 100k triples)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cgtest import TESTS

pytestmark = pytest.mark.slow

GUARD = TESTS.parent / "bench" / "guard.py"


def test_the_guard_fails_past_a_limit_and_passes_under_it(tmp_path):
    limits = (TESTS.parent / "bench" / "limits.toml").read_text(encoding="utf-8")
    strict = tmp_path / "strict.toml"
    strict.write_text(limits.replace("max_ratio = ", "max_ratio = 0.01 # was "), encoding="utf-8")
    done = subprocess.run([sys.executable, str(GUARD), "--requests", "60", "--runs", "1", "--limits", str(strict)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Too slow:" in done.stderr and "report-store:" in done.stderr and "measured" in done.stderr
    loose = tmp_path / "loose.toml"
    loose.write_text(limits.replace("max_ratio = ", "max_ratio = 1000 # was "), encoding="utf-8")
    done = subprocess.run([sys.executable, str(GUARD), "--requests", "60", "--runs", "1", "--limits", str(loose)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every step within its limit" in done.stdout
