"""Loops whose iterations depend on each other only through a few elements of an array, at fixed
offsets from the loop variable (marked by transforms/independent_loops.py), run as a stream.

    for j in range(n - 1):                  a pass of bubble sort: step j works on a[j] and a[j + 1],
        if a[j] > a[j + 1]:                 and a[j + 1] is what step j + 1 calls a[j]
            a[j], a[j + 1] = a[j + 1], a[j]

With offsets `c_min..c_max` of a step-1 range, step j is the last to touch `a[j + c_min]` and the first
to touch `a[j + c_max]`. So the scan carries the `c_max - c_min` elements in flight, reads the element
that enters at each step as a scan input (the array as it was before the loop: no step touched it yet),
and emits the element that leaves as a scan output; the array is put together once, after the loop.
No step indexes the array, and the backward pass carries a few elements instead of the array (bubble
sort n = 32: 3.3 -> 2.0 ms, forward plus backward). The body works on its elements as variables
(`take_slots` / `put_slots`, as for independent loops). An array the loop only reads, always at
`b[j + c]`, is fed in as scan inputs too (`b[start + c:]` for each offset) instead of read by index: an
indexed read of a scan's constant adds a whole-array cotangent every step backward.

Steps past a traced bound (`range(n - 1 - i)`) are masked: their elements pass through unchanged.
The runtime streams only when it can show every element the steps touch lies inside the array (static
bounds), the range starts at a static value and each array is an array of numbers; otherwise the loop
runs as written, with the same result.
"""
from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, explain, fed_reads
from relaxjax.runtime.independent_loops import Slots, fed_elements, slot_array
from relaxjax.runtime.loops import TracedRange, masked_range_plan, scan, traced_range_limits
from relaxjax.runtime.merge import merge_states
from relaxjax.runtime.values import BoundedInt, SoftBool, is_static, unwrap


class _AsWritten(Exception):
    """The body did something a stream cannot express; run the loop as written."""


class Streamed:
    """A step-1 range whose iterations share the elements `a[j + c]` of the `slots` arrays."""

    def __init__(self, iterable: Any, slots: tuple[tuple[str, tuple[int, ...]], ...], reads: tuple = ()):
        self.iterable, self.slots, self.reads = iterable, slots, reads

    def run_at_once(self, body: Callable[..., tuple], state: tuple, names: tuple[str, ...]) -> tuple | None:
        """The state after the loop, run as a stream, or None to run the loop as written."""
        if not context.current().on("stream"):
            return None
        plan = _steps(self.iterable)
        if plan is None:
            return None
        start, trips, item_and_active = plan
        index = {n: k for k, n in enumerate(names)}
        state = list(state)
        spans = []
        last = start + trips - 1
        for name, offsets in self.slots:
            a = state[index[name]] = slot_array(state[index[name]], start, last, offsets)
            if a is None or a.dtype == jnp.bool_:
                return None
            spans.append((offsets[0], offsets[-1]))
        reads, read_inputs = fed_elements([(b, c) for b, offsets in self.reads if offsets is not None
                                           for c in offsets], np.arange(start, start + trips))
        carried = list(state)
        incoming = []
        for (name, _), (low, high) in zip(self.slots, spans):
            a = state[index[name]]
            # the elements in flight before step 0, as separate values (an array of them would be sliced
            # and padded back together every step, backward)
            carried[index[name]] = tuple(a[start + c] for c in range(low, high))
            incoming.append(a[start + high:start + high + trips])

        def step(s: tuple, x: tuple) -> tuple:
            k, entering, reading = x
            item, active = item_and_active(k)
            given, whole = list(s), list(s)
            for (name, offsets), (low, _), new in zip(self.slots, spans, entering):
                window = s[index[name]] + (new,)
                whole[index[name]] = window
                given[index[name]] = Slots(tuple(window[c - low] for c in offsets))
            with fed_reads.feeding(item.origin[0], reads, reading):
                out = list(body(item, *given))
            for (name, offsets), (low, _) in zip(self.slots, spans):
                slots = out[index[name]]
                if not isinstance(slots, Slots) or any(isinstance(v, SoftBool) for v in slots.values):
                    raise _AsWritten()
                elements = list(whole[index[name]])
                for c, v in zip(offsets, slots.values):
                    elements[c - low] = jnp.asarray(unwrap(v))
                out[index[name]] = tuple(elements)
            if active is not None:
                out = list(merge_states(active, tuple(out), tuple(whole), names))
            leaving = tuple(out[index[name]][0] for name, _ in self.slots)
            for name, _ in self.slots:
                out[index[name]] = out[index[name]][1:]
            return tuple(out), leaving

        try:
            xs = (jnp.arange(trips), tuple(incoming), tuple(read_inputs))
            final, left = scan(step, tuple(carried), names, xs)
        except _AsWritten:
            return None
        explain.note("for", f"a stream of {trips} steps (the elements in flight carried)", "stream")
        if reads:
            explain.note("for", explain.fed(len(reads)), "fed_reads")
        result = list(final)
        for (name, _), (low, _), emitted in zip(self.slots, spans, left):
            a, rest = state[index[name]], final[index[name]]
            dtype = jnp.result_type(a, emitted, *rest)
            settled = jnp.concatenate([emitted.astype(dtype)] + [jnp.asarray(e, dtype)[None] for e in rest])
            result[index[name]] = a.astype(dtype).at[start + low:start + low + settled.shape[0]].set(settled)
        return tuple(result)


def streamed(iterable: Any, slots: tuple, reads: tuple = ()) -> Streamed:
    """The range of a loop run as a stream when it can be (generated code; see the module docstring).
    `reads`: `(array, offsets)` of the arrays the loop only reads, at `b[j + c]`: fed in as scan inputs."""
    return Streamed(iterable, slots, reads)


def _steps(iterable: Any) -> tuple[int, int, Callable[[Any], tuple[Any, Any]]] | None:
    """`(start, trips, item_and_active)` of a step-1 range that starts at a static value: the loop variable
    at step k (a `BoundedInt`) and whether the range reaches step k (None: every step does)."""
    if isinstance(iterable, range):
        if iterable.step != 1 or len(iterable) < 2:
            return None
        lo, hi = iterable[0], iterable[-1]
        return iterable.start, len(iterable), lambda k: (BoundedInt(iterable.start + k, lo, hi), None)
    if not (isinstance(iterable, TracedRange) and iterable.step == 1 and is_static(iterable.start)
            and type(iterable.start) is int and traced_range_limits(iterable) is not None):
        return None
    _, item_and_active, trips = masked_range_plan(iterable)
    if trips < 2:
        return None
    return iterable.start, trips, item_and_active
