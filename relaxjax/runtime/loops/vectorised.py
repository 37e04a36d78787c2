"""The vectorised strategy: a loop whose iterations are independent (marked by the loop_strategies
pass) runs them all at once, in one `vmap`.

`for_stmt(range(...), body, state, names, independent(accumulators, slots, reads))` asks this strategy
first; it declines (`Declined`) when it cannot show the result is the loop's, and the loop plan goes on. The body reads the elements an iteration owns with `take_slots(a, j, offsets)` (the
elements `a[j + c]`) and writes them back with `put_slots`; run one iteration after another these are
plain reads and writes, run at once they pass the elements gathered for every iteration in and out.

| a variable the body changes | at once |
| --- | --- |
| an array with slots | its slots gathered for every iteration, the new values scattered back |
| an accumulator (`x += e`) | each iteration starts from 0; the increments are added to `x` (hard: in order) |
| anything else (a variable of one iteration) | keeps the value it had before the loop (no one reads it after) |

Hard mode adds the increments in iteration order, as Python does, so it sums exactly; relaxed, one
`sum` adds them. An array from outside that the body reads at `b[j + c]` is fed in to the `vmap` (a
slice per shift `c` for a range going up, where a read by index would gather; runtime/fed_reads.py):
at the offsets of `reads` the pass wrote (`b[j + c]` in the source), and, for an array listed with
None, at the shifts found by tracing the body once to look (`rr = r + dr`, then `dist[rr][cc]`: grid
Bellman-Ford k = 30, 2.03x -> 0.88x the hand-written scan). (Run one iteration after another inside a
scan, each static read `b[c]` is a slice whose backward pads and adds every step: edit distance's
`same += s[i - 1][c] * t[j - 1][c]` over 4 symbols, m = 16: 1.60 -> 1.16 ms.)

It runs at once only when it can show that no iteration's elements fall outside the array (static
bounds of the loop variable), the arrays are arrays, the range has at least two iterations and the
body traces with a traced loop variable; otherwise the loop runs as written, with the same result.
Steps past a traced bound (`range(i % 2, n - 1, 2)`) are masked: they write nothing and add nothing.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, explain, fed_reads, position_arrays, positions, sampling
from relaxjax.runtime.indexing import as_array, getitem, setitem, stackable
from relaxjax.runtime.loops.iteration import IterationSpace
from relaxjax.runtime.loops.strategy import Declined, declined_if_unrolling_needed
from relaxjax.runtime.trace import maybe_skipped
from relaxjax.runtime.values import (BoundedInt, SoftBool, SoftCount, SoftIndex, as_float, float_dtype, is_integral, is_number,
                                     is_static, unwrap)

EXACT_FOLD_MAX = 512   # up to this many increments are added one by one (unrolled); more with a scan


class Slots:
    """The elements one iteration owns, standing in for their array while the body runs at once."""

    __slots__ = ("values",)

    def __init__(self, values: tuple):
        self.values = values


def slot_array(a: Any, lo: int, hi: int, offsets: tuple[int, ...]) -> Any:
    """`a` as the array a loop's slots work on (a list of numbers becomes one, as a traced write to it
    would make it), or None when it is not an array or `a[i + c]` may fall outside it for `lo <= i <= hi`."""
    if isinstance(a, list) and stackable(a):
        a = positions.bounded_list(a) or as_array(a)
    shape = positions.shape_of(a) if positions.is_array(a) else jnp.shape(a) if isinstance(a, jax.Array) else ()
    if len(shape) >= 1 and 0 <= lo + offsets[0] and hi + offsets[-1] < shape[0]:
        return a
    return None


def take_slots(a: Any, i: Any, offsets: tuple[int, ...], always: tuple[int, ...] = ()) -> tuple:
    """The elements `a[i + c]` for the offsets `c`. The pass reads them at the top of the body, ahead of
    where the user wrote them (maybe under a guard): only the offsets `always` read on every step have
    their index checked (an index out of range there is Python's IndexError)."""
    if isinstance(a, Slots):
        return a.values
    out = []
    for c in offsets:
        with maybe_skipped() if c not in always else contextlib.nullcontext():
            item = getitem(a, i + c if c else i)
        bounded = isinstance(a, BoundedInt) and positions.is_array(a)   # an element keeps the array's bounds
        out.append(position_arrays.like(a, unwrap(item)) if bounded else item)
    return tuple(out)


def put_slots(a: Any, i: Any, offsets: tuple[int, ...], values: tuple) -> Any:
    """`a` with `a[i + c]` set to the value of slot `c`."""
    if isinstance(a, Slots):
        return Slots(values)
    with maybe_skipped():
        for c, v in zip(offsets, values):
            a = setitem(a, (i + c if c else i,), v)
    return a


class Independent:
    """The strategy for a range whose iterations touch disjoint elements of the `slots` arrays and add to
    `accumulators`."""

    name = "vectorised"

    def __init__(self, accumulators: tuple[str, ...], slots: tuple[tuple[str, tuple[int, ...]], ...],
                 reads: tuple = ()):
        self.accumulators, self.slots, self.reads = accumulators, slots, reads

    def run(self, space: IterationSpace, body: Callable[..., tuple], state: tuple, names: tuple[str, ...]) -> tuple:
        """The state after every iteration, computed at once; `Declined` to run the loop otherwise."""
        if not context.current().on(self.name):
            raise Declined("switched off")
        plan = space.positions()
        if plan is None or plan[0].shape[0] < 2:
            raise Declined("not a range of two or more steps with static bounds")
        places, active, lo, hi = plan
        index = {n: k for k, n in enumerate(names)}
        state = list(state)
        for name, offsets in self.slots:
            a = state[index[name]] = slot_array(state[index[name]], lo, hi, offsets)
            if a is None:
                raise Declined(f"{name}[j + c] may fall outside {name}, or {name} is not an array")
        if not all(is_number(state[index[n]]) and not isinstance(state[index[n]], SoftBool)
                   for n in self.accumulators):
            raise Declined("an accumulator is not a number")
        gathered = [[fed_reads.elements(position_arrays.elements(state[index[name]]), places, c) for c in offsets]
                    for name, offsets in self.slots]
        kinds: dict = {}   # (slot, offset) -> the range of the positions its iterations wrote
        loop_key = sampling.loop() if context.current().sampled else None

        def one(reads, candidates, k, position, slot_values, fed):
            item = BoundedInt(position, lo, hi)
            given = list(state)
            for (name, _), values in zip(self.slots, slot_values):
                given[index[name]] = Slots(tuple(position_arrays.like(state[index[name]], v) for v in values))
            for name in self.accumulators:
                given[index[name]] = _zero(state[index[name]])
            with fed_reads.feeding(position, reads, fed), fed_reads.looking(position, candidates) as look:
                if loop_key is None:
                    out = body(item, *given)
                else:
                    with sampling.step(loop_key, k):
                        out = body(item, *given)
            seen.extend(look.found.values())
            new_values = []
            for name, _ in self.slots:
                slots = out[index[name]]
                if not isinstance(slots, Slots) or (state[index[name]].dtype == jnp.bool_ and any(
                        isinstance(v, SoftBool) for v in slots.values)):
                    raise Declined("a slot became a probability")   # setitem makes a bool array a SoftBool array
                new_values.append([_slot_output(state[index[name]], v, (name, c), kinds)
                                   for c, v in enumerate(slots.values)])
            counted.update(n for n in self.accumulators if isinstance(out[index[n]], (SoftCount, SoftIndex)))
            return new_values, [jnp.asarray(unwrap(out[index[n]])) for n in self.accumulators]

        seen: list = []
        counted: set = set()   # accumulators whose steps add expected counts
        reads, fed = fed_elements([(b, c) for b, offsets in self.reads if offsets is not None for c in offsets],
                                  places)
        look_for = [b for b, offsets in self.reads if offsets is None and feedable(b) is not None]
        steps = (jnp.arange(places.shape[0]), places, gathered)
        with declined_if_unrolling_needed():
            if look_for and loop_key is None:
                # trace the body once to find its reads b[j + c] of arrays from outside it
                candidates = look_for + fed_reads.outer_values()
                with explain.paused():
                    jax.eval_shape(jax.vmap(lambda *xs: one(reads, candidates, *xs)), *steps, fed)
                more, more_fed = fed_elements(seen, places)
                reads, fed = reads + more, fed + more_fed
            new_values, increments = jax.vmap(lambda *xs: one(reads, [], *xs))(*steps, fed)
        explain.note("for", f"{places.shape[0]} independent iterations at once (vmap)", "vectorised")
        if reads:
            explain.note("for", explain.fed(len(reads)), "fed_reads")
        result = list(state)
        for (name, offsets), values in zip(self.slots, new_values):
            a = state[index[name]]
            written = [kinds.get((name, k)) for k in range(len(offsets))]
            if positions.is_array(a) or any(written):
                result[index[name]] = _put_positions(a, places, active, offsets, values, written)
                continue
            dtype = jnp.result_type(a, *values)
            a = a.astype(dtype)
            for c, v in zip(offsets, values):
                a = _put(a, places, active, c, v.astype(dtype))
            result[index[name]] = a
        for name, steps in zip(self.accumulators, increments):
            if active is not None:
                steps = jnp.where(active.reshape((-1,) + (1,) * (steps.ndim - 1)), steps, jnp.zeros_like(steps))
            total = _fold(state[index[name]], steps)
            counts = name in counted and is_integral(state[index[name]])
            result[index[name]] = SoftCount(unwrap(total)) if counts else total
        return tuple(result)


def independent(accumulators: tuple[str, ...], slots: tuple, reads: tuple = ()) -> Independent:
    """The strategy of a loop with independent iterations (generated code; see the module docstring).
    `reads`: `(array, offsets)` of the arrays the loop only reads: fed in to the `vmap` at `b[j + c]` for
    the offsets, or for offsets None at the shifts `c` of the reads found by tracing the body once."""
    return Independent(accumulators, slots, reads)


def feedable(b: Any) -> Any:
    """`b` as an array a loop can be fed slices of (a list of numbers becomes one), or None."""
    if isinstance(b, list) and stackable(b):
        b = as_array(b)
    return b if isinstance(b, jax.Array) and b.ndim >= 1 else None


def fed_elements(reads: list, positions: Any) -> tuple[list, list]:
    """Of `reads`, the `(b, c)` a loop over `positions` reads as `b[j + c]`: those that can be fed (`b` an
    array), and for each its elements `b[p + c]` at every position `p`."""
    arrays = [(b, c, feedable(b)) for b, c in reads]
    pairs = [(b, c, array) for b, c, array in arrays if array is not None]
    return [(b, c) for b, c, _ in pairs], [fed_reads.elements(array, positions, c) for _, c, array in pairs]


def _slot_output(a: Any, v: Any, key: tuple, kinds: dict) -> Any:
    """Slot value `v` as an array for the vmap's output; for positions, their range goes to `kinds`."""
    if positions.is_array(a) or isinstance(v, SoftIndex):
        known = positions.range_of(v) if not isinstance(v, bool) else None
        if known is not None:
            kinds[key] = (isinstance(v, SoftIndex), *known)
            return jnp.asarray(v.weights if isinstance(v, SoftIndex) else unwrap(v))
    kinds[key] = None
    return jnp.asarray(unwrap(v))


def _put_positions(a: Any, places: Any, active: Any, offsets: tuple, values: list, written: list) -> Any:
    """`_put` for an array of positions (or positions written into an int array): one distribution per
    element over the union of the ranges, or bounds kept where every value is exact; the expected
    positions where some value is not a position or the distributions would be too large."""
    held = positions.range_of(a)
    ranges = [held] + [w[1:] if w else None for w in written]
    lo_hi = None if None in ranges else (min(r[0] for r in ranges), max(r[1] for r in ranges))
    if lo_hi is None or not positions.fits(*lo_hi, positions.shape_of(a)):
        a = as_float(a) if any(w and w[0] for w in written) or isinstance(a, SoftIndex) else unwrap(a)
        dtype = jnp.result_type(a, *values)
        for c, v, w in zip(offsets, values, written):
            v = SoftIndex(v, w[1]).expected() if w and w[0] else v
            a = _put(a.astype(dtype), places, active, c, v.astype(dtype))
        return SoftCount(a) if any(w and w[0] for w in written) or isinstance(a, SoftIndex) else a
    lo, hi = lo_hi
    if not isinstance(a, SoftIndex) and not any(w[0] for w in written):
        value = unwrap(a)
        for c, v in zip(offsets, values):
            value = _put(value, places, active, c, v.astype(value.dtype))
        return BoundedInt(value, lo, hi)
    weights = positions.distribution(a, lo, hi, float_dtype())
    for c, v, w in zip(offsets, values, written):
        v = SoftIndex(v, w[1]) if w[0] else BoundedInt(v, w[1], w[2])
        weights = _put(weights, places, active, c, positions.distribution(v, lo, hi, weights.dtype))
    return SoftIndex(weights, lo)


def _put(a: Any, positions: Any, active: Any, c: int, v: Any) -> Any:
    """`a` with `a[p + c]` set to `v[k]` for every position `p = positions[k]` the range reaches: a slice
    update where the positions are static and run up by one (its backward slices, a scatter's gathers)."""
    if active is None and isinstance(positions, np.ndarray) and (np.diff(positions) == 1).all():
        start = int(positions[0]) + c   # a concatenation: under an outer vmap a slice update scatters
        return jnp.concatenate([a[:start], v, a[start + positions.size:]])
    where = positions + c if active is None else jnp.where(active, positions + c, a.shape[0])
    return a.at[where].set(v, mode="drop", unique_indices=True)


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
