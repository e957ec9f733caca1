"""Property-based fuzzing of every input the command line reads (hypothesis).

Seeds are real files (the bundled graphs, tests/fixtures, the shipped queries, importer fixtures
written by tests/fixture_files.py) converted to each RDF format, plus seeds that plant the URL
of a counting HTTP server on 127.0.0.1 wherever a parser or engine could fetch it (SERVICE,
FROM, LOAD, a JSON-LD @context, an XML external entity, owl:imports, @base). Each example is a
seed with byte and token mutations, or junk built from the format's tokens, run through the
real CLI. Every run must end with exit 0, 1 or 2, an error must be one line (``Error: ...``,
optionally a ``hint:`` line) with no traceback, a failed run must leave no output file, and
the counting server must get no request at all.

CI runs a fixed, derandomized sample (about two minutes in all); set CSTOGRAPH_FUZZ_EXAMPLES
for longer runs (and CSTOGRAPH_FUZZ_RANDOM=1 for new examples each run). The tally per category
is printed at the end with ``-s``.
"""

from __future__ import annotations

import collections
import os
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgtest import FIXTURES, REPO
from cstograph.cli import app
from fixture_files import BF_COLUMNS, BF_FIXTURE_ROWS, bf_row, member, write_atop, write_dta

pytestmark = pytest.mark.slow  # minutes of examples: the full suite runs them, the quick subset not

EXAMPLES = int(os.environ.get("CSTOGRAPH_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=not os.environ.get("CSTOGRAPH_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
TALLY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


# ---------------------------------------------------------------- the counting server


class _Canary(BaseHTTPRequestHandler):
    requests: list[str] = []

    def _any(self) -> None:
        type(self).requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _any

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def canary():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/canary"
    server.shutdown()
    server.server_close()
    _print_tally()


def _print_tally() -> None:
    if not TALLY:
        return
    print("\n| category | inputs tried | exit 0/1 | clean errors (2) | crashes | data lost | outbound requests |")
    print("|---|---|---|---|---|---|---|")
    for name, c in sorted(TALLY.items()):
        print(f"| {name} | {c['tried']} | {c['ok']} | {c['clean']} | {c['crash']} | {c['lost']} | "
              f"{len(_Canary.requests)} |")


# ---------------------------------------------------------------- seeds



def rdf_seeds(url: str) -> dict[str, list[bytes]]:
    """Real data in every RDF format, plus seeds that name the canary URL."""
    from rdflib import Dataset

    sources = [FIXTURES / "mini.trig", FIXTURES / "defects.ttl", REPO / "graphs" / "links.ttl",
               REPO / "graphs" / "kazakhstan-2022.ttl", REPO / "graphs" / "russia-armenia-1997.ttl"]
    seeds: dict[str, list[bytes]] = {"ttl": [], "trig": [], "jsonld": [], "rdf": [], "nq": []}
    for source in sources:
        dataset = Dataset()
        dataset.parse(source, format="trig" if source.suffix == ".trig" else "turtle")
        seeds["ttl" if source.suffix == ".ttl" else "trig"].append(source.read_bytes())
        seeds["nq"].append(dataset.serialize(format="nquads", encoding="utf-8"))
        seeds["jsonld"].append(dataset.serialize(format="json-ld", encoding="utf-8"))
        union = dataset.graph(dataset.default_graph.identifier)
        for graph in dataset.graphs():
            union += graph
        seeds["rdf"].append(union.serialize(format="xml", encoding="utf-8"))
    seeds["ttl"] += [f"@prefix owl: <http://www.w3.org/2002/07/owl#> . <urn:o> owl:imports <{url}> .".encode(),
                     f"@base <{url}/> . <a> <b> <c> .".encode()]
    seeds["trig"].append(f"<{url}> {{ <urn:a> <urn:b> <{url}> }}".encode())
    seeds["jsonld"] += [(f'{{"@context": "{url}", "@id": "urn:a", "name": "x"}}').encode(),
                        (f'{{"@context": {{"@import": "{url}"}}, "@id": "urn:a"}}').encode(),
                        (f'{{"@context": [{{"@vocab": "urn:v#"}}, "{url}"], "@id": "urn:a", "p": 1}}').encode()]
    seeds["rdf"] += [(f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "{url}">]>'
                      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                      '<rdf:Description rdf:about="urn:a"><rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>').encode(),
                     (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{url}">'
                      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                      f'xml:base="{url}"><rdf:Description rdf:about="a"/></rdf:RDF>').encode()]
    seeds["nq"].append(f"<urn:a> <urn:b> <{url}> <{url}> .\n".encode())
    return seeds


def query_seeds(url: str) -> list[bytes]:
    seeds = [path.read_bytes() for path in sorted((REPO / "queries").rglob("*.rq"))[:12]]
    seeds += [f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}".encode(),
              f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}".encode(),
              f"LOAD <{url}>".encode(),
              f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}".encode(),
              f"ASK {{ SERVICE <\\u0068ttp://127.0.0.1:{url.split(':')[2].split('/')[0]}/canary> {{ }} }}".encode(),
              f"DESCRIBE <{url}>".encode()]
    return seeds


