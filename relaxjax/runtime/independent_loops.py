"""Loops whose iterations are independent (marked by transforms/independent_loops.py), run all at once.

`independent(range(...), accumulators, slots, reads)` wraps the range of such a loop; `for_stmt` asks it
to `run_at_once` the loop body for every iteration in one `vmap` and falls back to the ordinary loop when
it returns None. The body reads the elements an iteration owns with `take_slots(a, j, offsets)` (the
elements `a[j + c]`) and writes them back with `put_slots`; run one iteration after another these are
plain reads and writes, run at once they pass the elements gathered for every iteration in and out.

| a variable the body changes | at once |
| --- | --- |
| an array with slots | its slots gathered for every iteration, the new values scattered back |
| an accumulator (`x += e`) | each iteration starts from 0; the increments are added to `x` (hard: in order) |
| anything else (a variable of one iteration) | keeps the value it had before the loop (no one reads it after) |

Hard mode adds the increments in iteration order, as Python does, so it sums exactly; relaxed, one
`sum` adds them. An array the body only reads, always at `b[j + c]` (`reads`), is fed in to the `vmap`
too: a slice per offset for a range going up, where a read by index would gather. (Run one iteration
after another inside a scan, each static read `b[c]` is a slice whose backward pads and adds every
step: edit distance's `same += s[i - 1][c] * t[j - 1][c]` over 4 symbols, m = 16: 1.60 -> 1.16 ms.)

It runs at once only when it can show that no iteration's elements fall outside the array (static
bounds of the loop variable), the arrays are arrays, the range has at least two iterations and the
body traces with a traced loop variable; otherwise the loop runs as written, with the same result.
Steps past a traced bound (`range(i % 2, n - 1, 2)`) are masked: they write nothing and add nothing.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, explain, sampling
from relaxjax.runtime.indexing import as_array, getitem, setitem, stackable
from relaxjax.runtime.loops import TracedRange, masked_range_plan, traced_range_limits
from relaxjax.runtime.values import BoundedInt, SoftBool, is_number, is_static, unwrap

EXACT_FOLD_MAX = 512   # up to this many increments are added one by one (unrolled); more with a scan


class Slots:
    """The elements one iteration owns, standing in for their array while the body runs at once."""

    __slots__ = ("values",)

    def __init__(self, values: tuple):
        self.values = values


class _Sequential(Exception):
    """The body did something the vectorised run cannot express; run the loop as written."""


_fed = threading.local()


def fed_reads(reads: tuple, positions: Any, lo: int, hi: int) -> tuple[list, list]:
    """For `reads`, the `(array, offsets)` a loop only reads at `b[i + c]`: the arrays that can be fed in
    and, for each, its elements `b[p + c]` at every position `p`, one array per offset. An array that
    cannot (not an array, or `b[i + c]` may fall outside it for `lo <= i <= hi`) is left out: the body
    reads it by index, as written."""
    feeds, elements = [], []
    for value, offsets in reads:
        b = slot_array(value, lo, hi, offsets)
        if b is not None:
            feeds.append(value)
            elements.append(tuple(_at(b, positions, c) for c in offsets))
    return feeds, elements


@contextlib.contextmanager
def fed_elements(feeds: list, item: Any, elements: tuple) -> Iterator[None]:
    """While one step of a loop runs with loop variable `item`: `take_slots(b, item, ...)` of an array
    `b` in `feeds` gives that step's elements of `b` (from `elements`, in the order of `feeds`)."""
    outer = getattr(_fed, "table", {})
    _fed.table = {**outer, **{(id(b), id(item)): tuple(e) for b, e in zip(feeds, elements)}}
    try:
        yield
    finally:
        _fed.table = outer


def slot_array(a: Any, lo: int, hi: int, offsets: tuple[int, ...]) -> Any:
    """`a` as the array a loop's slots work on (a list of numbers becomes one, as a traced write to it
    would make it), or None when it is not an array or `a[i + c]` may fall outside it for `lo <= i <= hi`."""
    if isinstance(a, list) and stackable(a):
        a = as_array(a)
    if isinstance(a, jax.Array) and a.ndim >= 1 and 0 <= lo + offsets[0] and hi + offsets[-1] < a.shape[0]:
        return a
    return None


def take_slots(a: Any, i: Any, offsets: tuple[int, ...]) -> tuple:
    """The elements `a[i + c]` for the offsets `c`."""
    if isinstance(a, Slots):
        return a.values
    fed = getattr(_fed, "table", {}).get((id(a), id(i)))
    if fed is not None and len(fed) == len(offsets):
        return fed
    return tuple(getitem(a, i + c if c else i) for c in offsets)


def put_slots(a: Any, i: Any, offsets: tuple[int, ...], values: tuple) -> Any:
    """`a` with `a[i + c]` set to the value of slot `c`."""
    if isinstance(a, Slots):
        return Slots(values)
    for c, v in zip(offsets, values):
        a = setitem(a, (i + c if c else i,), v)
    return a


