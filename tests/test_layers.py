"""Every import points down the pipeline (README, "Layout"): a module imports only its own stage
and the stages below it, so no two modules or packages import each other.

The imports are read from the source (every ``import`` and ``from ... import`` statement, those
inside functions and ``if TYPE_CHECKING:`` blocks included), not from a running interpreter.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# The stages, lowest first. A module may import its own stage and any stage listed before it.
STAGES = (
    ("base", ("cstograph.base", "cstograph.errors", "cstograph.namespaces")),
    ("reading", ("cstograph.reading",)),
    ("engines", ("cstograph.engines",)),
    ("rules", ("cstograph.rules",)),
    ("pictures", ("cstograph.pictures",)),
    ("output", ("cstograph.output",)),  # the site draws its figures with pictures/
    ("api", ("cstograph.api", "cstograph")),  # the package root re-exports cstograph.open
    ("cli", ("cstograph.cli", "cstograph.__main__")),
)

def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> int:
    """The index in STAGES of the longest prefix that names ``module``'s stage."""
    best, length = None, -1
    for index, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = index, len(prefix)
    assert best is not None, f"{module} is in no stage: add it to STAGES"
    return best


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported cstograph module, line, inside a function) for every import statement; for
    ``from package import name`` the module ``package.name`` when there is such a file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                target = child.module or ""
                if child.level:
                    parts = package.split(".")
                    target = ".".join(parts[: len(parts) - child.level + 1] + ([child.module] if child.module else []))
                for alias in child.names:
                    submodule = f"{target}.{alias.name}"
                    is_module = any((SRC / submodule.replace(".", "/")).with_suffix(suffix).exists()
                                    for suffix in (".py", "")) and alias.name != "*"
                    found.append((submodule if is_module else target, child.lineno, in_function))
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return sorted({(target, line, inside) for target, line, inside in found
                   if target == "cstograph" or target.startswith("cstograph.")})


def imports_under(root: Path) -> list[tuple[str, str, int, bool]]:
    """(importing module, imported module, line, inside a function) over the package ``root``."""
    rows = []
    for path in sorted(root.rglob("*.py")):
        rows.extend((module_name(path), target, line, inside) for target, line, inside in imports_of(path))
    return rows


@cache
def all_imports() -> list[tuple[str, str, int, bool]]:
    return imports_under(SRC / "cstograph")


def test_every_module_is_in_a_stage():
    for path in sorted((SRC / "cstograph").rglob("*.py")):
        stage_of(module_name(path))


def test_every_import_points_down_the_pipeline():
    upward = [f"{module}:{line} imports {target} ({STAGES[stage_of(module)][0]} -> {STAGES[stage_of(target)][0]})"
              for module, target, line, _ in all_imports() if stage_of(target) > stage_of(module)]
    assert not upward, "imports that point up the pipeline:\n" + "\n".join(upward)


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the components of more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def import_cycles(root: Path, level: str) -> list[list[str]]:
    """The modules (``level`` "module") or stage packages ("package": cstograph.output for
    cstograph.output.site.build) under ``root`` that import each other, directly or around a
    circle, counting imports inside functions."""
    modules = {module_name(p) for p in root.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for module, target, _, _ in imports_under(root):
        if target not in modules:
            continue
        if level == "package":
            module, target = ".".join(module.split(".")[:2]), ".".join(target.split(".")[:2])
        if module != target:
            edges.setdefault(module, set()).add(target)
    return strongly_connected(edges)


@pytest.mark.parametrize("level", ["module", "package"])
def test_no_two_modules_or_packages_import_each_other(level):
    cycles = import_cycles(SRC / "cstograph", level)
    assert not cycles, f"{level}s that import each other (directly or around a circle): {cycles}"


def test_the_cycle_check_sees_a_circle_closed_inside_a_function(tmp_path, monkeypatch):
    """The check can fail: two modules of one stage that import each other, one of the two
    imports inside a function (as a circle is usually hidden), and a circle of three."""
    package = tmp_path / "cstograph" / "rules"
    package.mkdir(parents=True)
    (package / "one.py").write_text("from cstograph.rules.two import g\n\ndef f():\n    return g()\n")
    (package / "two.py").write_text("def g():\n    from cstograph.rules import one\n    return one\n")
    (package / "a.py").write_text("import cstograph.rules.b\n")
    (package / "b.py").write_text("from cstograph.rules import c\n")
    (package / "c.py").write_text("from . import a\n")
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path)
    assert import_cycles(tmp_path / "cstograph", "module") == [
        ["cstograph.rules.a", "cstograph.rules.b", "cstograph.rules.c"],
        ["cstograph.rules.one", "cstograph.rules.two"],
    ]
    assert import_cycles(tmp_path / "cstograph", "package") == []  # one stage: no circle between packages


def test_the_cycle_check_sees_two_packages_that_import_each_other(tmp_path, monkeypatch):
    """The check can fail for packages: engines/ and rules/ import each other through different
    modules, so no two modules do."""
    for stage, name, imported in (("engines", "data", "cstograph.rules.validate"),
                                  ("rules", "validate", "cstograph.engines.engine"),
                                  ("engines", "engine", None)):
        (tmp_path / "cstograph" / stage).mkdir(parents=True, exist_ok=True)
        (tmp_path / "cstograph" / stage / f"{name}.py").write_text(f"import {imported}\n" if imported else "")
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path)
    assert import_cycles(tmp_path / "cstograph", "module") == []
    assert import_cycles(tmp_path / "cstograph", "package") == [["cstograph.engines", "cstograph.rules"]]


def test_the_walker_sees_imports_inside_functions(tmp_path, monkeypatch):
    """The check can fail: an upward import hidden in a function is found."""
    package = tmp_path / "cstograph" / "reading"
    package.mkdir(parents=True)
    (package / "sample.py").write_text("def f():\n    from cstograph.cli import app\n    return app\n")
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path)
    [(target, line, inside)] = imports_of(package / "sample.py")
    assert (target, line, inside) == ("cstograph.cli", 2, True)
    assert stage_of(target) > stage_of(module_name(package / "sample.py"))


def _uncommented_deferred_imports(root: Path) -> list[str]:
    """Imports inside functions with no comment saying why: neither on the statement's own line
    nor on the line above it (or above the run of imports it belongs to)."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for sub in ast.walk(node):
                if not isinstance(sub, (ast.Import, ast.ImportFrom)):
                    continue
                if any("#" in lines[i] for i in range(sub.lineno - 1, sub.end_lineno)):
                    continue
                above = sub.lineno - 2
                while above >= 0 and "#" not in lines[above] and (
                        not lines[above].strip() or lines[above].strip().startswith(("from ", "import ", ")"))
                        or lines[above].startswith(" " * (sub.col_offset + 4))):
                    above -= 1
                if above < 0 or "#" not in lines[above]:
                    missing.append(f"{path.relative_to(root.parent)}:{sub.lineno}")
    return missing


def test_every_import_inside_a_function_says_why():
    """Imports inside functions remain only to keep start-up fast, each with a comment (issue of the
    layers: they also hide calls from anyone reading the imports at the top)."""
    assert _uncommented_deferred_imports(SRC / "cstograph") == []


def test_the_comment_check_finds_an_uncommented_deferred_import(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("def f():\n    # deferred: keeps json out of start-up\n    import json\n\n"
                                  "def g():\n    import csv\n    return csv\n", encoding="utf-8")
    assert _uncommented_deferred_imports(package) == ["pkg/a.py:6"]