TOKENS = [b"{", b"}", b"[", b"]", b"(", b")", b".", b";", b",", b'"', b'"""', b"'", b"<", b">", b"@prefix",
          b"@base", b"PREFIX", b"a", b"_:b", b"^^", b"@en", b"\\u0022", b"\\U0010FFFF", b"\\", b"\x00",
          b"\xff", b"\xef\xbb\xbf", "é".encode(), b"\n", b"#", b"SELECT", b"WHERE", b"SERVICE", b"GRAPH",
          b"FILTER(", b"VALUES", b"?x", b"1e999", b"99999999999999999999", b"-1", b"<!ENTITY", b"@context",
          b'"@id"', b"rdf:RDF", b"true", b"null"]


@st.composite
def mutated(draw, seeds: list[bytes], tokens: list[bytes]) -> bytes:
    """A seed with 1-4 mutations (flip, delete, insert a token, duplicate, truncate), or junk."""
    if draw(st.integers(0, 7)) == 0:
        return b" ".join(draw(st.lists(st.sampled_from(tokens), max_size=60)))
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "insert", "dup", "truncate"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(tokens)) * draw(st.sampled_from([1, 1, 2, 300]))
        elif op == "dup":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 200))] * draw(st.integers(1, 20))
        elif op == "truncate":
            del data[pos:]
    return bytes(data)


# ---------------------------------------------------------------- the checks


def check_run(runner, category: str, args: list[str], out: Path | None, folder: Path, inputs: set[str]) -> None:
    """Run the CLI in this process and check the rules; tally the outcome."""
    result = runner.invoke(app, args)
    tally = TALLY[category]
    tally["tried"] += 1
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    if crashed or result.exit_code not in (0, 1, 2):
        tally["crash"] += 1
        raise AssertionError(f"{args}: exit {result.exit_code}: {result.exception!r}\n{result.stderr}")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    if result.exit_code == 2:
        tally["clean"] += 1
        lines = result.stderr.splitlines()
        at = lines.index(errors[0]) if errors else -1
        assert at >= 0 and lines[at + 1:] in ([], [lines[-1]]) and (at == len(lines) - 1 or
                                                                   lines[-1].startswith("hint: ")), result.stderr
    else:
        tally["ok"] += 1
    assert "Traceback" not in result.stderr + result.stdout
    left = {p.name for p in folder.iterdir()} - inputs
    if result.exit_code == 2 and out is not None and (out.exists() or left):
        tally["lost"] += 1
        raise AssertionError(f"{args}: failed but left {sorted(left)}")
    assert not _Canary.requests, _Canary.requests


