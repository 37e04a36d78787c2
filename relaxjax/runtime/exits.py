"""`break` and `continue` inside loops, under static, hard and soft conditions.

A loop body that may break returns an `Outcome`: the state that goes on to the next iteration (`k`),
the probability that this iteration breaks (`q`), and the state at the break (`e`). `continue` and the
end of the body are `go(state)`; `break` is `exit_(state)`. An `if` whose branches end in outcomes
combines them as conditional mixtures (`if_outcome`), so the next iteration runs on the state of the
paths that did not break, never on a mixture with states that already left the loop (a flag that
guards the rest of the loop would be correlated with the state it guards, DESIGN.md §5).

The state after the loop is the break state of the first iteration that breaks, else the state after
the last iteration: with `q_t` and `e_t` of iteration t, `merge(q_0, e_0, merge(q_1, e_1, ... final))`.
Loops over static ranges and arrays run as a scan that records `(q_t, e_t)` and a reverse scan that
folds the merges.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import jax.numpy as jnp

from relaxjax.runtime import context, loops
from relaxjax.runtime.logic import truth
from relaxjax.runtime.merge import merge_states
from relaxjax.runtime.values import SoftBool, Undefined


@dataclasses.dataclass
class Outcome:
    """One pass of a loop body: `k` goes on (None: no path does), `q` is the probability of a break
    (a Python 0/1, a bool array or a float), `e` the state at the break (None: no path breaks)."""

    k: tuple | None
    q: Any
    e: tuple | None


def go(state: tuple) -> Outcome:
    """The end of the body, or `continue`: the state goes on to the next iteration."""
    return Outcome(state, False, None)


def exit_(state: tuple) -> Outcome:
    """`break`: the loop ends with this state."""
    return Outcome(None, True, state)


def _ratio(num: Any, den: Any) -> Any:
    den = jnp.asarray(den)
    return jnp.where(den > 0, num / jnp.where(den > 0, den, 1.0), 0.5)


def _pick(weight: Any, a: tuple | None, b: tuple | None, names: tuple[str, ...]) -> tuple | None:
    if a is None or b is None:
        return b if a is None else a
    return merge_states(weight, a, b, names)


def if_outcome(test: Any, body: Callable[..., Outcome], orelse: Callable[..., Outcome], state: tuple,
               names: tuple[str, ...]) -> Outcome:
    """`if test: body else: orelse` where both branches end the loop body (they return outcomes)."""
    t = truth(test)
    if isinstance(t, bool):
        return body(*state) if t else orelse(*state)
    a, b = body(*state), orelse(*state)
    if not isinstance(t, SoftBool):   # hard: select exactly
        q = jnp.where(t, a.q, b.q)
        return Outcome(_pick(t, a.k, b.k, names), q, _pick(t, a.e, b.e, names))
    p = t.prob
    qa, qb = jnp.asarray(a.q, p.dtype), jnp.asarray(b.q, p.dtype)
    q = p * qa + (1 - p) * qb
    e = _pick(SoftBool(_ratio(p * qa, q)), a.e, b.e, names)
    k = _pick(SoftBool(_ratio(p * (1 - qa), 1 - q)), a.k, b.k, names)
    return Outcome(k, q, e)


def _as_test(q: Any) -> Any:
    """A break probability as the test of a merge ("broke" -> the break state)."""
    if isinstance(q, (bool, int)):
        return bool(q)
    q = jnp.asarray(q)
    return q if q.dtype == jnp.bool_ else SoftBool(q)


def _fold(outcomes: list[tuple[Any, tuple]], final: tuple, names: tuple[str, ...]) -> tuple:
    for q, e in reversed(outcomes):
        t = _as_test(q)
        final = (e if t else final) if isinstance(t, bool) else merge_states(t, e, final, names)
    return final


def _completed(orelse: Callable[..., tuple] | None, state: tuple) -> tuple:
    return orelse(*state) if orelse is not None else state


def for_exit_stmt(iterable: Any, body: Callable[..., Outcome], state: tuple, names: tuple[str, ...],
                  orelse: Callable[..., tuple] | None = None) -> tuple:
    """`for item in iterable: body else: orelse` where the body may `break` (it returns an `Outcome`);
    `orelse` runs on the state of the paths that finish the loop without breaking."""
    if isinstance(iterable, Undefined):
        iterable.fail()
    plan = loops.scan_plan(iterable) if not isinstance(iterable, loops.TracedRange) else None
    if plan is not None:
        try:
            return _scanned(lambda s, x: body(plan[1](x), *s), state, names, plan[0], plan[2], orelse)
        except loops.NEEDS_STATIC + (loops.StructureError, loops.StaticIterationNeeded):
            pass
    if isinstance(iterable, loops.TracedRange):
        raise loops.RelaxError("`break` in a loop over a range with a traced bound is not supported yet; "
                               "loop over a static range and skip iterations with `if`")
    breaks: list[tuple[Any, tuple]] = []
    for item in loops.python_items(iterable):
        out = body(item, *state)
        if out.e is not None:
            breaks.append((out.q, out.e))
        if out.k is None:
            return _fold(breaks[:-1], out.e, names)
        state = out.k
    return _fold(breaks, _completed(orelse, state), names)


def _scanned(step: Callable[[tuple, Any], Outcome], state: tuple, names: tuple[str, ...], xs: Any,
             length: int, orelse: Callable[..., tuple] | None) -> tuple:
    seen: dict[str, Any] = {}

    def record(s, x):
        out = step(s, x)
        k = out.k if out.k is not None else s
        e = out.e if out.e is not None else s
        q = jnp.asarray(out.q)
        seen["soft"] = q.dtype != jnp.bool_
        return k, q, e

    last, (qs, e_leaves, specs) = loops.scan(record, state, names, xs, length=length, recorded=True)
    soft = seen["soft"]

    def fold(result, x):
        q, leaves = x
        t = SoftBool(q) if soft else q
        return merge_states(t, loops.unflatten(specs, leaves), result, names), ()

    result, _ = loops.scan(fold, _completed(orelse, last), names, (qs, e_leaves), reverse=True)
    return result


def while_exit_stmt(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                    names: tuple[str, ...], orelse: Callable[..., tuple] | None = None) -> tuple:
    """`while test: body else: orelse` where the body may `break`: the halting mixture over both ways
    out (`orelse` runs where the test ends the loop, and on the state still running at `max_iter`).

    Steps whose test and break are static run as plain Python; from the first traced one, the rest (up
    to `max_iter` body runs) is one scan, or unrolled when the body needs a changing value static.
    """
    max_iter = context.current().max_iter
    for steps in range(max_iter + 1):
        c = truth(test(*state))
        if (isinstance(c, bool) and not c) or steps == max_iter:
            return _completed(orelse, state)
        if not isinstance(c, bool):
            return _traced_while(test, body, state, names, max_iter - steps, orelse)
        out = body(*state)
        if not isinstance(out.q, bool):
            return _traced_while(test, body, state, names, max_iter - steps, orelse)
        if out.q:
            return out.e
        state = out.k
    return state   # pragma: no cover


def _traced_while(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                  names: tuple[str, ...], steps: int, orelse: Callable[..., tuple] | None) -> tuple:
    try:
        return _scanned_while(test, body, state, names, steps, orelse)
    except loops.NEEDS_STATIC + (loops.StructureError, loops.StaticIterationNeeded):
        pass
    stops: list[tuple[Any, Any, tuple, tuple]] = []   # (c_t, q_t, s_t, e_t)
    final = None
    for _ in range(steps):
        c = truth(test(*state))
        if isinstance(c, bool) and not c:
            break
        out = body(*state)
        stops.append((c, out.q, state, out.e if out.e is not None else state))
        if out.k is None:
            final = out.e
            break
        state = out.k
    result = final if final is not None else _completed(orelse, state)
    for c, q, s, e in reversed(stops):
        after_body = _fold([(q, e)], result, names)
        result = after_body if c is True else merge_states(c, after_body, _completed(orelse, s), names)
    return result


def _scanned_while(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                   names: tuple[str, ...], steps: int, orelse: Callable[..., tuple] | None) -> tuple:
    """Record `(c_t, q_t, x_t, e_t)` in a scan, then fold `merge(c, merge(q, e, result), x)` backwards."""
    seen: dict[str, Any] = {}

    def record(s, _):
        c = truth(test(*s))
        out = body(*s)
        k = out.k if out.k is not None else s
        e = out.e if out.e is not None else s
        c_leaf = c.prob if isinstance(c, SoftBool) else jnp.asarray(c)
        q = jnp.asarray(out.q)
        seen.update(c_soft=isinstance(c, SoftBool), q_soft=q.dtype != jnp.bool_)
        return k, (c_leaf, q, loops.flatten(s, tuple(loops.spec_of(v) for v in s))), e

    last, ((cs, qs, x_leaves), e_leaves, specs) = loops.scan(record, state, names, None, length=steps,
                                                             recorded=True)
    c_soft, q_soft = seen["c_soft"], seen["q_soft"]

    def fold(result, x):
        c, q, xl, el = x
        c = SoftBool(c) if c_soft else c
        q = SoftBool(q) if q_soft else q
        after_body = merge_states(q, loops.unflatten(specs, el), result, names)
        return merge_states(c, after_body, _completed(orelse, loops.unflatten(specs, xl)), names), ()

    result, _ = loops.scan(fold, _completed(orelse, last), names, (cs, qs, x_leaves, e_leaves), reverse=True)
    return result
