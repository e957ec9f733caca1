"""Progress of long runs on stderr: what is being done now (a phase name), how far, how long.

A command turns the display on around its work with ``show_progress(quiet)``; library code
anywhere below names its phases with ``phase("parsing")`` and, when it can count,
advances them with the callback ``phase`` yields. Nothing is shown unless stderr is a terminal
and the user did not ask for ``--quiet``: in a pipe, a log or a test every call is a no-op, so
stdout and stderr carry exactly what they carried before.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Advance a phase: advance(done) or advance(done, total).
Advance = Callable[..., None]

_display: ContextVar[object | None] = ContextVar("cstograph_progress", default=None)


def _ignore(done: int, total: int | None = None) -> None:
    return None


def wanted(quiet: bool = False) -> bool:
    """Whether progress would be shown: not quiet, and stderr is a terminal."""
    if quiet:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stderr
        return False


@contextmanager
def show_progress(quiet: bool = False) -> Iterator[None]:
    """Show the phases run inside this block on stderr (a spinner or bar, the phase name and the
    time spent), when ``wanted(quiet)``. The display is cleared when the block ends."""
    if not wanted(quiet) or _display.get() is not None:
        yield
        return
    # deferred to the first call: keeps rich out of the CLI's start-up
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    display = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(), console=Console(stderr=True), transient=True,
    )
    token = _display.set(display)
    try:
        with display:
            yield
    finally:
        _display.reset(token)


@contextmanager
def phase(name: str, total: int | None = None, unit: str | None = None) -> Iterator[Advance]:
    """Name what runs inside this block ("parsing", "validating", ...); yields ``advance(done,
    total=None)``. Counts are shown with the rate since the phase began ("bytes" as MB and
    MB/s, anything else as numbers and that unit per second). A no-op unless
    ``show_progress`` is active."""
    display = _display.get()
    if display is None:
        yield _ignore
        return
    task = display.add_task(name, total=total, count="" if total is None else count_text(0, total, unit, 0.0))
    display.refresh()  # a phase shorter than one refresh still says what it was

    known = [total]
    started = time.monotonic()

    def advance(done: int, total: int | None = None) -> None:
        if total is not None:
            known[0] = total
            display.update(task, total=total)
        display.update(task, completed=done, count=count_text(done, known[0], unit, time.monotonic() - started))

    try:
        yield advance
    finally:
        display.refresh()  # the last count is drawn once even when the phase ends between two refreshes
        display.remove_task(task)


def count_text(done: int, total: int | None, unit: str | None, seconds: float) -> str:
    """'120.5/301.2 MB, 24.1 MB/s' or '1,200/5,000 files, 300 files/s' (no rate in the first half second)."""
    if unit == "bytes":
        amount = f"{done / 1e6:,.1f}" + ("" if total is None else f"/{total / 1e6:,.1f}") + " MB"
        rate = f"{done / 1e6 / seconds:,.1f} MB/s" if seconds >= 0.5 else ""
    else:
        amount = f"{done:,}" + ("" if total is None else f"/{total:,}") + (f" {unit}" if unit else "")
        rate = f"{done / seconds:,.0f} {unit or ''}/s".replace(" /s", "/s") if seconds >= 0.5 else ""
    return f"{amount}, {rate}" if rate else amount