# ---------------------------------------------------------------- RDF formats


SUFFIX = {"ttl": ".ttl", "trig": ".trig", "jsonld": ".jsonld", "rdf": ".rdf", "nq": ".nq"}


@pytest.mark.parametrize("kind", list(SUFFIX))
def test_rdf_inputs(runner, canary, tmp_path_factory, kind):
    seeds = rdf_seeds(canary)[kind]

    @FUZZ
    @given(data=mutated(seeds, TOKENS + [canary.encode()]), how=st.sampled_from(["ox", "rdflib", "viz"]))
    def run(data, how):
        folder = tmp_path_factory.mktemp(kind)
        path = folder / f"input{SUFFIX[kind]}"
        path.write_bytes(data)
        out = folder / "out.graphml"
        if how == "viz":
            args = ["viz", str(path), "--view", "full", "-o", str(out), "--force"]
        else:
            args = ["validate", "--engine", "oxigraph" if how == "ox" else "rdflib", str(path)]
        check_run(runner, kind, args, out if how == "viz" else None, folder, {path.name})

    run()


def test_sparql_queries(runner, canary, tmp_path_factory):
    seeds = query_seeds(canary)

    @FUZZ
    @given(data=mutated(seeds, TOKENS + [canary.encode(), b"SERVICE <" + canary.encode() + b">"]),
           engine=st.sampled_from(["oxigraph", "rdflib"]))
    def run(data, engine):
        folder = tmp_path_factory.mktemp("rq")
        path = folder / "query.rq"
        path.write_bytes(data)
        check_run(runner, "sparql", ["query", str(path), "--engine", engine, "--force", str(FIXTURES / "mini.trig")],
                  None, folder, {path.name})

    run()


# ---------------------------------------------------------------- importers


DTA_TOKENS = [b"\x00", b"\xff" * 4, b"\xff\xff\xff\x7f", b"\x00" * 8, b"<", b">", b"</data>", b"<strls>",
              b"GSO", b"\x81\x00", b"\xe5\x00", b"118", b"117", b"119", b"LSF", b"MSF"]


NUMBERS = st.one_of(st.none(), st.integers(-(2 ** 31) + 1, 2 ** 31 - 100), st.sampled_from([0, 1, -1, 3190, 4000]),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))


@st.composite
def structured_dta(draw, rows: list[dict]):
    """Well-formed .dta files with a subset of the replication file's variables (maybe none),
    their types changed, and values drawn anew: (columns, rows) for write_dta."""
    names = draw(st.lists(st.sampled_from([name for name, _ in BF_COLUMNS]), unique=True, max_size=len(BF_COLUMNS)))
    kinds = dict(BF_COLUMNS)
    columns = [(name, draw(st.sampled_from([kinds[name], "double", "str12", "byte"]))) for name in names]
    table = []
    for _ in range(draw(st.integers(0, 4))):
        row = {}
        for name, kind in columns:
            if kind.startswith("str"):
                row[name] = draw(st.text(max_size=12).filter(lambda t: len(t.encode()) <= 12))
            elif kind == "byte":
                row[name] = draw(st.one_of(st.none(), st.integers(-127, 100)))
            else:
                value = draw(NUMBERS)
                row[name] = float(value) if value is not None else None
        table.append(row)
    return columns, table


def test_dta_files(runner, canary, tmp_path_factory):
    seed_folder = tmp_path_factory.mktemp("dta-seed")
    rows = [bf_row(w, n, a, sample=s, multilateral=m, llm=llm, bf=bf, lenient_llm=ll, lenient_bf=lb, types=t)
            for w, n, a, s, m, llm, bf, ll, lb, t in BF_FIXTURE_ROWS]
    seeds = [write_dta(seed_folder / f"bf{release}.dta", BF_COLUMNS, rows, release=release).read_bytes()
             for release in (117, 118, 119)]

    @FUZZ
    @given(data=st.one_of(mutated(seeds, DTA_TOKENS), structured_dta(rows)))
    def run(data):
        folder = tmp_path_factory.mktemp("dta")
        path = folder / "input.dta"
        path.write_bytes(data if isinstance(data, bytes) else write_dta(path, *data).read_bytes())
        out = folder / "out.ttl"
        check_run(runner, "dta", ["import", "reliability", str(path), "-o", str(out), "--quiet"], out, folder, {path.name})

    run()


