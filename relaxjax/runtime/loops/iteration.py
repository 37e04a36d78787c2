"""What a loop iterates over, and its steps as every strategy reads them (`IterationSpace`).

`range(...)` with static bounds is a Python range; with a hard traced bound (`range(i + 1, n)`, `i` the
index of an enclosing scan) it is a `TracedRange`, run over its largest trip count with the steps past
the real bound masked. `enumerate` and `zip` stay lazy (`Enumerate`, `Zip`) so that loops over them
can be scanned.
"""
from __future__ import annotations

import builtins
import contextlib
import math
from typing import Any, Callable, Iterator

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, unfinished
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.indexing import Window, getitem
from relaxjax.runtime.trace import STATE
from relaxjax.runtime.values import (BoundedInt, SoftBool, SoftCount, SoftIndex, Undefined, is_floating, is_static,
                                     static_bounds, unwrap)

UNROLL_MAX = 1   # a static range of at most this many steps runs as a Python loop


class StaticIterationNeeded(RelaxError):
    """Python iteration (a comprehension or generator) over a range with a traced bound."""


class TracedRange:
    """`range(start, stop, step)` with a traced start or stop; `step` is static."""

    def __init__(self, start: Any, stop: Any, step: int):
        self.start, self.stop, self.step = start, stop, step

    def __iter__(self):
        raise StaticIterationNeeded(
            "a comprehension or generator iterates over a range with a traced bound; only a `for` "
            "statement can loop over one (inside a scanned loop, relaxjax unrolls the enclosing loop)")


def range_(*args: Any) -> Any:
    """`range(...)`: a Python range for static bounds, a `TracedRange` for hard traced ones (an expected
    count, rounded to the nearest integer)."""
    for a in args:
        if isinstance(a, Undefined):
            a.fail()
    if all(is_static(a) for a in args):
        return range(*args)
    # an expected count as a bound: the loop runs exactly to its nearest integer (no gradient through it)
    args = tuple(jnp.round(unwrap(a)).astype(int) if isinstance(a, (SoftCount, SoftIndex)) else a for a in args)
    if any(is_floating(a) for a in args):
        raise RelaxError("a loop bound depends on soft (floating) data; loop bounds must be static or "
                         "hard integers. Loop over a static bound and skip iterations with `if` instead")
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (args + (1,))[:3]
    if not is_static(step):
        raise RelaxError("the step of a range over traced bounds must be a static int")
    if step == 0:
        raise ValueError("range() arg 3 must not be zero")
    return TracedRange(start, stop, step)


class Enumerate:
    """`enumerate(iterable, start)` inside a relaxed function (scanned when `iterable` can be)."""

    def __init__(self, iterable: Any, start: int = 0):
        self.iterable, self.start = iterable, start


class Zip:
    """`zip(*iterables)` inside a relaxed function (scanned when every iterable can be)."""

    def __init__(self, *iterables: Any):
        self.iterables = iterables


class NeedsStatic(Exception):
    """While a `while` loop tries a scan, its body needed a bound with no static limit as structure."""


@contextlib.contextmanager
def bounds_must_be_static() -> Iterator[None]:
    """Inside: a range whose bound has no static limit raises `NeedsStatic` instead of being masked at
    `max_iter` steps (a `while` loop then feeds such values in from their static trajectory)."""
    depth = STATE.static_bounds_depth
    STATE.static_bounds_depth = depth + 1
    try:
        yield
    finally:
        STATE.static_bounds_depth = depth


