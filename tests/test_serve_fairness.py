"""`serve` stays available to others: a request must arrive whole within a deadline, however
slowly it is fed, and connections are capped (the cap's excess gets 503 at once)."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time
import urllib.parse

import pytest

from cgtest import FIXTURES
from test_serve import cstograph_serve, http

MINI = str(FIXTURES / "mini.trig")
# A heavy query holds each of two server workers (both cores) until its timeout, 4-10 s a test:
# slow. The quick subset keeps the timeout and the replacement of workers in
# test_serve.py::test_heavy_queries_past_the_timeout_cannot_lock_the_server_up.
HOLDS_BOTH_CORES = pytest.mark.slow


def _connect(url: str) -> socket.socket:
    parts = urllib.parse.urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def test_a_request_fed_one_byte_at_a_time_is_cut_at_the_deadline():
    with cstograph_serve(MINI, "--request-deadline", "2") as url:
        conn = _connect(url)
        start = time.monotonic()
        closed_after = None
        request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40
        for byte in request:  # one byte every 0.5 s: each read is quick, the whole is not
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                closed_after = time.monotonic() - start
                break
            time.sleep(0.5)
            conn.setblocking(False)
            try:
                if conn.recv(100) == b"":
                    closed_after = time.monotonic() - start
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed_after = time.monotonic() - start
                break
            finally:
                conn.setblocking(True)
        conn.close()
        assert closed_after is not None and closed_after < 6, closed_after
        status, _, _ = http(url + "?query=" + urllib.parse.quote("ASK {}"))
        assert status == 200


def test_connections_past_the_cap_get_503_and_the_server_recovers():
    with cstograph_serve(MINI, "--max-connections", "2", "--request-deadline", "30") as url:
        idle = [_connect(url) for _ in range(2)]
        time.sleep(0.5)
        extra = _connect(url)
        answer = extra.recv(200)
        assert answer.startswith(b"HTTP/1.1 503") and b"too many connections" in answer, answer
        extra.close()
        for conn in idle:
            conn.close()
        time.sleep(0.5)
        status, _, _ = http(url + "?query=" + urllib.parse.quote("ASK {}"))
        assert status == 200


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross product: minutes
LIGHT = "ASK { ?s ?p ?o }"


def _get(url: str, query: str):
    return http(url + "?query=" + urllib.parse.quote(query))


def _light_beside_heavy(url: str, heavy_count: int) -> tuple[float, int, list[int]]:
    """Seconds a light query takes while ``heavy_count`` heavy ones run, its status, theirs."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=heavy_count) as pool:
        heavy = [pool.submit(_get, url, HEAVY) for _ in range(heavy_count)]
        time.sleep(1.0)  # the heavy queries hold the workers
        started = time.monotonic()
        status, _, body = _get(url, LIGHT)
        took = time.monotonic() - started
        assert status != 200 or json.loads(body)["boolean"] is True
        return took, status, [future.result()[0] for future in heavy]


@HOLDS_BOTH_CORES
def test_a_light_query_does_not_wait_behind_as_many_heavy_queries_as_workers():
    """Two workers busy with heavy queries: the light query used to wait the whole timeout (8 s)
    and get 503; the light lane answers it at once."""
    with cstograph_serve(MINI, "--workers", "2", "--timeout", "8") as url:
        took, status, heavy = _light_beside_heavy(url, 2)
        assert status == 200 and took < 4, (status, took)
        assert heavy == [503, 503]


@HOLDS_BOTH_CORES
def test_heavy_queries_cannot_hold_the_light_lane():
    """With more heavy queries than workers, the extra one takes the light worker for
    --light-seconds only, then waits for a general worker; the light query still gets through."""
    with cstograph_serve(MINI, "--workers", "2", "--timeout", "10", "--light-seconds", "1") as url:
        took, status, heavy = _light_beside_heavy(url, 4)
        assert status == 200 and took < 6, (status, took)
        assert heavy == [503] * 4


@HOLDS_BOTH_CORES
def test_without_a_light_lane_the_light_query_waits():
    """--light-workers 0 is the plain pool, the control: the light query waits until the heavy
    queries time out (4 s after they began) and their workers are replaced."""
    with cstograph_serve(MINI, "--workers", "2", "--timeout", "4", "--light-workers", "0") as url:
        took, status, _ = _light_beside_heavy(url, 2)
        assert took > 2.5, (status, took)  # until the heavy queries' workers were killed and replaced
