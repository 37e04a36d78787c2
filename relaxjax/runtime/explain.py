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
from typing import Any, Iterator

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.generated_names import user_name
from relaxjax.runtime.errors import user_location
from relaxjax.runtime.trace import STATE


STATIC_IF = "static test: one branch ran, in Python"
STATIC_WHILE = "static test: ran in Python"
# How a statement ran, as `Event.strategies` holds it (tests and tools read these, not the prose):
STRATEGIES = ("python", "exact", "relaxed", "drawn",   # an `if`, a conditional expression
              "unrolled", "scan", "masked", "vectorised", "stream", "fed_reads",   # a `for`
              "bounded", "until_static", "unbounded")   # a `while` (also "python", "unrolled")


def unrolled(passes: int) -> str:
    return f"unrolled while tracing ({passes} passes)"


def masked(trips: int) -> str:
    return f"a traced bound: one scan of {trips} steps, the steps past the real bound masked"


def bounded(max_iter: int, hard: bool = False) -> str:
    if hard:
        return f"traced test: at most max_iter={max_iter} passes, stopping exactly where the test fails"
    return f"traced test: at most max_iter={max_iter} passes, the state expected over the halting pass"


def fed(reads: int) -> str:
    return f"{reads} read{'s' * (reads != 1)} b[j + c] fed in, not read by index"


@dataclasses.dataclass
class Event:
    """One statement of the user's source: where, what it is, how it ran (every way it was traced: in
    words, and as names from `STRATEGIES`), and for a bounded loop the largest probability still running
    after its last pass."""

    where: str
    what: str
    how: list[str] = dataclasses.field(default_factory=list)
    strategies: list[str] = dataclasses.field(default_factory=list)
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
    return STATE.recorder


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Record the events of everything traced and run inside."""
    previous, STATE.recorder = STATE.recorder, Recorder()
    try:
        yield STATE.recorder
    finally:
        STATE.recorder = previous


def note(what: str, how: str, strategy: str) -> None:
    """Record how the statement being traced (`what`: "if", "for", ...) runs: `how` in words, `strategy`
    one of `STRATEGIES`."""
    assert strategy in STRATEGIES, strategy
    rec = _recorder()
    if rec is not None:
        event = rec.event(what)
        if how not in event.how:
            event.how.append(how)
        if strategy not in event.strategies:
            event.strategies.append(strategy)


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
    shown = [user_name(n) for n, x, y in zip(names, a, b) if x is not y]
    return list(dict.fromkeys(shown))


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Record nothing of what is traced inside (a trace that only looks, whose program never runs)."""
    previous, STATE.recorder = STATE.recorder, None
    try:
        yield
    finally:
        STATE.recorder = previous
