"""A `while` on integers and truth values only, with a hard traced test: one `lax.while_loop`, unbounded.

Such a loop (Collatz's `while n != 1`, a hard binary search over indices) decides everything exactly and
holds nothing to differentiate, so it runs until its test fails, as in Python, with no `max_iter`. A
`break` is carried as a flag (the loop stops once it is set); a `return` inside the loop is left to the
bounded loop. The loop declines (`Declined`) when its state holds, or comes to hold, a floating value or a
soft truth value, when a decision inside becomes static, or when the mode draws samples.
"""
from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp
from jax import lax

from relaxjax.runtime import context
from relaxjax.runtime.carry import flatten, join_states, same_specs, spec_of, unflatten
from relaxjax.runtime.logic import truth
from relaxjax.runtime.loops.iteration import NeedsStatic, bounds_must_be_static
from relaxjax.runtime.loops.outcomes import Outcome, settle
from relaxjax.runtime.loops.strategy import Declined, declined_if_unrolling_needed
from relaxjax.runtime.values import SoftBool


def _exact_specs(specs: tuple) -> bool:
    """Whether a carry layout holds only static values, integers and bools (no float, no SoftBool)."""
    for spec in specs:
        if spec[0] in ("seq", "map"):
            if not _exact_specs(spec[2]):
                return False
        elif spec[0] == "heap":
            if any(jnp.issubdtype(d, jnp.inexact) for d in spec[2]):
                return False
        elif spec[0] in ("soft", "count", "position") or (spec[0] == "array" and not (jnp.issubdtype(spec[2], jnp.integer)
                                                               or spec[2] == jnp.bool_)):
            return False
    return True


class _Widen(Exception):
    def __init__(self, specs: tuple):
        super().__init__("loop carry widened")
        self.specs = specs


def _hard(c: Any) -> Any:
    if isinstance(c, (bool, SoftBool)) or jnp.asarray(c).dtype != jnp.bool_ or jnp.ndim(c) != 0:
        raise Declined("not a hard traced test")
    return c


def unbounded_while(first_test: Any, test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                    names: tuple[str, ...]) -> tuple:
    """The state after `while test(*state): body(*state)` (the body's `Outcome` may `break`), run by one
    `lax.while_loop`; raises `Declined` where the loop is not one on integers with a hard test (checked
    on `first_test`, the test of `state`, and on the state before the body is traced)."""
    if context.current().sampled:
        raise Declined("sampled decisions draw from a key per pass")
    _hard(first_test)
    specs = tuple(spec_of(v) for v in state)
    for _ in range(16):
        if not _exact_specs(specs):
            raise Declined("the state holds a floating or soft value")

        def cond(carry, specs=specs):
            leaves, broke = carry
            return jnp.logical_and(jnp.logical_not(broke), _hard(truth(test(*unflatten(specs, leaves)))))

        def step(carry, specs=specs):
            leaves, _ = carry
            out = body(*unflatten(specs, leaves))
            if set(out.exits) - {"break"}:
                raise Declined("a `return` inside the loop")
            broke = out.probability("break")
            if not isinstance(broke, bool):
                _hard(broke)
            new = settle(out, "break", names).going
            widened = join_states(specs, new, names)
            if not same_specs(widened, specs):
                raise _Widen(widened)
            return flatten(new, specs), jnp.asarray(broke)

        try:
            with bounds_must_be_static(), declined_if_unrolling_needed():
                leaves, _ = lax.while_loop(cond, step, (flatten(state, specs), jnp.asarray(False)))
        except _Widen as w:
            specs = w.specs
            continue
        except NeedsStatic as err:
            raise Declined("the body needs a bound with no static limit") from err
        return unflatten(specs, leaves)
    raise Declined("the types of the loop's variables did not settle")  # pragma: no cover
