"""The CLI stands on the API (README, "Python API"): the modules of ``cstograph/cli/`` import
only ``cstograph.api``, ``cstograph.output``, ``cstograph.base`` and ``cstograph.errors`` (and
each other), never the engines, rules, readers or pictures beneath them.

The imports are read from the source, those inside functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
CLI = SRC / "cstograph" / "cli"

ALLOWED = ("cstograph.api", "cstograph.output", "cstograph.base", "cstograph.errors", "cstograph.cli")


def cstograph_imports(path: Path, src: Path = SRC) -> list[tuple[str, int]]:
    """(imported cstograph module, line) for every import statement of ``path``, at any depth."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    package = ".".join(parts[:-1])  # the package of a module, and of an __init__.py its own
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            found.append((target, node.lineno))
    return sorted((t, line) for t, line in found if t == "cstograph" or t.startswith("cstograph."))


def reaching_in(cli: Path = CLI, src: Path = SRC) -> list[str]:
    """'module:line imports target' for every import of the CLI outside ``ALLOWED``."""
    return [f"{path.relative_to(src)}:{line} imports {target}"
            for path in sorted(cli.rglob("*.py"))
            for target, line in cstograph_imports(path, src)
            if not any(target == allowed or target.startswith(allowed + ".") for allowed in ALLOWED)]


def kg_data_uses(cli: Path = CLI) -> list[str]:
    """'module:line' for every ``kg.data``: the CLI reads the opened data through the API's methods."""
    return [f"{path.name}:{node.lineno}"
            for path in sorted(cli.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr == "data"
            and isinstance(node.value, ast.Name) and node.value.id == "kg"]


def test_the_cli_imports_only_the_api_output_base_and_errors():
    found = reaching_in()
    assert not found, "the CLI reaches past the API:\n" + "\n".join(found)


def test_the_cli_reads_no_data_behind_the_api():
    found = kg_data_uses()
    assert not found, "kg.data in the CLI (use a KnowledgeGraph method):\n" + "\n".join(found)


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    """The check can fail: an import of the engines hidden in a command's function is found, a
    relative one too, and the allowed ones are not."""
    cli = tmp_path / "cstograph" / "cli"
    cli.mkdir(parents=True)
    (cli / "sample_command.py").write_text(
        "from cstograph.api import open\n"
        "from cstograph.output.render import FORMATS\n"
        "from . import common\n"
        "def sample():\n"
        "    from cstograph.engines.store import create_store\n"
        "    from ..rules import verdicts\n"
        "    return kg.data\n"
    )
    assert reaching_in(cli, tmp_path) == [
        "cstograph/cli/sample_command.py:5 imports cstograph.engines.store",
        "cstograph/cli/sample_command.py:6 imports cstograph.rules",
    ]
    assert kg_data_uses(cli) == ["sample_command.py:7"]
