"""A softness report: what a relaxed program did with each `if`, loop and `while` on given inputs.

Operators call `note` while tracing (how a statement ran: in Python, exactly, or relaxed, and which
variables a relaxed `if` merged) and `watch` for the probability that a bounded loop was still running
after its last pass (a host callback fills in the values when the program runs). Both do nothing unless
`recording()` is active: `relaxjax.explain` turns it on for one call.
"""
from __future__ import annotations

import contextlib
import dataclasses
import linecache
import re
import threading
from typing import Any, Iterator

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime.errors import user_location

_active = threading.local()

STATIC_IF = "static test: one branch ran, in Python"
STATIC_WHILE = "static test: ran in Python"


def unrolled(passes: int) -> str:
    return f"unrolled while tracing ({passes} passes)"


def masked(trips: int) -> str:
    return f"a traced bound: one scan of {trips} steps, the steps past the real bound masked"


def bounded(max_iter: int) -> str:
    return f"traced test: at most max_iter={max_iter} passes, the state expected over the halting pass"


@dataclasses.dataclass
class Event:
    """One statement of the user's source: where, what it is, how it ran (every way it was traced),
    and for a bounded loop the largest probability still running after its last pass."""

    where: str
    what: str
    how: list[str] = dataclasses.field(default_factory=list)
    running: list[float] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        file, _, number = self.where.rpartition(":")
        text = linecache.getline(file, int(number)).strip() if number.isdigit() else ""
        return text


class Recorder:
    """The events of one traced call, in the order they were first seen."""

    def __init__(self):
        self.events: dict[tuple[str, str], Event] = {}

    def event(self, what: str) -> Event:
        where = user_location() or "?"
        return self.events.setdefault((where, what), Event(where, what))


def _recorder() -> Recorder | None:
    return getattr(_active, "recorder", None)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Record the events of everything traced and run inside."""
    previous, _active.recorder = _recorder(), Recorder()
    try:
        yield _active.recorder
    finally:
        _active.recorder = previous


def note(what: str, how: str) -> None:
    """Record how the statement being traced (`what`: "if", "for", ...) runs."""
    rec = _recorder()
    if rec is not None:
        event = rec.event(what)
        if how not in event.how:
            event.how.append(how)


def watch(what: str, running: Any) -> None:
    """Record, when the program runs, the probability (hard: whether) that a loop still ran."""
    rec = _recorder()
    if rec is not None:
        event = rec.event(what)
        jax.debug.callback(lambda v: event.running.append(float(np.max(np.asarray(v, np.float64)))),
                           jnp.asarray(running, dtype=jnp.result_type(float)))


def merged_names(names: tuple[str, ...], a: tuple, b: tuple) -> list[str]:
    """The variables two branch states hold different values of (not the same object), as the user named
    them: the slots `a__slot__1`, `a__slot__2` a loop works on in place of `a[j]`, `a[j + 1]` show as `a`."""
    shown = [("the return value" if n == "return__0" else re.sub(r"(__slot__\d+)+$", "", n))
             for n, x, y in zip(names, a, b) if x is not y]
    return list(dict.fromkeys(shown))


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Record nothing of what is traced inside (a trace that only looks, whose program never runs)."""
    previous, _active.recorder = _recorder(), None
    try:
        yield
    finally:
        _active.recorder = previous
