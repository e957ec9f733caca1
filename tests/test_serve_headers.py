"""`serve` answers every malformed or doubled header with a status, never a traceback or
silence, and refuses Host values that only look local."""

from __future__ import annotations

import socket
import urllib.parse

import pytest

from cgtest import FIXTURES
from test_serve import _read_all, cstograph_serve, http


@pytest.fixture(scope="module")
def endpoint():
    with cstograph_serve(str(FIXTURES / "mini.trig"), "--workers", "1") as url:
        yield url


def raw(url: str, head: str, body: bytes = b"") -> str:
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as conn:
        conn.sendall(head.encode("latin-1") + body)  # how http.server decodes header bytes
        return _read_all(conn)


@pytest.mark.parametrize("headers, status", [
    ("Host: 127.0.0.1\r\nContent-Length: \u00b2", "400"),  # a superscript two: isdigit() but not int()
    ("Host: 127.0.0.1\r\nContent-Length: 1\u00b3", "400"),  # a superscript three after an ASCII one
    ("Host: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 5", "400"),
    ("Host: [", "403"),
    ("Host: 127.0.0.1\r\nOrigin: http://[", "403"),
    ("Host: 127.0.0.1\r\nHost: evil.example", "403"),
    ("Host: evil.example\\@127.0.0.1", "403"),
    ("Host: evil.example@127.0.0.1", "403"),
    ("Host: 127.0.0.1\r\nOrigin: http://evil.example\\@127.0.0.1", "403"),
    ("Host: 127.0.0.1\r\nOrigin: null", "403"),
])
def test_odd_headers_get_a_status_and_the_server_goes_on(endpoint, headers, status):
    head = f"POST /sparql HTTP/1.1\r\n{headers}\r\nContent-Type: application/sparql-query\r\nConnection: close\r\n\r\n"
    answer = raw(endpoint, head, b"ASK{}")
    assert answer.startswith(f"HTTP/1.1 {status}"), answer[:300]
    code, _, body = http(endpoint + "?query=" + urllib.parse.quote("ASK {}"))
    assert code == 200 and b"true" in body


def test_local_hosts_and_origins_are_still_answered(endpoint):
    port = urllib.parse.urlsplit(endpoint).port
    for headers in (f"Host: 127.0.0.1:{port}", f"Host: localhost:{port}\r\nOrigin: http://localhost:{port}",
                    f"Host: [::1]:{port}\r\nOrigin: http://127.0.0.1:{port}"):
        answer = raw(endpoint, f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n{headers}\r\nConnection: close\r\n\r\n")
        assert answer.startswith("HTTP/1.1 200"), (headers, answer[:300])
