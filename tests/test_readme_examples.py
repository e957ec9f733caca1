"""The README's examples run: its Python API block, and an ambiguous `explain` names the
candidates by short, numbered names, each of which explains one request."""

import re
from pathlib import Path

import pytest

from cstograph.cli import app

README = Path(__file__).parents[1] / "README.md"


def test_the_python_api_blocks_run():
    """Every ```python block of the README, in order, in one namespace (a later block may use
    what an earlier one opened)."""
    pytest.importorskip("pandas")
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 2
    namespace: dict = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"README.md (python block {number})", "exec"), namespace)


def test_an_ambiguous_request_lists_short_numbered_names_that_work(runner):
    result = runner.invoke(app, ["explain", "2022-09-13"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    first = result.output.splitlines()[0]
    names = re.findall(r"\((\d+)\) (\S+)", first)
    assert [n for n, _ in names] == [str(i) for i in range(1, len(names) + 1)] and len(names) == 2
    for _, name in names:
        done = runner.invoke(app, ["explain", name, "--format", "json"])
        assert done.exit_code == 0, done.output
        assert f'"request": "https://w3id.org/cstograph/data/{name}"' in done.stdout


def test_the_readme_explain_example_works(runner):
    text = README.read_text(encoding="utf-8")
    for wanted in re.findall(r'cstograph explain "([^"]+)"', text):
        assert runner.invoke(app, ["explain", wanted]).exit_code == 0, wanted


@pytest.mark.parametrize("width", [100, 120])
def test_query_tables_keep_identifiers_whole(runner, width):
    result = runner.invoke(app, ["query", "members-on-date", "--param", "onDate=2022-09-13", "--param",
                                 "alliance=cgd:CSTO", "--format", "table"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    for name in ("cgd:Kyrgyzstan", "cgd:Tajikistan", "cgd:Kazakhstan", "1992-05-15"):
        assert name in result.stdout, name


@pytest.mark.parametrize("width", [80, 120])
def test_tables_keep_identifiers_whole_where_the_words_fit(width):
    """The fulfilment-table shape: a long label beside identifiers (split mid-word at 80 before)."""
    from cstograph.output.render import render_table

    rows = [["cgd:alliance-ATOP-1234", "North Atlantic Treaty Organization (Washington, 1949) and a long "
             "description of it", "0.3333", "12"]]
    text = render_table(["alliance", "allianceLabel", "fulfilmentRate", "observations"], rows, width=width)
    assert "cgd:alliance-ATOP-1234" in text and "fulfilmentRate" in text


def test_verdicts_to_pandas_gives_datetimes_and_lists():
    pandas = pytest.importorskip("pandas")
    import cstograph

    verdicts = cstograph.open().verdicts()
    frame = verdicts.to_pandas()
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["date"].min() == pandas.Timestamp(min(v.date for v in verdicts))
    assert all(isinstance(v, list) for v in frame["responses"]) and all(isinstance(v, list) for v in frame["contested"])
    assert all(isinstance(r, dict) and "type_label" in r for v in frame["responses"] for r in v)
    assert sum(1 for v in frame["contested"] if v) == sum(1 for v in verdicts if v.contested) > 0
