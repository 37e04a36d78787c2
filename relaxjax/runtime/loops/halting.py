"""The halting fold: a loop's passes recorded by one scan and folded from the end by a reverse scan.

Every pass of a loop is an `Outcome`: the state that goes on, and the probability and state of each way
out. `while test: body` is passes of `if test: body else: break`, so its result is the state expected
over the halting pass (with `c_t` the test on state `x_t`: `x_0` if not c_0, else `x_1` if not c_1,
...: the nested merge `merge(c_0, merge(c_1, ..., x_1), x_0)`), with the mass still running after its
last pass given to the last state. `scanned_outcomes` records each pass's ways out in a scan and folds
`outcomes.level` in a reverse scan (a loop with no way out records and folds nothing);
`scanned_while` builds the passes of a `while`; `unrolled_outcomes` folds passes run in Python.
"""
from __future__ import annotations

import functools
import math
from typing import Any, Callable

import jax
import jax.numpy as jnp

from relaxjax.runtime.carry import join, same_specs, spec_of, unflatten
from relaxjax.runtime.logic import truth
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.loops.outcomes import KINDS, Outcome, exit_, float_probability, go, is_soft, level, mix
from relaxjax.runtime.loops.scan import keep_passed, scan
from relaxjax.runtime.merge import merge
from relaxjax.runtime.values import BoundedInt, SoftBool, Undefined


def static_parts_equal(a: tuple, b: tuple) -> bool:
    if a[0] == "static" or b[0] == "static":
        return a[0] == b[0] and same_specs((a,), (b,))
    if a[0] in ("seq", "map") or b[0] in ("seq", "map"):
        return a[0] == b[0] and len(a[2]) == len(b[2]) and all(map(static_parts_equal, a[2], b[2]))
    return True


def all_of(tests: list) -> Any:
    """The probability that every test holds (independent, as the relaxation reads them); hard: `all`."""
    if any(isinstance(t, SoftBool) or (hasattr(t, "dtype") and t.dtype != jnp.bool_) for t in tests):
        return math.prod(t.prob if isinstance(t, SoftBool) else jnp.asarray(t, jnp.result_type(float))
                         for t in tests)
    return functools.reduce(jnp.logical_and, [jnp.asarray(t) for t in tests])


def static_trajectory(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                      names: tuple[str, ...], budget: int) -> tuple | None:
    """How the static ints of a relaxed `while` evolve, found by tracing it once and discarding the trace.

    Static values cannot depend on traced data, so the sequence they take (the paper's bubble sort:
    the pass length `n`, and when `swapped` becomes the constant False) is the same on every input.
    Returns `(steps, specs, trajectories)` for `scanned_while`: the number of traced steps before the
    test becomes static False (or `budget`), the carry layout, and for each variable that is a static
    int changing from step to step its value at every step. None when a static True test interrupts
    the traced steps, or every path of a pass leaves (then the loop stays unrolled).
    """
    record: list[tuple] = []
    ended: list[bool] = []

    def explore():
        s = state
        for _ in range(budget):
            c = truth(test(*s))
            if isinstance(c, bool):
                ended.append(c)
                return ()
            record.append(tuple(spec_of(v) for v in s))
            s = body(*s).going
            if s is None:
                ended.append(True)
                return ()
        return ()

    jax.make_jaxpr(explore)()
    if ended == [True] or not record:
        return None
    specs = record[0]
    for step_specs in record[1:]:
        specs = tuple(join(a, b, n) for a, b, n in zip(specs, step_specs, names))
    trajectories = {}
    for k in range(len(names)):
        column = [step[k] for step in record]
        if all(c[0] == "static" and type(c[1]) is int for c in column) and len({c[1] for c in column}) > 1:
            trajectories[k] = [c[1] for c in column]
    return len(record), specs, trajectories


def frozen_once_halted(halted: Any, old: tuple, new: tuple, names: tuple[str, ...]) -> tuple:
    """The state the next step of a scanned `while` starts from: `old` once the loop has certainly halted.

    Those steps carry no weight in the result, but a body run on and on from a state no run reaches can
    overflow (a value doubling each pass), and an infinity times the zero cotangent of a step without
    mass is a NaN in the backward pass. From the halting state each step is one body run, finite."""
    return tuple(n if isinstance(o, Undefined) or isinstance(n, Undefined) else merge(halted, o, n, name)
                 for o, n, name in zip(old, new, names))


def scanned_while(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                  names: tuple[str, ...], kinds: tuple[str, ...], steps: int, specs: tuple | None = None,
                  trajectories: dict[int, list[int]] | None = None) -> tuple[Outcome, Any]:
    """Up to `steps` more passes of `if test: body else: break`, folded by `scanned_outcomes`: the
    outcome of the rest of the loop, and the probability (hard: whether) it still runs after them.

    `trajectories` gives, for some variables, their static int value at each step: the scan feeds
    them in as `BoundedInt`s, so a `range(n)` in the body is masked at the largest `n`.
    """
    if steps <= 0:
        return go(state), True
    trajectories = trajectories or {}
    bounds = {k: (min(v), max(v)) for k, v in trajectories.items()}
    xs = {k: jnp.asarray(v) for k, v in trajectories.items()} or None

    def step(s, x):
        if x is not None:
            s = tuple(BoundedInt(x[k], *bounds[k]) if k in bounds else v for k, v in enumerate(s))
        c = truth(test(*s))
        if isinstance(c, bool):   # static inside the scan (a test on a static part)
            return body(*s) if c else exit_(s)
        out = body(*s)
        if out.going is not None:
            halted = c.prob == 0 if isinstance(c, SoftBool) else jnp.logical_not(c)
            out = Outcome(frozen_once_halted(halted, s, out.going, names), out.exits)
        return mix(c, out, exit_(s), names)

    return scanned_outcomes(step, state, names, xs, steps, kinds=kinds, specs=specs, next_test=test)


