"""Reads that a loop run at once is fed instead of reading by index.

A loop whose steps run in one `vmap` (or as a scan: a stream) and read `b[j + c]` of an array `b` from
outside the loop (`j` the loop variable, `c` a static shift) would gather one element per step; its
backward pass adds each step's cotangent into the whole of `b` (a scatter-add). Fed instead, the loop
gets `b[p + c]` for every position `p` as one input (a slice of `b` when the positions run up) and each
step's `getitem(b, j + c)` returns its element of that input.

The shifts come from the generated code (`b[j + c]` written so: `take_slots`) or are found by tracing
the body once to look (`looking`): `rr = r + dr` inside `for dr in (-1, 0, 1)` reads `dist[rr]` at
shifts -1, 0, 1, known only while tracing. A fed element is itself an array from outside any loop
nested in this one, so an inner loop is fed its reads too (`dist[rr][cc]`: a row, then its element).

An index out of range reads what an indexed read of a traced index reads: negative counts from the end,
then clamped, so a fed read equals the read it replaces.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context
from relaxjax.runtime.trace import STATE
from relaxjax.runtime.values import BoundedInt



class _Look:
    """The reads `b[j + c]` of the `candidates` seen while the body of loop `j = base` is traced."""

    def __init__(self, base: Any, candidates: list):
        self.base, self.candidates = base, {id(b): b for b in candidates}
        self.found: dict[tuple[int, int], tuple[Any, int]] = {}


def _shift(index: Any) -> tuple[Any, int] | None:
    """`(base, c)` for an index known to be `base + c` (`c` static), else None."""
    if isinstance(index, BoundedInt) and index.origin[1] == 1:
        return index.origin[0], index.origin[2]
    return None


def lookup(b: Any, index: Any) -> Any:
    """The element `b[index]` this step of a loop was fed, or None: read it by index. While a loop looks
    at its body, a read of one of its candidates at `j + c` is recorded."""
    found = _shift(index)
    if found is None or not context.current().on("fed_reads"):
        return None
    base, c = found
    hit = STATE.fed.get((id(b), id(base), c))
    if hit is not None and hit[0] is b:
        return hit[1]
    for look in STATE.looks:
        if look.base is base and look.candidates.get(id(b)) is b:
            look.found.setdefault((id(b), c), (b, c))
    return None


def outer_values() -> list:
    """The elements fed to the loops being traced: arrays from outside a loop nested in them."""
    return [element for _, element in STATE.fed.values()]


@contextlib.contextmanager
def feeding(base: Any, reads: list, elements: list) -> Iterator[None]:
    """While one step of a loop runs with loop variable `base`: `getitem(b, base + c)` for `(b, c)` in
    `reads` returns the matching one of `elements`."""
    outer = STATE.fed
    STATE.fed = {**outer, **{(id(b), id(base), c): (b, e) for (b, c), e in zip(reads, elements)}}
    try:
        yield
    finally:
        STATE.fed = outer


@contextlib.contextmanager
def looking(base: Any, candidates: list) -> Iterator[_Look]:
    """While the body of loop `j = base` is traced to look: record its reads `b[j + c]` of `candidates`
    (`look.found`)."""
    look = _Look(base, candidates)
    outer = STATE.looks
    STATE.looks = outer + (look,) if candidates else outer
    try:
        yield look
    finally:
        STATE.looks = outer


def elements(b: Any, positions: Any, c: int) -> Any:
    """`b[p + c]` for every position `p`, as a traced read of each would give it; slices where the
    positions are static and run up in steps of one."""
    static = isinstance(positions, np.ndarray)
    xp = np if static else jnp
    at = positions + c
    at = xp.clip(xp.where(at < 0, at + b.shape[0], at), 0, b.shape[0] - 1)   # from the end, then clamped
    if not static:
        return jnp.take(b, at, axis=0)
    steps = np.diff(at)
    if at.size > 1 and (steps == steps[0]).all() and steps[0] > 1:
        return b[at[0]:at[-1] + 1:steps[0]]
    runs = np.split(at, np.flatnonzero(steps != 1) + 1) if at.size else []
    if not 1 <= len(runs) <= 4:
        return jnp.take(b, at, axis=0)
    parts = [b[run[0]:run[-1] + 1] for run in runs]
    return parts[0] if len(parts) == 1 else jnp.concatenate(parts)