def _atop_seeds(folder: Path) -> tuple[bytes, bytes]:
    alliances = [{"atopid": 4220, "begyr": 1992, "begmo": 5, "begday": 15, "bilat": 0},
                 {"atopid": 4890, "begyr": 1997, "begmo": 8, "begday": 29, "bilat": 1}]
    members = [member(4220, 365, (1992, 5, 15), (2002, 10, 7), phase=1, defense=1, consul=1),
               member(4220, 365, (2002, 10, 7), None, phase=2, defense=1, defcoadv=1, defcon=1),
               member(4890, 371, (1997, 8, 29), None, defense=1, consul=1, concoreq=1, concon=1)]
    a, m = write_atop(folder, alliances, members)
    return a.read_bytes(), m.read_bytes()


CSV_TOKENS = [b",", b"\n", b"\r\n", b'"', b'""', b"0", b"-1", b"1e999", b"nan", b"99999999999999999999",
              b"13", b"31", b"\x00", b"\xff", b"atopid", b"member", b"=cmd|' /C calc'!A0", b" "]


CELLS = st.one_of(st.sampled_from([b"", b"0", b"-1", b"1e999", b"nan", b"inf", b"99999999999999999999", b"13",
                                   b"32", b"2.5", b" 7 ", b"x", b'"1,2"', b"\xff"]),
                  st.integers(-10 ** 25, 10 ** 25).map(lambda n: str(n).encode()))


@st.composite
def cell_mutated(draw, seed: bytes) -> bytes:
    """The CSV with 1-3 cells replaced by odd values (numbers out of range, words, blanks)."""
    lines = [line.split(b",") for line in seed.splitlines()]
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(1, len(lines) - 1))
        lines[row][draw(st.integers(0, len(lines[row]) - 1))] = draw(CELLS)
    return b"\n".join(b",".join(cells) for cells in lines) + b"\n"


def test_atop_csv_files(runner, canary, tmp_path_factory):
    alliance_seed, member_seed = _atop_seeds(tmp_path_factory.mktemp("atop-seed"))

    @FUZZ
    @given(which=st.sampled_from(["alliance", "member", "both"]),
           alliances=st.one_of(mutated([alliance_seed], CSV_TOKENS), cell_mutated(alliance_seed)),
           members=st.one_of(mutated([member_seed], CSV_TOKENS), cell_mutated(member_seed)))
    def run(which, alliances, members):
        folder = tmp_path_factory.mktemp("atop")
        a, m = folder / "alliances.csv", folder / "members.csv"
        a.write_bytes(alliances if which != "member" else alliance_seed)
        m.write_bytes(members if which != "alliance" else member_seed)
        out = folder / "atop.ttl"
        check_run(runner, "atop", ["import", "atop", str(a), str(m), "-o", str(out), "--quiet"], out, folder,
                  {a.name, m.name})

    run()


# ---------------------------------------------------------------- a sample as real processes


