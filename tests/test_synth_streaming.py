"""`synth` writes its graph as it makes it: the same bytes as the graph made in memory, in
memory that does not hold the text (so 100M triples can be written on a 24 GB machine), and no
file at all when making it fails half-way."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from cstograph.api import synthesize, write_synthetic
from cstograph.base.write import write_atomic
from cstograph.cli import app
from cstograph.errors import OutputError


@pytest.mark.parametrize("requests, seed, defects", [(1, 1, 0.0), (60, 1, 0.0), (700, 3, 0.0), (400, 2, 0.25)])
def test_the_file_written_is_the_graph_made_in_memory(tmp_path, requests, seed, defects):
    made = synthesize(requests, seed, defects=defects)
    written = write_synthetic(tmp_path / "g.ttl", requests, seed, defects=defects)
    assert (tmp_path / "g.ttl").read_bytes() == made.turtle.encode("utf-8")
    assert written.expected == made.expected and written.scenarios == made.scenarios
    assert written.defects == made.defects and written.turtle == ""


def _peak_and_size(path, requests):
    """The peak of memory traced while ``write_synthetic`` writes ``requests`` requests, and the size of the file."""
    tracemalloc.start()
    try:
        write_synthetic(path, requests, 5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, path.stat().st_size


def test_memory_grows_by_the_state_not_by_the_text(tmp_path):
    """Tripling the requests adds about 1.8 MB of text but only the generator's state (about 140
    bytes a request: 0.34 MB measured) to the peak; a writer that held the text would add at
    least its size. The quick form of the check at scale below."""
    small_peak, small_size = _peak_and_size(tmp_path / "small.ttl", 1_000)
    large_peak, large_size = _peak_and_size(tmp_path / "large.ttl", 3_000)
    assert large_size - small_size > 1_500_000
    assert large_peak - small_peak < (large_size - small_size) / 2, (small_peak, large_peak, small_size, large_size)


@pytest.mark.slow  # a memory test at scale; test_memory_grows_by_the_state_not_by_the_text checks it quickly
def test_writing_does_not_hold_the_text(tmp_path):
    # 12,000 requests: about 11 MB of Turtle, written in pieces of 2,000 lines (about 250 KB);
    # what is held is the generator's own state (states, alliances, memberships, the expected
    # statuses: about 140 bytes a request) and a piece or two: 3.4 MB measured
    tracemalloc.start()
    try:
        write_synthetic(tmp_path / "g.ttl", 12_000, 5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = (tmp_path / "g.ttl").stat().st_size
    assert size > 10_000_000
    assert peak < size / 2, (peak, size)


def test_progress_counts_the_requests(tmp_path):
    seen = []
    write_synthetic(tmp_path / "g.ttl", 25_000, 1, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(10_000, 25_000), (20_000, 25_000), (25_000, 25_000)]


def test_a_failure_half_way_leaves_the_old_file(tmp_path):
    target = tmp_path / "g.ttl"
    target.write_text("the user's graph")

    def pieces():
        yield "first piece\n"
        raise OutputError("made to fail")

    with pytest.raises(OutputError):
        write_atomic(target, pieces())
    assert target.read_text() == "the user's graph"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.ttl"]  # no temp file left


def test_the_command_writes_the_graph_and_its_expected_statuses(runner, tmp_path):
    out, expected = tmp_path / "s.ttl", tmp_path / "e.json"
    result = runner.invoke(app, ["synth", "-n", "120", "--seed", "4", "-o", str(out), "--expected", str(expected), "-q"])
    assert result.exit_code == 0, result.output
    made = synthesize(120, 4)
    assert out.read_text(encoding="utf-8") == made.turtle
    assert json.loads(expected.read_text(encoding="utf-8")) == made.expected
    counts = made.counts
    assert f"met {counts['met']}, unmet {counts['unmet']}" in result.stdout
