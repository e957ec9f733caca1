"""Limits on a process that evaluates queries: a memory bound, and no network when none was asked.

Memory. A 1.3 KB query that doubles a string forty times asks for terabytes; Oxigraph aborts
the process when an allocation fails (no exception reaches Python). So the query runs in a
process of its own under ``RLIMIT_AS`` (address space): ``query`` forks one, ``serve``'s workers
are such processes. When the bound is hit the process dies or raises MemoryError, and the
parent reports one clean line (``query``: exit 2; ``serve``: 503). The bound is
``DEFAULT_MEMORY`` unless ``--memory-limit`` or ``CSTOGRAPH_QUERY_MEMORY`` says otherwise.

Network. pyoxigraph compiles in an HTTP client for SERVICE and offers no option to switch it
off (``Store.query`` takes no service handler). Where Linux allows unprivileged user
namespaces, a query process that was asked for nothing remote moves into a new, empty network
namespace: it has no interface but a loopback that is down, so no guard mistake can reach any
address. Elsewhere the guard is the only barrier.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
import sys
from collections.abc import Callable

from cstograph.errors import UsageError

MIB = 1024 * 1024
DEFAULT_MEMORY = 4096 * MIB
MEMORY_ENV = "CSTOGRAPH_QUERY_MEMORY"
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_SIZE = re.compile(r"^\s*([0-9]+)\s*([KMGT]?)i?B?\s*$", re.I)


def parse_memory(text: str | int | None, source: str = "--memory-limit") -> int | None:
    """Bytes from '4096M', '4G', '512MiB', a number of MiB, or None for the default; 0 (or
    'none') means no bound. Anything else is a UsageError."""
    if text is None:
        text = os.environ.get(MEMORY_ENV)
        source = MEMORY_ENV
        if text is None or not str(text).strip():
            return DEFAULT_MEMORY
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise UsageError(f"{source}: expected a size such as 4G or 512M, not {type(text).__name__}")
    if isinstance(text, int) or str(text).strip().lower() in ("0", "none"):
        number = int(text) if not isinstance(text, str) else 0
        if number < 0:
            raise UsageError(f"{source}: {text!r} is negative")
        return number * MIB or None
    match = _SIZE.match(text)
    if match is None or len(match.group(1)) > 9:
        raise UsageError(f"{source}: {text!r} is not a size", hint="write it like 4G, 512M or 2048 (MiB); 0 for no bound")
    scale = {"": MIB, "K": 1024, "M": MIB, "G": 1024 * MIB, "T": 1024 * 1024 * MIB}[match.group(2).upper()]
    value = int(match.group(1)) * scale
    if value and value < 64 * MIB:
        raise UsageError(f"{source}: {text!r} is below 64 MiB, too little to load Python", hint="give at least 64M")
    return value or None


def describe(limit: int | None) -> str:
    return "no bound" if limit is None else f"{limit // MIB} MiB"


def limit_memory(limit: int | None) -> None:
    """Bound this process's address space (``limit`` bytes beyond none: None leaves it as is)."""
    if limit is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def cut_network() -> bool:
    """Move this (single-threaded) process into a new user and network namespace; True when
    done. Sockets opened afterwards reach nothing; files and pipes already open still work."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def can_fork_here() -> bool:
    """Forking is only done from a real command line: stdout and stderr are files, and no other
    thread runs (a fork copies one thread, whatever locks the others hold)."""
    # deferred to the first call: keeps threading out of importing cstograph.engines.sandbox
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    try:
        sys.stdout.fileno(), sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def run_limited(body: Callable[[], None], *, memory: int | None, network: bool) -> int:
    """Run ``body`` (which prints its output and may raise SystemExit) in a forked child under
    the memory bound, without network unless ``network``; return its exit code. A child killed
    for memory, or one that ran out of it, is reported by the parent as one line, exit 2: the
    child's own stderr is passed on only when it ended by itself."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        code = 4
        try:
            os.close(read_end)
            os.dup2(write_end, 2)
            os.close(write_end)
            if not network:
                cut_network()
            limit_memory(memory)
            try:
                body()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            except MemoryError:
                code = _OUT_OF_MEMORY
            except Exception as exc:  # noqa: BLE001 - the CLI's Exit (it carries exit_code), or a bug: exit 4
                if isinstance(getattr(exc, "exit_code", None), int):
                    code = exc.exit_code
                else:
                    sys.stderr.write(f"Internal error: {type(exc).__name__}: {exc}\n"
                                     "This is a bug in cstograph; set CSTOGRAPH_DEBUG=1 to see the traceback.\n")
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as errors:
        captured = errors.read()
    _, status = os.waitpid(pid, 0)
    signalled = os.WIFSIGNALED(status)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
    if signalled or code == _OUT_OF_MEMORY:
        if signalled and os.WTERMSIG(status) not in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS):
            sys.stderr.write(f"Error: the query process was stopped by signal {os.WTERMSIG(status)}\n")
            return 2
        sys.stderr.write(f"Error: the query needed more memory than its bound ({describe(memory)})\n"
                         f"hint: raise the bound with --memory-limit or {MEMORY_ENV} (0 for none), "
                         "or ask for less\n")
        return 2
    sys.stderr.buffer.write(captured) if hasattr(sys.stderr, "buffer") else sys.stderr.write(captured.decode())
    sys.stderr.flush()
    return code


_OUT_OF_MEMORY = 87  # the child's code for "ran out of memory", never passed on to the user