def test_a_sample_as_real_processes(canary, tmp_path):
    """The same kinds of mutation, fixed by a seeded generator, run as `python -m cstograph`:
    the exit code of a bug (4) and Python tracebacks only show there."""
    rng = random.Random(12)
    seeds = rdf_seeds(canary)
    cases: list[tuple[str, bytes]] = []
    for kind in SUFFIX:
        for _ in range(3):
            data = bytearray(rng.choice(seeds[kind]))
            for _ in range(rng.randint(1, 3)):
                pos = rng.randrange(len(data) + 1)
                data[pos:pos] = rng.choice(TOKENS + [canary.encode()])
            cases.append((SUFFIX[kind], bytes(data)))
    for data in query_seeds(canary)[-6:]:
        cases.append((".rq", data))
    for number, (suffix, data) in enumerate(cases):
        path = tmp_path / f"case{number}{suffix}"
        path.write_bytes(data)
        args = (["query", str(path), "--force", str(FIXTURES / "mini.trig")] if suffix == ".rq"
                else ["validate", str(path)])
        done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True,
                              timeout=120)
        TALLY["subprocess sample"]["tried"] += 1
        TALLY["subprocess sample"]["clean" if done.returncode == 2 else "ok"] += 1
        assert done.returncode in (0, 1, 2), (args, done.stderr)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        if done.returncode == 2:
            lines = done.stderr.splitlines()
            assert lines[0].startswith("Error: ") and len(lines) <= 2, (args, done.stderr)
    assert not _Canary.requests, _Canary.requests


# ---------------------------------------------------------------- guard candidates around SERVICE


# Every whitespace and line-terminator character SPARQL, Python, Unicode or another parser may
# count, raw and as codepoint escapes, and what can surround them (comments, strings, IRIs).
GUARD_SEPARATORS = [" ", "\t", "\n", "\r", "\r\n", "\f", "\v", "\x85", "\u2028", "\u2029", "\x00", "\xa0",
                    "\x1c", "\x1d", "\x1e", "\x1f", "\u200b", "\ufeff", "\u3000", "\\u000D", "\\u000A",
                    "\\U0000000D", "\\u0020", "\\u2028", "\\u000C", "\\u0009"]
GUARD_TERMINATORS = ["\\u000D", "\\U0000000D", "\\u000d", "\r", "\n", "\r\n", "\r\r", "\f", "\v", "\x85",
                     "\u2028", "\u2029", "\\u000A", "\\u2028", "\\u0085", "\\u000C"]
GUARD_PIECES = GUARD_SEPARATORS + ["#", "# x ", '"', "'", '"""', "<", ">", "\\", "{", "}", ".", "?a"]


@st.composite
def service_candidates(draw, url: str) -> bytes:
    """A query that would call SERVICE <url> if some parser read the pieces around it as
    whitespace or the end of a comment."""
    def pieces() -> str:  # often a plain space (a valid query), else separators or a stray token
        if draw(st.integers(0, 5)):
            return " "
        choices = GUARD_PIECES if draw(st.integers(0, 4)) == 0 else GUARD_SEPARATORS
        return "".join(draw(st.lists(st.sampled_from(choices), max_size=3)))

    def comment_then_separator() -> str:  # a comment some parser may end at the separator
        return "# x" + draw(st.sampled_from(GUARD_TERMINATORS)) + pieces()

    keyword = draw(st.sampled_from(["SERVICE", "service", "\\u0053ERVICE", "SERVICE SILENT"]))
    before = comment_then_separator() if draw(st.booleans()) else pieces()
    text = (f"SELECT * WHERE {{ ?s ?p ?o .{before}{keyword}{pieces()}<{url}>{pieces()}"
            f"{{ ?a ?b ?c }}{pieces()}\n}}{pieces()}LIMIT 1")
    return text.encode("utf-8")


def test_guard_candidates_around_service(runner, canary, tmp_path_factory):
    @FUZZ
    @given(data=service_candidates(canary), engine=st.sampled_from(["oxigraph", "rdflib"]))
    def run(data, engine):
        folder = tmp_path_factory.mktemp("service")
        path = folder / "query.rq"
        path.write_bytes(data)
        check_run(runner, "SERVICE candidates", ["query", str(path), "--engine", engine, "--force", str(FIXTURES / "mini.trig")],
                  None, folder, {path.name})

    run()