def unrolled_outcomes(passes: list, state: tuple, names: tuple[str, ...]) -> Outcome:
    """Run `passes` (each maps a state to an `Outcome`) one after another while a path goes on, then fold
    them from the end."""
    outs = []
    result = None
    for run in passes:
        out = run(state)
        outs.append(out)
        if out.going is None:
            result = Outcome(None, {})
            break
        state = out.going
    if result is None:
        result = go(state)
    for out in reversed(outs):
        result = level(out, result, names)
    return result


def scanned_outcomes(step: Callable[[tuple, Any], Outcome], state: tuple, names: tuple[str, ...], xs: Any,
                     length: int, kinds: tuple[str, ...] = KINDS, specs: tuple | None = None,
                     next_test: Callable[..., Any] | None = None) -> tuple[Outcome, Any]:
    """Record every pass's exits in a scan, then fold `outcomes.level` backwards in a reverse scan. Also
    returns the probability (hard: whether) that a run goes on past the last pass: that no pass left,
    and, with `next_test` (a `while`'s test), that the test of the pass after the last still holds.

    `kinds`: the ways out a pass may take (a loop without a `return` records no return states and its
    fold carries only the state). `specs`: a wider starting layout of the carry than the state's own."""
    seen: dict[str, Any] = {}

    def record(s, x):
        out = step(s, x)
        if set(out.exits) - set(kinds):
            raise RelaxError(f"internal: a pass left by {sorted(out.exits)}, the loop expected {list(kinds)}")
        qs = [jnp.asarray(float_probability(q) if is_soft(q) else q) for q in map(out.probability, kinds)]
        seen["soft"] = [q.dtype != jnp.bool_ for q in qs]
        seen["never"] = [out.probability(k) is False for k in kinds]   # statically never taken, in every pass
        others = [out.state(k) if out.state(k) is not None else s for k in kinds]
        return (out.going if out.going is not None else s), qs, others

    if not kinds:   # no way out: the state after the last pass is the loop's, nothing to record or fold
        return Outcome(scan(lambda s, x: (step(s, x).going, ()), state, names, xs, length=length, specs=specs)[0],
                       {}), True
    passed: list = []
    last, (qs, e_leaves, specs) = scan(record, state, names, xs, length=length, recorded=len(kinds), passed=passed,
                                       specs=specs)
    soft, never = seen["soft"], seen["never"]
    never_returns, n = "return" not in kinds or never[kinds.index("return")], len(names)

    def fold(packed, x):
        q_leaves, leaves = x
        exits = {}
        for kind, q, soft_q, is_never, el in zip(kinds, q_leaves, soft, never, leaves):
            if not is_never:
                exits[kind] = (SoftBool(q) if soft_q else q, unflatten(specs, el))
        out = Outcome(packed[:n], exits)
        later = Outcome(packed[:n], {} if never_returns else
                        {"return": (_as_weight(packed[2 * n]), packed[n:2 * n])})
        result = level(out, later, names)
        if never_returns:
            return result.going, ()
        q_ret = result.probability("return")
        e_ret = result.state("return") if result.state("return") is not None else result.going
        return result.going + e_ret + (float_probability(q_ret) if any(soft) else jnp.asarray(q_ret),), ()

    if never_returns:
        packed, _ = scan(fold, last, names, (qs, e_leaves), reverse=True)
    else:
        start = last + last + ((0.0 if any(soft) else False),)
        packed, _ = scan(fold, start, names + names + ("the return mass",), (qs, e_leaves), reverse=True)
    left = [q for q, is_never in zip(qs, never) if not is_never]
    if any(soft):
        dtype = jnp.result_type(*[q for q in left if q.dtype != jnp.bool_]) if left else None
        running = jnp.prod(1.0 - sum(q.astype(dtype) for q in left)) if left else True
    else:
        running = jnp.all(~functools.reduce(jnp.logical_or, left)) if left else True
    if next_test is not None:
        running = all_of([running, truth(next_test(*last))])
    k = keep_passed(state, packed[:n], passed[0])
    if never_returns:
        return Outcome(k, {}), running
    e = keep_passed(state, packed[n:2 * n], passed[0])
    return Outcome(k, {"return": (_as_weight(packed[2 * n]), e)}), running


def _as_weight(q: Any) -> Any:
    if isinstance(q, (bool, SoftBool)):
        return q
    q = jnp.asarray(q)
    return q if q.dtype == jnp.bool_ else SoftBool(q)
