"""`break`, `continue` and `return` inside loops, under static, hard and soft conditions.

A loop body that may leave the loop returns an `Outcome`: the state that goes on to the next
iteration (`k`), and for each way out (`"break"`, `"return"`) the probability `q` that this pass takes
it and the state `e` there. `continue` and the end of the body are `go(state)`; `break` is
`exit_(state)`, a `return` inside a loop `exit_(state, "return")`. An `if` whose branches end in
outcomes combines them as conditional mixtures (`if_outcome`), and `then` runs the rest of a body on
the paths that went on, so every later statement runs on the state of the paths still running, never
on a mixture with states that already left (a flag guarding the rest would be correlated with the
state it guards, DESIGN.md §5).

A loop folds its iterations from the end. At the function's top level the state after the loop mixes
the `return` states, the `break` states and the completed state (`after`, the rest of the function,
runs on the latter two); a loop nested in another loop's body passes its `return` exits on as an
`Outcome`. Loops over static ranges and arrays (and every `while`, a loop of `max_iter` passes of
`if test: body else: break`) run as a scan recording each pass and a reverse scan folding them.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable

import jax.numpy as jnp

from relaxjax.runtime import context, explain, loops, unfinished
from relaxjax.runtime.logic import truth
from relaxjax.runtime.merge import merge_states
from relaxjax.runtime.values import SoftBool, Undefined

KINDS = ("break", "return")


@dataclasses.dataclass
class Outcome:
    """One pass of a loop body: `k` goes on (None: no path does); `exits[kind] = (q, e)`."""

    k: tuple | None
    exits: dict[str, tuple[Any, tuple]]

    def q(self, kind: str) -> Any:
        return self.exits[kind][0] if kind in self.exits else False

    def e(self, kind: str) -> tuple | None:
        return self.exits[kind][1] if kind in self.exits else None


def go(state: tuple) -> Outcome:
    """The end of the body, or `continue`: the state goes on."""
    return Outcome(state, {})


def exit_(state: tuple, kind: str = "break") -> Outcome:
    """`break` (or, with kind "return", a `return` inside a loop): this path leaves with this state."""
    return Outcome(None, {kind: (True, state)})


# ---- probability arithmetic over Python bools, bool arrays (hard) and floats (soft)
def _is_soft(*values: Any) -> bool:
    return any(isinstance(v, SoftBool) or (not isinstance(v, bool) and jnp.asarray(v).dtype != jnp.bool_)
               for v in values)


def _float(v: Any) -> Any:
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


def _mix(weight: Any, a: Outcome, b: Outcome, names: tuple[str, ...]) -> Outcome:
    """`a` with probability `weight` (a bool, bool array or SoftBool), else `b`."""
    if isinstance(weight, bool):
        return a if weight else b
    kinds = [kind for kind in KINDS if kind in a.exits or kind in b.exits]
    if not isinstance(weight, SoftBool) and not _is_soft(*(o.q(k) for o in (a, b) for k in kinds)):
        exits = {k: (jnp.where(weight, a.q(k), b.q(k)), _pick(weight, a.e(k), b.e(k), names)) for k in kinds}
        return Outcome(_pick(weight, a.k, b.k, names), exits)
    p = _float(weight)
    exits, going_a, going_b = {}, 1.0, 1.0
    for kind in kinds:
        qa, qb = _float(a.q(kind)), _float(b.q(kind))
        q = p * qa + (1 - p) * qb
        exits[kind] = (q, _pick(_ratio(p * qa, q), a.e(kind), b.e(kind), names))
        going_a, going_b = going_a - qa, going_b - qb
    going = p * going_a + (1 - p) * going_b
    return Outcome(_pick(_ratio(p * going_a, going), a.k, b.k, names), exits)


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
    return _mix(t, body(*state), orelse(*state), names)


def then(first: Outcome, rest: Callable[..., Outcome], names: tuple[str, ...]) -> Outcome:
    """`first`, and on the paths that went on, `rest` (the statements after a loop that may return)."""
    if first.k is None:
        return first
    going = _going(first)
    if isinstance(going, bool):
        return rest(*first.k) if going else first
    second = rest(*first.k)
    if isinstance(going, SoftBool):   # where the pass left: which way, conditionally
        total = sum(_float(q) for q, _ in first.exits.values())
        left = Outcome(None, {k: (_ratio(_float(q), total).prob, e) for k, (q, e) in first.exits.items()})
    else:   # hard: where it left, its own flag says which way
        left = Outcome(None, first.exits)
    return _mix(going, second, left, names)


def _going(o: Outcome) -> Any:
    """The probability that an outcome goes on: True, or a bool array / SoftBool."""
    qs = [o.q(k) for k in o.exits]
    if all(isinstance(q, bool) for q in qs):
        return not any(qs)
    if _is_soft(*qs):
        return SoftBool(1.0 - sum(_float(q) for q in qs))
    return jnp.logical_not(jnp.any(jnp.stack([jnp.asarray(q) for q in qs])))


def settle(out: Outcome, kind: str, names: tuple[str, ...]) -> Outcome:
    """Turn the `kind` exits of `out` into its continuing state (a loop's `break` after the loop)."""
    if kind not in out.exits:
        return out
    q, e = out.exits[kind]
    exits = {k: v for k, v in out.exits.items() if k != kind}
    going = _going(out)
    if out.k is None:
        return Outcome(e, exits)
    if isinstance(going, bool) and isinstance(q, bool):
        return Outcome(e if q else out.k, exits)
    if isinstance(going, SoftBool) or _is_soft(q):
        g, qf = _float(going), _float(q)
        return Outcome(_pick(_ratio(qf, qf + g), e, out.k, names), exits)
    return Outcome(_pick(q, e, out.k, names), exits)


def finish(out: Outcome, rest: Callable[..., tuple], names: tuple[str, ...]) -> tuple:
    """The function's state after a top-level loop that may return: `rest` (the rest of the function)
    on the paths that left the loop otherwise, mixed with the states at its `return`s."""
    return settle(then(out, lambda *s: go(rest(*s)), names), "return", names).k


def _loop_level(out: Outcome, later: Outcome, names: tuple[str, ...]) -> Outcome:
    """Passes t.. as seen after the loop: pass t, then (where it went on) the later passes; a `break`
    ends the loop with its state."""
    return settle(then(out, lambda *_: later, names), "break", names)


def for_exit_stmt(iterable: Any, body: Callable[..., Outcome], state: tuple, names: tuple[str, ...],
                  returns: bool = False) -> Any:
    """`for item in iterable: body` where the body may `break` or `return`.

    The state after the loop, or, with `returns` (the loop holds a `return`), an `Outcome` whose `k` is
    the state after the loop and whose `"return"` exit is the mixture of the states at its `return`s.
    """
    if isinstance(iterable, Undefined):
        iterable.fail()
    if isinstance(iterable, loops.TracedRange):   # steps past the real bound go on unchanged
        xs, item_and_active, trips = loops.masked_range_plan(iterable)

        def masked(s, k):
            item, active = item_and_active(k)
            return _mix(active, body(item, *s), go(s), names)

        explain.note("for", explain.masked(trips), "masked")
        out = _scanned(masked, state, names, xs, trips)[0] if trips else go(state)
        return out if returns else out.k
    plan = loops.scan_plan(iterable)
    if plan is not None:
        try:
            out = _scanned(lambda s, x: body(plan[1](x), *s), state, names, plan[0], plan[2])[0]
            explain.note("for", f"one scan of {plan[2]} steps, carrying the probability that it still runs", "scan")
            return out if returns else out.k
        except loops.UNROLL_INSTEAD:
            pass
    passes = [lambda s, item=item: body(item, *s) for item in loops.python_items(iterable)]
    explain.note("for", explain.unrolled(len(passes)), "unrolled")
    out = _unrolled(passes, state, names)
    return out if returns else out.k


def while_exit_stmt(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple,
                    names: tuple[str, ...], returns: bool = False) -> Any:
    """`while test: body` where the body may `break` or `return`: up to `max_iter` passes of
    `if test: body else: break` (the mass still running then leaves with the last state)."""
    def step(s, _=None):
        c = truth(test(*s))
        if isinstance(c, bool):
            return body(*s) if c else exit_(s)
        return _mix(c, body(*s), exit_(s), names)

    max_iter = context.current().max_iter
    done = 0
    while done < max_iter:   # passes decided statically run as plain Python
        c = truth(test(*state))
        if not isinstance(c, bool):
            break
        if not c:
            explain.note("while", explain.STATIC_WHILE, "python")
            return go(state) if returns else state
        out = body(*state)
        if not all(isinstance(q, bool) for q, _ in out.exits.values()):
            break
        if out.k is None:
            out = settle(out, "break", names)
            return out if returns else out.k
        state, done = out.k, done + 1
    if done == max_iter:
        unfinished.report(True, "this `while` loop")
        return go(state) if returns else state
    explain.note("while", explain.bounded(max_iter), "bounded")
    try:
        out, running = _scanned(step, state, names, None, max_iter - done)
    except loops.UNROLL_INSTEAD:
        out, running = _unrolled([step] * (max_iter - done), state, names), None
    if running is not None:
        unfinished.report(running, "this `while` loop")
    return out if returns else out.k


def _unrolled(passes: list, state: tuple, names: tuple[str, ...]) -> Outcome:
    outs = []
    result = None
    for run in passes:
        out = run(state)
        outs.append(out)
        if out.k is None:
            result = Outcome(None, {})
            break
        state = out.k
    if result is None:
        result = go(state)
    for out in reversed(outs):
        result = _loop_level(out, result, names)
    return result


def _scanned(step: Callable[[tuple, Any], Outcome], state: tuple, names: tuple[str, ...], xs: Any,
             length: int) -> tuple[Outcome, Any]:
    """Record every pass's exits in a scan, then fold `_loop_level` backwards in a reverse scan. Also
    returns the probability (hard: whether) that a run goes on past the last pass."""
    seen: dict[str, Any] = {}

    def record(s, x):
        out = step(s, x)
        qs = [jnp.asarray(_float(out.q(k)) if _is_soft(out.q(k)) else out.q(k)) for k in KINDS]
        seen["soft"] = [q.dtype != jnp.bool_ for q in qs]
        seen["never"] = [out.q(k) is False for k in KINDS]   # statically never taken, in every pass
        others = [out.e(k) if out.e(k) is not None else s for k in KINDS]
        return (out.k if out.k is not None else s), qs, others

    passed: list = []
    last, (qs, e_leaves, specs) = loops.scan(record, state, names, xs, length=length, recorded=len(KINDS),
                                             passed=passed)
    soft, never = seen["soft"], seen["never"]
    never_returns, n = never[KINDS.index("return")], len(names)

    def fold(packed, x):
        q_leaves, leaves = x
        exits = {}
        for kind, q, is_soft, is_never, el in zip(KINDS, q_leaves, soft, never, leaves):
            if not is_never:
                exits[kind] = (SoftBool(q) if is_soft else q, loops.unflatten(specs, el))
        out = Outcome(packed[:n], exits)
        later = Outcome(packed[:n], {} if never_returns else
                        {"return": (_as_weight(packed[2 * n]), packed[n:2 * n])})
        result = _loop_level(out, later, names)
        q_ret = result.q("return")
        e_ret = result.e("return") if result.e("return") is not None else result.k
        return result.k + e_ret + (_float(q_ret) if any(soft) else jnp.asarray(q_ret),), ()

    start = last + last + ((0.0 if any(soft) else False),)
    packed, _ = loops.scan(fold, start, names + names + ("the return mass",), (qs, e_leaves), reverse=True)
    left = [q for q, is_never in zip(qs, never) if not is_never]
    if any(soft):
        running = jnp.prod(1.0 - sum(q.astype(packed[2 * n].dtype) for q in left)) if left else True
    else:
        running = jnp.all(~functools.reduce(jnp.logical_or, left)) if left else True
    k = loops.keep_passed(state, packed[:n], passed[0])
    if never_returns:
        return Outcome(k, {}), running
    e = loops.keep_passed(state, packed[n:2 * n], passed[0])
    return Outcome(k, {"return": (_as_weight(packed[2 * n]), e)}), running


def _as_weight(q: Any) -> Any:
    if isinstance(q, (bool, SoftBool)):
        return q
    q = jnp.asarray(q)
    return q if q.dtype == jnp.bool_ else SoftBool(q)
