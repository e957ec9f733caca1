"""Nothing the user had is lost: outputs never replace inputs, links or devices, and a store
being replaced survives bad input. Each test runs the real command on real files."""

from __future__ import annotations

import os
import shutil
import stat
import threading

import pytest

from cgtest import CASES
from cstograph.base.write import write_atomic
from cstograph.cli import app
from cstograph.errors import OutputError
from cstograph.reading.rdf_files import expand_paths
from cstograph.reading.resources import graphs_dir

SMALL = CASES / "queries" / "small.ttl"
CONTESTED = CASES / "accounts" / "contested.trig"  # two accounts: the store holds several graphs


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_pipe_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_folder_is_not_an_output(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(tmp_path, b"x")


def test_infer_refuses_to_overwrite_an_input_file(runner, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(graphs_dir(), folder)
    before = (folder / "csto.ttl").read_bytes()
    result = runner.invoke(app, ["infer", str(folder), "-o", str(folder / "csto.ttl")])
    assert result.exit_code == 2
    assert "csto.ttl: is also an input file" in result.stderr
    assert (folder / "csto.ttl").read_bytes() == before
    # a new file in the input folder is fine (it was not read)
    result = runner.invoke(app, ["infer", str(folder), "-o", str(folder / "verdicts.trig")])
    assert result.exit_code == 0, result.output


def test_import_refuses_to_overwrite_its_input(runner, tmp_path):
    alliances, members = tmp_path / "alliances.csv", tmp_path / "members.csv"
    alliances.write_text("atopid\n1\n")
    members.write_text("atopid,member\n1,2\n")
    before = members.read_bytes()
    result = runner.invoke(app, ["import", "atop", str(alliances), str(members), "-o", str(members)])
    assert result.exit_code == 2 and "is also an input file" in result.stderr
    assert members.read_bytes() == before


def test_infer_with_data_keeps_accounts_apart(runner, tmp_path, bundled_report):
    result = runner.invoke(app, ["infer", "--with-data", "-o", str(tmp_path / "all.ttl")])
    assert result.exit_code == 2
    assert "holds accounts" in result.stderr and ".trig" in result.stderr
    assert not (tmp_path / "all.ttl").exists()
    trig = tmp_path / "all.trig"
    result = runner.invoke(app, ["infer", "--with-data", "-o", str(trig)])
    assert result.exit_code == 0, result.output
    # read back, it gives the same verdicts, contested ones included
    again = runner.invoke(app, ["report", "--all", "-f", "json", str(trig)])
    assert again.exit_code == 0, again.output
    assert again.stdout == bundled_report
    # the undisputed view's derived verdicts in the file do not leak into an account's view
    for args in (["--by-ally", "--according-to", "Armenia"], ["--selectivity", "--according-to", "Armenia"]):
        from_file = runner.invoke(app, ["report", "-f", "csv", *args, str(trig)])
        assert from_file.exit_code == 0, from_file.output
        assert from_file.stdout == runner.invoke(app, ["report", "-f", "csv", *args]).stdout, args


def _store_report(runner, store) -> str:
    result = runner.invoke(app, ["report", "--all", "-f", "csv", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_replacing_a_store_keeps_it_when_the_new_input_is_bad(runner, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", str(CONTESTED), "--store", str(store)]).exit_code == 0
    before = _store_report(runner, store)
    assert before.count("\n") > 1  # the requests of the first input
    result = runner.invoke(app, ["load", str(tmp_path / "missing.ttl"), "--store", str(store), "--replace"])
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert _store_report(runner, store) == before
    violating = tmp_path / "violating.ttl"
    violating.write_text("@prefix cg: <https://w3id.org/cstograph/ns#> .\n<http://example.org/x> a cg:AssistanceRequest .\n")
    result = runner.invoke(app, ["load", str(violating), "--store", str(store), "--replace"])
    assert result.exit_code == 1 and "nothing loaded" in result.stderr
    assert _store_report(runner, store) == before
    result = runner.invoke(app, ["load", str(SMALL), "--store", str(store), "--replace"])
    assert result.exit_code == 0, result.output
    assert _store_report(runner, store) != before
    # beside it: the current version (the link's target) and the previous one, nothing else
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".store."))
    assert len(beside) == 2 and all(".v-" in name for name in beside), beside
    assert store.is_symlink() and store.resolve().name in beside


def test_a_store_folder_that_is_a_file_is_refused(runner, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("mine")
    result = runner.invoke(app, ["load", "--store", str(afile)])
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr
    assert afile.read_text() == "mine"
    result = runner.invoke(app, ["load", "--store", str(tmp_path / "no" / "such" / "store")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_synth_writes_nothing_when_a_target_folder_is_missing(runner, tmp_path):
    out = tmp_path / "s.ttl"
    result = runner.invoke(app, ["synth", "-n", "5", "-o", str(out), "--expected", str(tmp_path / "no" / "e.json")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not out.exists()
    mine = tmp_path / "s.ttl.tmp"
    mine.write_text("the user's own file")
    result = runner.invoke(app, ["synth", "-n", "5", "-o", str(out), "--expected", str(tmp_path / "e.json")])
    assert result.exit_code == 0, result.output
    assert mine.read_text() == "the user's own file" and out.stat().st_size > 0


def test_hidden_files_and_folders_are_not_data(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "old.ttl").write_text("")
    (tmp_path / ".backup.ttl").write_text("")
    (tmp_path / "data.ttl").write_text("")
    assert [p.name for p in expand_paths([tmp_path])] == ["data.ttl"]


def test_viz_names_an_unknown_format_option(runner, tmp_path):
    result = runner.invoke(app, ["viz", "-o", str(tmp_path / "x.svg"), "--format", "bogus"])
    assert result.exit_code == 2
    assert "--format 'bogus': unknown format" in result.stderr
    assert not (tmp_path / "x.svg").exists()


def test_a_folder_with_only_hidden_files_holds_no_data(tmp_path):
    (tmp_path / ".only.ttl").write_text("")
    with pytest.raises(Exception, match="holds no RDF files"):
        expand_paths([tmp_path])


# ---------------------------------------------------------------- labels that try to do something


def _hostile(tmp_path):
    """The small fixture with labels and a source URL written by someone hostile."""
    from cgtest import CASES

    text = (CASES / "queries" / "small.ttl").read_text()
    text = text.replace('rdfs:label "Avalon"@en', 'rdfs:label "=HYPERLINK(\\"http://evil.example/\\",\\"x\\")"@en')
    text = text.replace('rdfs:label "Tor League"@en', 'rdfs:label "Tor <!-- League <script>alert(1)</script>"@en')
    text += ('\n<http://example.org/q/r1> dcterms:source <http://example.org/q/bad> .\n'
             '<http://example.org/q/bad> dcterms:title "<img src=x onerror=alert(1)>" ;'
             ' <http://xmlns.com/foaf/0.1/page> <javascript:alert(1)> .\n')
    path = tmp_path / "hostile.ttl"
    path.write_text(text)
    return path


def test_spreadsheet_output_runs_no_formula(runner, tmp_path):
    import csv
    import io

    hostile = _hostile(tmp_path)
    for args in (["report", "--all", "-f", "csv"], ["report", "--by-ally", "-f", "csv"],
                 ["report", "--selectivity", "-f", "csv"], ["query", "request-status", "-f", "csv"]):
        result = runner.invoke(app, [*args, str(hostile)])
        assert result.exit_code == 0, result.output
        cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "@")) or (c.startswith("-") and not c[1:].isdigit())], args
        assert any(c.startswith("'=HYPERLINK") for c in cells) or args[1] != "request-status"


def test_markdown_passes_no_html_and_links_only_the_web(runner, tmp_path):
    result = runner.invoke(app, ["report", "--all", "-f", "markdown", str(_hostile(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "<img" not in result.stdout and "<script" not in result.stdout and "](javascript:" not in result.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;" in result.stdout


def test_a_label_cannot_break_the_pages_embedded_data(runner, tmp_path):
    import json

    page = tmp_path / "page.html"
    result = runner.invoke(app, ["viz", str(_hostile(tmp_path)), "-o", str(page)])
    assert result.exit_code == 0, result.output
    html_text = page.read_text()
    embedded = html_text.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<!--" not in embedded and "<script" not in embedded
    labels = [n["label"] for n in json.loads(embedded)["nodes"]]
    assert "Tor <!-- League <script>alert(1)</script>" in labels
