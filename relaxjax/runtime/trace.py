"""What the runtime keeps while a program is traced: one object per thread, `STATE`.

| field | kept by | holds |
| --- | --- | --- |
| `options` | context | the stack of active `Options` (the innermost is the one in force) |
| `recorder` | explain | the `Recorder` of the `relaxjax.explain` call in progress, or None |
| `fed`, `looks` | fed_reads | the elements fed to the loops being traced, `(id(b), id(base), c) -> (b, element)`; the active looks |
| `static_bounds_depth` | loops.iteration | how many `bounds_must_be_static` blocks are open |
| `maybe_skipped` | trace | how many traced decisions enclose the code being traced (code that some runs skip) |
| `writes`, `reads`, `chains`, `same` | provenance | this trace's records of array writes and reads |
| `draws` | sampling | the stack of active draw keys (mode "sampled") |
| `calling` | relaxjax.calls | the user functions being traced (the recursion guard) |

A table keyed by `id(x)` keeps `x` beside its value and checks it (`hit[0] is x`), so the id of an object
that is gone never matches a later one.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator


class TraceState(threading.local):
    """The fields of the module docstring, fresh in every thread."""

    def __init__(self):
        self.options: list = []
        self.recorder = None
        self.fed: dict = {}
        self.looks: tuple = ()
        self.static_bounds_depth = 0
        self.maybe_skipped = 0
        self.writes: dict = {}
        self.reads: dict = {}
        self.chains: dict = {}
        self.same: dict = {}
        self.draws: list = []
        self.calling: list = []


STATE = TraceState()


@contextlib.contextmanager
def maybe_skipped() -> Iterator[None]:
    """Trace code that some runs skip: a branch of a traced `if`, the passes of a `while`, the steps of a
    loop after a `break` may have left it. An index out of range there may never be read, so it clamps
    (as JAX does) instead of raising."""
    STATE.maybe_skipped += 1
    try:
        yield
    finally:
        STATE.maybe_skipped -= 1


def always_runs() -> bool:
    """Whether the code being traced runs on every run that reaches this trace (no traced decision
    around it)."""
    return STATE.maybe_skipped == 0
