"""Calls that recurse deeply (rdflib's parsers): run on a thread with a deep stack, one at a time."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# rdflib's parser (pyparsing) is not thread-safe: concurrent parses fail at random (seen under
# `cstograph serve` with several clients). Parsing takes milliseconds, so parses take turns.
_PARSE_LOCK = threading.RLock()

# rdflib's SPARQL parser and algebra recurse once (or more) per triple pattern and per nested
# bracket: with Python's default limit, 200 triple patterns or 50 nested parentheses fail as
# "maximum recursion depth exceeded". They run in a thread with a stack this big (reserved, not
# used, until the recursion needs it) and this recursion limit; beyond it a query is refused.
DEEP_STACK_BYTES = 512 * 1024 * 1024
DEEP_RECURSION_LIMIT = 60_000


def run_deep(function: Callable[..., T], *args) -> T:
    """``function(*args)`` on a thread with a deep stack and a high recursion limit (the limit is
    the interpreter's, so deep calls take turns under the parse lock); its exception is re-raised."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append((False, exc))

    with _PARSE_LOCK:
        previous_stack, previous_limit = threading.stack_size(), sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, DEEP_RECURSION_LIMIT))
        try:
            threading.stack_size(DEEP_STACK_BYTES)
            try:
                worker = threading.Thread(target=target, name="deep-parse")
                worker.start()
            except RuntimeError:  # no memory for such a stack (a tight ulimit -v): the usual depth
                worker = None
            finally:
                threading.stack_size(previous_stack)
            if worker is None:
                sys.setrecursionlimit(previous_limit)
                target()
            else:
                worker.join()
        finally:
            sys.setrecursionlimit(previous_limit)
    ok, value = outcome[0]
    if ok:
        return value
    raise value
