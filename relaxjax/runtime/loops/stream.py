"""The stream strategy: a loop whose iterations depend on each other only through a few elements of an
array, at fixed offsets from the loop variable (marked by the loop_strategies pass), runs as a scan
that carries those elements instead of the array.

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
runs as written, with the same result (the strategy declines: `Declined`).
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, explain, fed_reads
from relaxjax.runtime.loops.iteration import IterationSpace
from relaxjax.runtime.loops.scan import scan
from relaxjax.runtime.loops.strategy import Declined, declined_if_unrolling_needed
from relaxjax.runtime.loops.vectorised import Slots, fed_elements, slot_array
from relaxjax.runtime.merge import merge_states
from relaxjax.runtime.values import BoundedInt, SoftBool, unwrap


class Streamed:
    """The strategy for a step-1 range whose iterations share the elements `a[j + c]` of the `slots`
    arrays."""

    name = "stream"

    def __init__(self, slots: tuple[tuple[str, tuple[int, ...]], ...], reads: tuple = ()):
        self.slots, self.reads = slots, reads

    def run(self, space: IterationSpace, body: Callable[..., tuple], state: tuple, names: tuple[str, ...]) -> tuple:
        """The state after the loop, run as a stream; `Declined` to run the loop otherwise."""
        if not context.current().on(self.name):
            raise Declined("switched off")
        start = space.static_start()
        steps = space.indexed_steps() if start is not None and space.step == 1 else None
        if steps is None or steps[0] < 2:
            raise Declined("not a range of step 1 from a static start, two or more steps, static bounds")
        trips, item_and_active = steps
        index = {n: k for k, n in enumerate(names)}
        state = list(state)
        spans = []
        last = start + trips - 1
        for name, offsets in self.slots:
            a = state[index[name]] = slot_array(state[index[name]], start, last, offsets)
            if isinstance(a, BoundedInt):   # an int array with bounds: streamed as a plain one
                a = state[index[name]] = a.value
            if not isinstance(a, jax.Array) or a.dtype == jnp.bool_:
                raise Declined(f"{name}[j + c] may fall outside {name}, or {name} is not an array of numbers")
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
                    raise Declined("a slot became a probability")
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

        with declined_if_unrolling_needed():
            xs = (jnp.arange(trips), tuple(incoming), tuple(read_inputs))
            final, left = scan(step, tuple(carried), names, xs)
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


def streamed(slots: tuple, reads: tuple = ()) -> Streamed:
    """The strategy of a loop run as a stream when it can be (generated code; see the module docstring).
    `reads`: `(array, offsets)` of the arrays the loop only reads, at `b[j + c]`: fed in as scan inputs."""
    return Streamed(slots, reads)
