"""Progress on stderr: shown on a terminal (a real pseudo-terminal), never in a pipe or with
--quiet, and stdout is the same either way."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

import pytest

CLI = [sys.executable, "-m", "cstograph"]


def run(args, *, stderr_on_terminal: bool, cwd):
    """Run the CLI with stdout in a pipe and stderr on a pseudo-terminal or a pipe; returns
    (exit code, stdout, everything written to stderr)."""
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    if not stderr_on_terminal:
        done = subprocess.run(CLI + args, capture_output=True, cwd=cwd, env=env, timeout=300)
        return done.returncode, done.stdout, done.stderr
    controller, terminal = pty.openpty()
    chunks: list[bytes] = []

    def drain():  # read while the command runs: a full terminal buffer would block it
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal side closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(CLI + args, stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL,
                              cwd=cwd, env=env, timeout=300)
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(controller)
    return done.returncode, done.stdout, b"".join(chunks)


@pytest.fixture(scope="module")
def synth_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress")
    code, _, _ = run(["synth", "--requests", "300", "--seed", "2", "-o", "g.ttl"], stderr_on_terminal=False, cwd=folder)
    assert code == 0
    return folder


@pytest.mark.parametrize("command, phases", [
    (["validate", "g.ttl"], [b"parsing", b"validating"]),
    (["synth", "--requests", "300", "--seed", "2", "-o", "again.ttl"], [b"generating graph"]),
])
def test_phases_on_a_terminal_nothing_in_a_pipe_or_quiet(synth_file, command, phases):
    on_terminal = run(command, stderr_on_terminal=True, cwd=synth_file)
    in_pipe = run(command, stderr_on_terminal=False, cwd=synth_file)
    quiet = run(command + ["--quiet"], stderr_on_terminal=True, cwd=synth_file)
    assert on_terminal[0] == in_pipe[0] == quiet[0] == 0
    for name in phases:
        assert name in on_terminal[2], on_terminal[2][-500:]
        assert name not in in_pipe[2]
        assert name not in quiet[2]
    assert in_pipe[2] == b""
    assert quiet[2] == b""
    assert on_terminal[1] == in_pipe[1] == quiet[1]  # stdout untouched by the display


def test_load_names_its_phases_on_a_terminal(synth_file):
    code, stdout, stderr = run(["load", "g.ttl", "--store", "st"], stderr_on_terminal=True, cwd=synth_file)
    assert code == 0, stderr
    for name in (b"parsing", b"validating", b"computing answers", b"loading store"):
        assert name in stderr
    assert b" MB" in stderr  # parsing counts the bytes read
    assert stdout.startswith(b"Loaded ")
    code, stdout, stderr = run(["load", "g.ttl", "--store", "st", "--replace", "-q"], stderr_on_terminal=True,
                               cwd=synth_file)
    assert code == 0 and stderr == b"" and stdout.startswith(b"Loaded ")


def test_counts_carry_a_rate_once_the_phase_has_run_a_while():
    from cstograph.base.progress import count_text

    assert count_text(0, 301_000_000, "bytes", 0.0) == "0.0/301.0 MB"
    assert count_text(120_500_000, 301_000_000, "bytes", 5.0) == "120.5/301.0 MB, 24.1 MB/s"
    assert count_text(1200, 5000, "requests", 4.0) == "1,200/5,000 requests, 300 requests/s"
    assert count_text(1200, None, None, 2.0) == "1,200, 600/s"
    assert count_text(3, 10, None, 0.1) == "3/10"


def test_a_streamed_load_counts_the_nodes_checked_and_the_answers_computed(synth_file, monkeypatch):
    """Past the memory budget (0 here: every input streams) the load validates and answers on
    disk; both phases show a count, and validate --store shows the nodes it checked."""
    import re

    monkeypatch.setenv("CSTOGRAPH_MEMORY_BUDGET", "0")
    code, stdout, stderr = run(["load", "g.ttl", "--store", "streamed"], stderr_on_terminal=True, cwd=synth_file)
    assert code == 0, stderr[-500:]
    assert b"checking shapes" in stderr and b"computing answers" in stderr
    assert re.search(rb"[1-9][0-9,]* nodes", stderr), stderr[-800:]  # focus nodes checked
    assert re.search(rb"[1-9][0-9]*/[1-9][0-9]* queries", stderr), stderr[-800:]  # answers kept, of how many
    code, _, stderr = run(["validate", "--store", "streamed"], stderr_on_terminal=True, cwd=synth_file)
    assert code == 0 and re.search(rb"[1-9][0-9,]* nodes", stderr), stderr[-800:]