class IterationSpace:
    """The steps of a loop over `iterable`, as every strategy reads them.

    - `scan_steps()`: `(xs, item_and_active, length)`: what a scan feeds step k, the loop variable at
      step k with whether the loop reaches it (None: every step does), and the number of steps (for a
      traced range its largest trip count); None when the loop must run as a Python loop.
    - `python_items()`: the items, for a loop unrolled while tracing.
    - `positions()`: for a range, `(positions, active, lo, hi)`: the loop variable at every step at
      once (a NumPy array for a static range), which steps the range reaches, and static bounds of the
      variable over those steps; None when unknown.
    """

    def __init__(self, iterable: Any):
        if isinstance(iterable, Undefined):
            iterable.fail()
        self.iterable = iterable

    @property
    def masked(self) -> bool:
        """A range with a traced bound, or a slice of a list with one: steps past the real bound are masked."""
        return isinstance(self.iterable, (TracedRange, Window))

    def scan_steps(self) -> tuple[Any, Callable[[Any], tuple[Any, Any]], int] | None:
        if isinstance(self.iterable, Window):   # the elements a[k] at the positions k of the window
            xs, item_and_active, trips = masked_steps(self.iterable)
            array = self.iterable.array

            def element_and_active(x: Any) -> tuple[Any, Any]:
                k, active = item_and_active(x)
                return getitem(array, k), active
            return xs, element_and_active, trips
        if self.masked:
            return masked_steps(self.iterable)
        plan = _scan_plan(self.iterable)
        if plan is None:
            return None
        xs, item_of, length = plan
        return xs, lambda x: (item_of(x), None), length

    def python_items(self) -> Any:
        return _python_items(self.iterable)

    def positions(self) -> tuple[Any, Any, int, int] | None:
        rng = self.iterable
        if isinstance(rng, Window):
            return None
        if isinstance(rng, range):
            if len(rng) == 0:
                return None
            return np.asarray(rng), None, min(rng[0], rng[-1]), max(rng[0], rng[-1])
        if not self.masked or traced_range_limits(rng) is None:
            return None
        xs, item_and_active, _ = masked_steps(rng)
        item, active = item_and_active(xs)   # every step at once
        return unwrap(item), active, item.lo, item.hi

    def indexed_steps(self) -> tuple[int, Callable[[Any], tuple[Any, Any]]] | None:
        """For a range: `(trips, item_and_active)`, the loop variable at step number k (a `BoundedInt`)
        and whether the range reaches step k (None: every step does); None when the bounds have no
        static limits or the loop is not over a range."""
        rng = self.iterable
        if isinstance(rng, Window):
            return None
        if isinstance(rng, range):
            if len(rng) == 0:
                return None
            lo, hi = min(rng[0], rng[-1]), max(rng[0], rng[-1])
            return len(rng), lambda k: (BoundedInt(rng.start + (k if rng.step == 1 else k * rng.step), lo, hi), None)
        if not self.masked or traced_range_limits(rng) is None:
            return None
        _, item_and_active, trips = masked_steps(rng)
        return trips, item_and_active

    def static_start(self) -> int | None:
        """The first value of a range that starts at a static int, else None."""
        rng = self.iterable
        if isinstance(rng, Window):
            return None
        if isinstance(rng, range) or (self.masked and is_static(rng.start) and type(rng.start) is int):
            return rng.start
        return None

    def may_be_empty(self) -> bool:
        """Whether the loop may run no step on some input (a range whose bounds are known only at run
        time, unless their static limits rule it out)."""
        rng = self.iterable
        if not self.masked:
            return False
        start, stop = static_bounds(rng.start), static_bounds(rng.stop)
        if start is None or stop is None:
            return True
        return start[1] >= stop[0] if rng.step > 0 else start[0] <= stop[1]

    @property
    def step(self) -> int | None:
        """The step of a range, else None."""
        if isinstance(self.iterable, Window):
            return None
        return self.iterable.step if isinstance(self.iterable, (range, TracedRange)) else None


