"""`serve` stays available to others: a request must arrive whole within a deadline, however
slowly it is fed, and connections are capped (the cap's excess gets 503 at once)."""

from __future__ import annotations

import socket
import time
import urllib.parse

from cgtest import FIXTURES
from test_serve import cstograph_serve, http

MINI = str(FIXTURES / "mini.trig")


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
