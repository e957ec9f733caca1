"""The built wheel ships the ontology, the bundled graphs and the queries."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from cgtest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        pytest.fail("building the wheel failed:\n" + done.stderr[-2000:])
    (path,) = out.glob("cstograph-*.whl")
    return path


def test_wheel_contains_data_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ontology", "graphs", "queries"):
        shipped = {n for n in names if n.startswith(f"cstograph/_data/{folder}/")}
        in_repo = {f"cstograph/_data/{p.relative_to(REPO).as_posix()}" for p in (REPO / folder).rglob("*") if p.is_file()}
        assert in_repo and in_repo <= shipped, folder
    assert "cstograph/cli/__init__.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cstograph = cstograph.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
