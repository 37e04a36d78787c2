"""`break`, `continue` and `return` inside loops: the outcome of one pass of a loop body.

A loop body that may leave the loop returns an `Outcome`: the state that goes on to the next pass
(`going`), and for each way out (`"break"`, `"return"`) the probability that this pass takes it and the
state there. `continue` and the end of the body are `go(state)`; `break` is `exit_(state)`, a `return`
inside a loop `exit_(state, "return")`. An `if` whose branches end in outcomes combines them as
conditional mixtures (`if_outcome`), and `then` runs the rest of a body on the paths that went on, so
every later statement runs on the state of the paths still running, never on a mixture with states that
already left (a flag guarding the rest would be correlated with the state it guards).

The probabilities are Python bools (static), bool arrays (hard) or floats (soft). The loop's passes are
folded from the end (halting.py): `level` is one step of that fold; at the function's top level
`finish` mixes the `return` states, the `break` states and the completed state.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import jax.numpy as jnp

from relaxjax.runtime import explain
from relaxjax.runtime.logic import truth
from relaxjax.runtime.merge import merge_states
from relaxjax.runtime.trace import maybe_skipped
from relaxjax.runtime.values import SoftBool

KINDS = ("break", "return")


@dataclasses.dataclass
class Outcome:
    """One pass of a loop body: `going`, the state that goes on to the next pass (None: no path does),
    and for each way out `exits[kind] = (probability, state)`."""

    going: tuple | None
    exits: dict[str, tuple[Any, tuple]]

    def probability(self, kind: str) -> Any:
        """The probability (a bool, a bool array or a float) that the pass leaves by `kind`."""
        return self.exits[kind][0] if kind in self.exits else False

    def state(self, kind: str) -> tuple | None:
        """The state where the pass leaves by `kind` (None: it never does)."""
        return self.exits[kind][1] if kind in self.exits else None


def go(state: tuple) -> Outcome:
    """The end of the body, or `continue`: the state goes on."""
    return Outcome(state, {})


def exit_(state: tuple, kind: str = "break") -> Outcome:
    """`break` (or, with kind "return", a `return` inside a loop): this path leaves with this state."""
    return Outcome(None, {kind: (True, state)})


# ---- probability arithmetic over Python bools, bool arrays (hard) and floats (soft)
def is_soft(*values: Any) -> bool:
    """Whether any of these probabilities is soft (a float, not a bool)."""
    return any(isinstance(v, SoftBool) or (not isinstance(v, bool) and jnp.asarray(v).dtype != jnp.bool_)
               for v in values)


def float_probability(v: Any) -> Any:
    """A probability as a float array."""
    return v.prob if isinstance(v, SoftBool) else jnp.asarray(v, jnp.result_type(float))


def _pick(weight: Any, a: tuple | None, b: tuple | None, names: tuple[str, ...]) -> tuple | None:
    """`a` with probability `weight`, else `b` (either may be absent: then the other)."""
    if a is None or b is None:
        return b if a is None else a
    if isinstance(weight, bool):
        return a if weight else b
    return merge_states(weight, a, b, names)


def _ratio(num: Any, den: Any) -> SoftBool:
    """`num / den` (num <= den: a conditional probability), 1/2 where `den` is below sqrt(tiny): so
    little mass that the states it weighs do not matter, and the derivative `num / den**2` could overflow
    (times a zero cotangent: NaN) after many loop passes of shrinking probability."""
    den = jnp.asarray(den)
    tiny = jnp.sqrt(jnp.finfo(jnp.result_type(den, float)).tiny)
    ok = den > tiny
    return SoftBool(jnp.where(ok, num / jnp.where(ok, den, 1.0), 0.5))


def mix(weight: Any, a: Outcome, b: Outcome, names: tuple[str, ...]) -> Outcome:
    """`a` with probability `weight` (a bool, bool array or SoftBool), else `b`."""
    if isinstance(weight, bool):
        return a if weight else b
    kinds = [kind for kind in KINDS if kind in a.exits or kind in b.exits]
    if not isinstance(weight, SoftBool) and not is_soft(*(o.probability(k) for o in (a, b) for k in kinds)):
        exits = {k: (jnp.where(weight, a.probability(k), b.probability(k)), _pick(weight, a.state(k), b.state(k),
                                                                                   names)) for k in kinds}
        return Outcome(_pick(weight, a.going, b.going, names), exits)
    p = float_probability(weight)
    exits, going_a, going_b = {}, 1.0, 1.0
    for kind in kinds:
        qa, qb = float_probability(a.probability(kind)), float_probability(b.probability(kind))
        q = p * qa + (1 - p) * qb
        exits[kind] = (q, _pick(_ratio(p * qa, q), a.state(kind), b.state(kind), names))
        going_a, going_b = going_a - qa, going_b - qb
    going = p * going_a + (1 - p) * going_b
    return Outcome(_pick(_ratio(p * going_a, going), a.going, b.going, names), exits)


def if_outcome(test: Any, body: Callable[..., Outcome], orelse: Callable[..., Outcome], state: tuple,
               names: tuple[str, ...]) -> Outcome:
    """`if test: body else: orelse` where both branches end the loop body (they return outcomes)."""
    t = truth(test)
    if isinstance(t, bool):
        explain.note("if", explain.STATIC_IF, "python")
        return body(*state) if t else orelse(*state)
    if isinstance(t, SoftBool):
        explain.note("if", "soft test around a break, continue or return: both branches ran, their outcomes "
                     "mixed", "relaxed")
    else:
        explain.note("if", "hard traced test around a break, continue or return: exact", "exact")
    with maybe_skipped():
        a, b = body(*state), orelse(*state)
    return mix(t, a, b, names)


def then(first: Outcome, rest: Callable[..., Outcome], names: tuple[str, ...]) -> Outcome:
    """`first`, and on the paths that went on, `rest` (the statements after a loop that may return)."""
    if first.going is None:
        return first
    going = goes_on(first)
    if isinstance(going, bool):
        return rest(*first.going) if going else first
    with maybe_skipped():
        second = rest(*first.going)
    if isinstance(going, SoftBool):   # where the pass left: which way, conditionally
        total = sum(float_probability(q) for q, _ in first.exits.values())
        left = Outcome(None, {k: (_ratio(float_probability(q), total).prob, e) for k, (q, e) in first.exits.items()})
    else:   # hard: where it left, its own flag says which way
        left = Outcome(None, first.exits)
    return mix(going, second, left, names)


def goes_on(o: Outcome) -> Any:
    """The probability that an outcome goes on: True, or a bool array / SoftBool."""
    qs = [o.probability(k) for k in o.exits]
    if all(isinstance(q, bool) for q in qs):
        return not any(qs)
    if is_soft(*qs):
        return SoftBool(1.0 - sum(float_probability(q) for q in qs))
    return jnp.logical_not(jnp.any(jnp.stack([jnp.asarray(q) for q in qs])))


def settle(out: Outcome, kind: str, names: tuple[str, ...]) -> Outcome:
    """Turn the `kind` exits of `out` into its continuing state (a loop's `break` after the loop)."""
    if kind not in out.exits:
        return out
    q, e = out.exits[kind]
    exits = {k: v for k, v in out.exits.items() if k != kind}
    going = goes_on(out)
    if out.going is None:
        return Outcome(e, exits)
    if isinstance(going, bool) and isinstance(q, bool):
        return Outcome(e if q else out.going, exits)
    if isinstance(going, SoftBool) or is_soft(q):
        g, qf = float_probability(going), float_probability(q)
        return Outcome(_pick(_ratio(qf, qf + g), e, out.going, names), exits)
    return Outcome(_pick(q, e, out.going, names), exits)


def finish(out: Outcome, rest: Callable[..., tuple], names: tuple[str, ...]) -> tuple:
    """The function's state after a top-level loop that may return: `rest` (the rest of the function)
    on the paths that left the loop otherwise, mixed with the states at its `return`s."""
    return settle(then(out, lambda *s: go(rest(*s)), names), "return", names).going


def level(out: Outcome, later: Outcome, names: tuple[str, ...]) -> Outcome:
    """Passes t.. as seen after the loop: pass t (`out`), then (where it went on) the later passes; a
    `break` ends the loop with its state."""
    if not later.exits and out.going is not None and set(out.exits) <= {"break"}:
        # The common case (every pass of a `while`): the pass breaks with probability q, else the later
        # passes run to the end: one mixture, without the conditional probabilities of the general case.
        if not out.exits:
            return later
        q, e = out.exits["break"]
        weight = SoftBool(float_probability(q)) if is_soft(q) and not isinstance(q, SoftBool) else q
        return Outcome(_pick(weight, e, later.going, names), {})
    return settle(then(out, lambda *_: later, names), "break", names)
