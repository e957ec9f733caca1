"""The command lines the documentation shows name real commands, options and queries.

Every line of a fenced code block in README.md, docs/ and bench/README.md that runs
``cstograph`` is parsed: its sub-command must exist, each ``--option``/``-o`` must be an option
of that command, and a ``query NAME`` must be a shipped query whose ``-p NAME=`` parameters it
declares. Running the examples needs the research data and servers; this keeps their spelling
from drifting away from the code.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from cgtest import REPO
from cstograph.cli import app
from cstograph.engines.data import namespace_manager
from cstograph.engines.queries import bind_params, bundled_queries

# the prefixes the bundled graphs and the importers declare, which the examples use
DOCUMENTED_PREFIXES = {"cg": "https://w3id.org/cstograph/ns#", "cgd": "https://w3id.org/cstograph/data/"}
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "bench" / "README.md"]


def documented_command_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, command) for each cstograph command inside a fenced code block."""
    lines, found, fenced = path.read_text(encoding="utf-8").splitlines(), [], False
    number = 0
    while number < len(lines):
        line = lines[number]
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced:
            text = re.sub(r"^\s*\$\s*", "", line).strip()
            start = number
            while text.endswith("\\") and number + 1 < len(lines):  # continued lines
                number += 1
                text = text[:-1] + " " + lines[number].strip()
            if text.startswith("cstograph ") and "[" not in text:  # usage synopses use [OPTIONS]
                found.append((start + 1, text.split("  #")[0].split(" # ")[0]))
        number += 1
    return found


CASES = [(path.relative_to(REPO).as_posix(), number, text)
         for path in DOCUMENTS if path.exists() for number, text in documented_command_lines(path)]


def test_the_documents_show_commands():
    assert len(CASES) >= 30
    assert any(text.startswith("cstograph reliability") for _, _, text in CASES)


@pytest.mark.parametrize("document, number, text", CASES, ids=[f"{d}:{n}" for d, n, _ in CASES])
def test_documented_command_line_is_valid(document, number, text):
    words = shlex.split(text)[1:]
    command = typer.main.get_command(app)
    while hasattr(command, "commands") and words and not words[0].startswith("-"):
        assert words[0] in command.commands, f"{document}:{number}: no command {words[0]!r}"
        command = command.commands[words[0]]
        words = words[1:]
    assert not hasattr(command, "commands"), f"{document}:{number}: {text!r} names no command"
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in words:
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            assert name in options, f"{document}:{number}: {command.name} has no option {name}"
    if command.name == "query":
        positional = [w for w, before in zip(words, ["", *words]) if not w.startswith("-")
                      and before not in ("-p", "--param", "--format", "-f", "--engine", "--store",
                                         "--endpoint", "-o", "--output", "--according-to", "--as-of")]
        name = positional[0]
        if name.endswith(".rq"):
            return
        queries = bundled_queries()
        assert name in queries, f"{document}:{number}: no query {name!r}"
        declared = {p.name for p in queries[name].params}
        params = {}
        for option, value in zip(words, words[1:]):
            if option in ("-p", "--param"):
                assert value.split("=", 1)[0] in declared, f"{document}:{number}: {name} has no parameter {value}"
                params[value.split("=", 1)[0]] = value.split("=", 1)[1]
        # the values must bind too (a date that is a date, an IRI in a prefix the data declares)
        bind_params(queries[name], params, namespace_manager(DOCUMENTED_PREFIXES))
