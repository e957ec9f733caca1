"""What people see in a terminal: the CLI run in a real pseudo-terminal of 80, 120 and 200
columns (set with TIOCSWINSZ), checked against the JSON report of the same data: whole dates
and names, no line wider than the terminal, colour in a terminal and none in a pipe."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest

import cstograph
from cgtest import CASES
from cstograph.base.words import days_text
from cstograph.cli import app
from cstograph.engines.queries import run_named
from cstograph.output.text_layout import wrap

DELAYS = CASES / "terminal" / "delays.ttl"
CLI = [sys.executable, "-m", "cstograph"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WIDTHS = (80, 120, 200)


def in_terminal(args: list[str], columns: int, env: dict | None = None) -> str:
    """stdout of the CLI run on a pseudo-terminal ``columns`` wide (isatty is true)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    environment.update(env or {})
    process = subprocess.Popen(CLI + args, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=environment)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("no output for 120 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(60) == 0, process.stderr.read().decode()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def in_a_pipe(args: list[str]) -> str:
    result = subprocess.run(CLI + args, capture_output=True, text=True, timeout=300,
                            env={k: v for k, v in os.environ.items() if k != "NO_COLOR"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def plain(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


@pytest.fixture(scope="module")
def printed(runner):
    """printed(*args) -> what the command prints, run in this process once per module: the JSON,
    CSV and Markdown a screen is compared with (where a pipe is the point, ``in_a_pipe`` runs)."""
    outputs: dict[tuple, str] = {}

    def run(*args: str) -> str:
        if args not in outputs:
            result = runner.invoke(app, list(args))
            assert result.exit_code == 0, result.output
            outputs[args] = result.stdout
        return outputs[args]

    return run


@pytest.fixture(scope="module")
def report_json(bundled_report) -> list[dict]:
    return json.loads(bundled_report)


@pytest.fixture(scope="module")
def bundled():
    """The bundled graphs opened once for the module (what the screens are compared with)."""
    return cstograph.open()


@pytest.fixture(scope="module")
def report_screens() -> dict[int, str]:
    return {width: in_terminal(["report", "--all"], width) for width in WIDTHS}


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_the_terminal_and_keeps_dates_and_names_whole(report_screens, report_json, bundled, width):
    lines = plain(report_screens[width])
    too_wide = [line for line in lines if len(line) > width]
    assert not too_wide, too_wide[:3]
    starts = [line for line in lines if re.match(r"\d{4}-\d{2}-\d{2}  ", line)]
    assert len(starts) == len(report_json)  # one row per request, each opening with its whole date
    for row, line in zip(report_json, starts):
        assert line.startswith(row["date"] + "  ")
        assert row["requesterLabel"] in line  # the whole name on the row's own line
        assert row["status"] in line.split()
    for row in report_json:  # every date in the report appears whole
        for response in row["responses"]:
            assert any(response["date"] in line for line in lines), response["date"]
    # the addressee: its short name (cg:shortName) or its whole label, on the row's line
    short = {str(r[1]) for r in bundled.query("short-names").rows}
    assert short
    for row, line in zip(report_json, starts):
        assert row["addresseeLabel"] in line or any(s in line for s in short), line


@pytest.mark.parametrize("width", WIDTHS)
def test_contested_requests_are_marked_and_named(report_screens, report_json, width):
    lines = plain(report_screens[width])
    contested = [r for r in report_json if any(c["status"] != r["status"] for c in r["contested"])]
    assert contested
    text = "\n".join(lines)
    assert text.count("contested: ") == len(contested)
    for row in contested:
        differing = next(c for c in row["contested"] if c["status"] != row["status"])
        block = text[text.index(row["request"].rsplit("/", 1)[1]) - 2000:text.index(row["request"].rsplit("/", 1)[1])]
        assert f"{differing['status']} according to" in block


def test_colour_in_a_terminal_none_in_a_pipe_or_with_no_color(report_screens):
    screen = report_screens[120]
    assert "\x1b[1;31munmet\x1b[0m" in screen and "\x1b[32mmet\x1b[0m" in screen
    assert "\x1b[33mnot-triggered\x1b[0m" in screen and "\x1b[1;35mcontested\x1b[0m" in screen
    assert "\x1b[" not in in_a_pipe(["report", "--all", "-f", "table"])
    assert "\x1b[" not in in_terminal(["report", "--all", str(DELAYS)], 80, env={"NO_COLOR": "1"})


@pytest.mark.parametrize("width", (80, 200))
def test_by_ally_groups_requests_with_short_names_and_days(printed, bundled, width):
    allies = json.loads(printed("report", "--by-ally", "-f", "json"))["allies"]
    lines = plain(in_terminal(["report", "--by-ally"], width))
    assert not [line for line in lines if len(line) > width]
    text = "\n".join(lines)
    assert "North Atlantic Treaty Organization" not in text and "allies in NATO; request met" in text
    heads = [line for line in lines if re.match(r"\d{4}-\d{2}-\d{2}  ", line)]
    # one head per request and alliance (France's three requests of 1936-03-10 under Locarno are three)
    duties = bundled.allies()
    assert len(heads) == len({(d.request, d.alliance) for d in duties})
    assert {(a["date"], a["requester"], a["alliance"]) for a in allies} == {
        (d.request_date, d.requester, d.alliance) for d in duties}
    for ally in allies:  # each ally's row gives its days to help, or says it gave none
        expected = days_text(ally["days"], none="–")
        assert any(re.match(rf"  {re.escape(ally['ally'])}\s+{re.escape(ally['honoured'])}\s+{re.escape(expected)}(\s|$)",
                            line) for line in lines), ally


@pytest.mark.parametrize("width", (80, 120))
def test_selectivity_never_splits_a_request_or_a_name(printed, width):
    cases = json.loads(printed("report", "--selectivity", "-f", "json"))
    lines = plain(in_terminal(["report", "--selectivity"], width))
    assert not [line for line in lines if len(line) > width]
    text = "\n".join(lines)
    for case in cases:
        assert "cgd:" + case["request"].rsplit("/", 1)[1] in text  # whole, on one line
        assert any(case["date"] in line and case["requester"] in line for line in lines)


@pytest.fixture(scope="module")
def piped_explanation() -> str:
    return in_a_pipe(["explain", "cgd:request-2022-09-13-Armenia-CSTO"])


@pytest.mark.parametrize("width", (80, 120))
def test_explain_wraps_with_hanging_indents_and_colour(printed, piped_explanation, width):
    request = "cgd:request-2022-09-13-Armenia-CSTO"
    explained = json.loads(printed("explain", request, "-f", "json"))
    screen = in_terminal(["explain", request], width)
    assert "\x1b[1;31mUNMET\x1b[0m" in screen and "\x1b[32m[+]\x1b[0m" in screen
    lines = plain(screen)
    sources = [s for step in explained["steps"] for s in step["sources"]] + explained["verdict"]["sources"]
    urls = {s["url"] for s in sources if s.get("url")}
    for line in lines:  # only a URL too long for any line may pass the width, alone on its line
        assert len(line) <= width or line.strip() in urls, line
    numbered = [n for n, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    assert len(numbered) == len(explained["steps"])
    for n in numbered:  # continuation lines of a step are indented under its text
        following = lines[n + 1] if n + 1 < len(lines) else ""
        assert following == "" or following.startswith("       ") or re.match(r"\d+\. ", following)
    piped = piped_explanation
    assert "\x1b[" not in piped
    assert len([line for line in piped.splitlines() if re.match(r"\d+\. ", line)]) == len(explained["steps"])


# ---------------------------------------------------------------- wording of delays


def test_delays_are_worded_with_correct_plurals(printed):
    rows = {r["date"]: r for r in json.loads(printed("report", "--all", "-f", "json", str(DELAYS)))}
    assert [rows[d]["daysToFirstResponse"] for d in sorted(rows)] == [1, 0, None]
    lines = plain(in_terminal(["report", "--all", str(DELAYS)], 80))
    line_of = {d: next(line for line in lines if line.startswith(d)) for d in rows}
    assert line_of["2020-03-01"].endswith("after 1 day")
    assert line_of["2020-05-01"].endswith("same day")
    assert line_of["2020-07-01"].endswith("none")
    assert not any(re.search(r"\b1 days\b|\b[02-9] day\b", line) for line in lines)
    markdown = printed("report", "--all", "-f", "markdown", str(DELAYS))
    header, _, *body = markdown.splitlines()
    columns = [c.strip() for c in header.strip("|").split("|")]
    first = columns.index("First response")
    assert columns.index("First response") < columns.index("Responses")  # the request's delay, before its responses
    cells = {r.split("|")[1].strip(): [c.strip() for c in r.strip().strip("|").split("|")] for r in body}
    assert cells["2020-03-01"][first] == "after 1 day" and cells["2020-05-01"][first] == "same day"
    assert cells["2020-07-01"][first] == "none"
    assert "days" not in cells["2020-03-01"][columns.index("Responses")]
    allies = plain(in_terminal(["report", "--by-ally", str(DELAYS)], 80))
    assert any(re.search(r"through the alliance\s+1 day(\s|$)", line) for line in allies)
    assert any(re.search(r"through the alliance\s+2 days(\s|$)", line) for line in allies)


def test_days_text():
    assert [days_text(n) for n in (0, 1, 2, 31)] == ["same day", "1 day", "2 days", "31 days"]
    assert days_text(None) == "none" and days_text(None, none="–") == "–"


def test_wrap_never_splits_a_word_that_fits():
    text = "Collective Security Treaty Organization 2022-09-13 Kyrgyzstan"
    for width in range(len("Organization"), 40):
        lines = wrap(text, width)
        assert all(len(line) <= width for line in lines)
        assert " ".join(lines) == text  # every break is at a space


# ---------------------------------------------------------------- CSV and short names


def test_csv_has_label_columns_beside_iri_columns(printed):
    rows = list(csv.DictReader(io.StringIO(printed("report", "--all", "-f", "csv", str(DELAYS)))))
    as_json = {r["request"]: r for r in json.loads(printed("report", "--all", "-f", "json", str(DELAYS)))}
    assert rows and list(rows[0])[:4] == ["request", "date", "requester", "requesterLabel"]
    for row in rows:
        j = as_json[row["request"]]
        for key in ("requester", "addressee", "obligation"):
            assert row[key] == j[key] and row[key + "Label"] == j[key + "Label"]
        assert row["responseLabels"].count(";") == max(len(j["responses"]) - 1, 0)


def test_short_names_query(engine_for):
    rows = run_named(engine_for(DELAYS), "short-names").records()
    assert [(str(r["node"]), str(r["shortName"])) for r in rows] == [("http://example.org/t/L", "Tor League")]
    lines = plain(in_terminal(["report", "--all", str(DELAYS)], 120))
    assert any(line.startswith("2020-03-01") and "Tor League" in line for line in lines)
    assert not any(re.match(r"\d{4}-", line) and "League of the Treaty of Tor" in line for line in lines)
