"""One `lax.scan` over a state tuple of any relaxjax values, whatever the loop strategy.

The carry's layout (specs) settles by widening: an int that a soft branch makes a float, a bool that
becomes a probability, a static value that changes from step to step all make the body trace again with
the wider layout. Every strategy that scans (a plain scan, a masked range, a stream, the halting folds
of `while` and of loops that may exit) goes through `scan`.
"""
from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax import lax

from relaxjax.runtime import context, sampling
from relaxjax.runtime.carry import flatten, join_states, same_specs, spec_of, unflatten
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.values import Undefined


class _Widen(Exception):
    def __init__(self, token: object, specs: tuple):
        super().__init__("loop carry widened")
        self.token, self.specs = token, specs


def scan(step: Callable[[tuple, Any], tuple], state: tuple, names: tuple[str, ...], xs: Any,
         length: int | None = None, reverse: bool = False, specs: tuple | None = None,
         recorded: int = 0, passed: list | None = None) -> tuple[tuple, Any]:
    """`lax.scan` over a state tuple of any relaxjax values; `step(state, x)` returns `(state, ys)`.

    The carry's specs start from the initial state and widen (int -> float, bool -> SoftBool, static ->
    traced) until the body returns what it was given; each widening traces the body once more.
    `specs`, if given, is a wider starting layout than the initial state's own. With `recorded = r`,
    `step` returns `(state, ys, others)`: `r` states at other points of the step (a `break`, say) that
    widen the carry's layout too and come back in `ys` as `(ys, [their leaves], specs)`.

    A variable the step hands back as it got it (in its state and in every recorded one) comes out of
    the loop as the very value that went in, not as the scan's copy: later merges then see one value
    on both sides and keep it exact (an int stays an int). With `passed` (a list), the flags of which
    variables those are are appended to it.
    """
    seen_passed: list = []
    if specs is None:
        specs = tuple(spec_of(v) for v in state)
    if context.current().sampled:   # each step draws fresh decisions: the scan feeds in its step number
        xs, step = (xs, jnp.arange(_length(xs, length))), _drawing_step(step, sampling.loop())
    for _ in range(16):
        token = object()

        def body(leaves, x, specs=specs, token=token):
            given = unflatten(specs, leaves)
            out, ys, *other = step(given, x)
            seen_passed[:] = [all(o is g for o in (new,) + tuple(st[k] for st in (other[0] if recorded else ())))
                              for k, (new, g) in enumerate(zip(out, given))]
            widened = join_states(specs, out, names)
            for state_elsewhere in (other[0] if recorded else ()):
                widened = join_states(widened, state_elsewhere, names)
            if not same_specs(widened, specs):
                raise _Widen(token, widened)
            if recorded:
                ys = (ys, [flatten(o, specs) for o in other[0]])
            return flatten(out, specs), ys

        try:
            # rematerialised: the backward pass recomputes a step from its carry instead of reading
            # the step's saved intermediates (bubble sort n=256: 422 -> 98 ms, forward + backward)
            final, ys = lax.scan(jax.checkpoint(body, prevent_cse=False), flatten(state, specs), xs,
                                 length=length, reverse=reverse)
        except _Widen as w:
            if w.token is not token:
                raise
            specs = w.specs
            continue
        if passed is not None:
            passed.append(tuple(seen_passed))
        final = keep_passed(state, unflatten(specs, final), seen_passed)
        return final, ((ys[0], ys[1], specs) if recorded else ys)
    raise RelaxError("the types of a loop's variables did not settle")  # pragma: no cover


def _length(xs: Any, length: int | None) -> int:
    return length if length is not None else jax.tree_util.tree_leaves(xs)[0].shape[0]


def _drawing_step(step: Callable, scan_key: Any) -> Callable:
    def drawing(state: tuple, x: tuple) -> tuple:
        x, k = x
        with sampling.step(scan_key, k):
            return step(state, x)
    return drawing


def keep_passed(before: tuple, after: tuple, passed: tuple) -> tuple:
    """`after`, with the value from `before` wherever a loop passed the variable through unchanged.

    A variable without a value before the loop is not kept: a static value it gets on a way out (a
    literal `return 1`) is what the carry holds for it, and looks passed through from step to step."""
    return tuple(b if kept and not isinstance(b, Undefined) else a for b, a, kept in zip(before, after, passed))