def _scan_plan(iterable: Any) -> tuple[Any, Callable[[Any], Any], int] | None:
    """`(xs, item_of, length)` to run a loop over `iterable` as a scan, or None to unroll it."""
    if isinstance(iterable, range):
        if len(iterable) <= UNROLL_MAX:
            return None
        lo, hi = min(iterable[0], iterable[-1]), max(iterable[0], iterable[-1])
        return jnp.arange(iterable.start, iterable.stop, iterable.step), lambda k: BoundedInt(k, lo, hi), len(iterable)
    if isinstance(iterable, jax.Array) or hasattr(iterable, "__jax_array__"):
        arr = jnp.asarray(unwrap(iterable))
        if arr.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        kind = type(iterable) if isinstance(iterable, (SoftBool, SoftCount)) else None   # items of the same kind
        return arr, (lambda x: kind(x)) if kind else (lambda x: x), arr.shape[0]
    if isinstance(iterable, Enumerate):
        inner = _scan_plan(iterable.iterable)
        if inner is None:
            return None
        xs, item_of, length = inner
        lo, hi = iterable.start, iterable.start + length - 1
        return ((jnp.arange(length) + iterable.start, xs),
                lambda x: (BoundedInt(x[0], lo, hi), item_of(x[1])), length)
    if isinstance(iterable, Zip):
        parts = [_scan_plan(it) for it in iterable.iterables]
        if not parts or any(p is None for p in parts):
            return None
        length = min(p[2] for p in parts)
        xs = tuple(jax.tree_util.tree_map(lambda v: v[:length], p[0]) for p in parts)
        return xs, lambda x: tuple(p[1](v) for p, v in zip(parts, x)), length
    return None


def _python_items(iterable: Any) -> Any:
    if isinstance(iterable, Window):
        raise StaticIterationNeeded("a loop over a slice with a traced bound (`a[i + 1:]`) runs as a masked scan, "
                                    "but its body needs the loop's item as a static value")
    if isinstance(iterable, Enumerate):
        return builtins.enumerate(_python_items(iterable.iterable), iterable.start)
    if isinstance(iterable, Zip):
        return builtins.zip(*map(_python_items, iterable.iterables))
    if isinstance(iterable, (jax.Array, SoftBool, SoftCount)):
        return [getitem(iterable, k) for k in range(jnp.shape(unwrap(iterable))[0])]
    return iterable


def traced_range_limits(rng: TracedRange) -> tuple[int, int, int] | None:
    """`(trips, lo, hi)` of a range with a traced bound: its largest trip count and static bounds of its
    variable over the steps the range reaches; None when a bound has no static limit."""
    start_b, stop_b, step = static_bounds(rng.start), static_bounds(rng.stop), rng.step
    if start_b is None or stop_b is None:
        return None
    span = stop_b[1] - start_b[0] if step > 0 else start_b[1] - stop_b[0]
    lo, hi = (start_b[0], stop_b[1] - 1) if step > 0 else (stop_b[0] + 1, start_b[1])
    return max(0, math.ceil(span / abs(step))), lo, hi


def masked_steps(rng: TracedRange) -> tuple[Any, Callable[[Any], tuple[Any, Any]], int]:
    """`(xs, item_and_active, trips)` for a range with a traced bound: the largest trip count, and for
    step k the loop variable and whether the real range reaches it.

    With a traced start, the steps past the real range would put the variable outside the bounds of the
    steps it reaches (`range(r % 2, n - 1, 2)`); those steps see it clamped into the bounds instead (their
    state is dropped), so that the bounds hold at every step (merges rely on them: `provenance.Place`)."""
    step, limits = rng.step, traced_range_limits(rng)
    if limits is not None:
        trips, lo, hi = limits
    else:
        if STATE.static_bounds_depth:
            raise NeedsStatic()
        trips, lo, hi = context.current().max_iter, None, None
    start, stop = jnp.asarray(unwrap(rng.start)), jnp.asarray(unwrap(rng.stop))
    if lo is None:
        last = start + trips * step
        unfinished.report(last < stop if step > 0 else last > stop,
                          "this `for` loop over a range whose bound is known only at run time")

    clamp = lo is not None and not is_static(rng.start)

    def item_and_active(k):
        i = start + k * step
        active = i < stop if step > 0 else i > stop
        if lo is None:
            return i, active
        return BoundedInt(jnp.clip(i, lo, hi) if clamp else i, lo, hi), active

    return jnp.arange(trips), item_and_active, trips