class Independent:
    """A range whose iterations touch disjoint elements of the `slots` arrays and add to `accumulators`."""

    def __init__(self, iterable: Any, accumulators: tuple[str, ...], slots: tuple[tuple[str, tuple[int, ...]], ...],
                 reads: tuple = ()):
        self.iterable, self.accumulators, self.slots, self.reads = iterable, accumulators, slots, reads

    def run_at_once(self, body: Callable[..., tuple], state: tuple, names: tuple[str, ...]) -> tuple | None:
        """The state after every iteration, computed at once, or None to run the loop as written."""
        plan = _iterations(self.iterable)
        if plan is None:
            return None
        positions, active, lo, hi = plan
        index = {n: k for k, n in enumerate(names)}
        state = list(state)
        for name, offsets in self.slots:
            a = state[index[name]] = slot_array(state[index[name]], lo, hi, offsets)
            if a is None:
                return None
        if not all(is_number(state[index[n]]) and not isinstance(state[index[n]], SoftBool)
                   for n in self.accumulators):
            return None
        gathered = [[_at(state[index[name]], positions, c) for c in offsets] for name, offsets in self.slots]
        feeds, read_values = fed_reads(self.reads, positions, lo, hi)
        loop_key = sampling.loop() if context.current().sampled else None

        def one(k, position, slot_values, reading):
            item = BoundedInt(position, lo, hi)
            given = list(state)
            for (name, _), values in zip(self.slots, slot_values):
                given[index[name]] = Slots(tuple(values))
            for name in self.accumulators:
                given[index[name]] = _zero(state[index[name]])
            with fed_elements(feeds, item, reading):
                if loop_key is None:
                    out = body(item, *given)
                else:
                    with sampling.step(loop_key, k):
                        out = body(item, *given)
            new_values = []
            for name, _ in self.slots:
                slots = out[index[name]]
                if not isinstance(slots, Slots) or (state[index[name]].dtype == jnp.bool_ and any(
                        isinstance(v, SoftBool) for v in slots.values)):
                    raise _Sequential()   # setitem makes a bool array a SoftBool array
                new_values.append([jnp.asarray(unwrap(v)) for v in slots.values])
            return new_values, [jnp.asarray(unwrap(out[index[n]])) for n in self.accumulators]

        try:
            new_values, increments = jax.vmap(one)(jnp.arange(positions.shape[0]), positions, gathered, read_values)
        except _Sequential:
            return None
        explain.note("for", f"{positions.shape[0]} independent iterations at once (vmap)")
        result = list(state)
        for (name, offsets), values in zip(self.slots, new_values):
            a = state[index[name]]
            dtype = jnp.result_type(a, *values)
            a = a.astype(dtype)
            for c, v in zip(offsets, values):
                where = positions + c if active is None else jnp.where(active, positions + c, a.shape[0])
                a = a.at[where].set(v.astype(dtype), mode="drop", unique_indices=True)
            result[index[name]] = a
        for name, steps in zip(self.accumulators, increments):
            if active is not None:
                steps = jnp.where(active.reshape((-1,) + (1,) * (steps.ndim - 1)), steps, jnp.zeros_like(steps))
            result[index[name]] = _fold(state[index[name]], steps)
        return tuple(result)


def independent(iterable: Any, accumulators: tuple[str, ...], slots: tuple, reads: tuple = ()) -> Independent:
    """The range of a loop with independent iterations (generated code; see the module docstring).
    `reads`: `(array, offsets)` of the arrays the loop only reads, at `b[j + c]`: fed in to the `vmap`."""
    return Independent(iterable, accumulators, slots, reads)


def _at(a: Any, positions: Any, c: int) -> Any:
    """`a[p + c]` for every position `p`: a slice when the positions are a static range going up."""
    steps = np.diff(positions) if isinstance(positions, np.ndarray) else None
    if steps is not None and positions.size and (steps == steps[0]).all() and steps[0] > 0:
        return a[positions[0] + c:positions[-1] + c + 1:steps[0]]
    return jnp.take(a, positions + c, axis=0, mode="clip")


def _iterations(iterable: Any) -> tuple[Any, Any, int, int] | None:
    """`(positions, active, lo, hi)`: the loop variable at every step, which steps the range reaches
    (None: all), and static bounds of the variable over the steps it reaches; None if unknown."""
    if isinstance(iterable, range):
        if len(iterable) < 2:
            return None
        return np.asarray(iterable), None, min(iterable[0], iterable[-1]), max(iterable[0], iterable[-1])
    if not isinstance(iterable, TracedRange) or traced_range_limits(iterable) is None:
        return None
    xs, item_and_active, trips = masked_range_plan(iterable)
    if trips < 2:
        return None
    item, active = item_and_active(xs)   # every step at once
    return unwrap(item), active, item.lo, item.hi


def _zero(x: Any) -> Any:
    if is_static(x):
        return type(x)(0) if type(x) in (int, float) else 0
    return jnp.zeros_like(unwrap(x))


def _fold(x: Any, steps: Any) -> Any:
    """`x + steps[0] + steps[1] + ...`: in hard mode added in that order (Python's order: it sums exactly),
    relaxed with one `sum` (a few ulps apart; each `steps[k]` would be a slice in the step's backward)."""
    if not context.current().hard:
        return x + jnp.sum(steps, axis=0)
    if steps.shape[0] > EXACT_FOLD_MAX:
        total, _ = jax.lax.scan(lambda s, d: (s + d, None), jnp.asarray(unwrap(x)) + steps[0], steps[1:])
        return total
    for k in range(steps.shape[0]):
        x = x + steps[k]
    return x
