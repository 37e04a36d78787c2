"""`for` and `while` statements: each loop's one path through the loop package.

`for item in iterable: body` (`for_stmt`) runs the first strategy that can, in this order:
- the strategy the loop_strategies pass marked, if any: `vectorised` (independent iterations in one
  `vmap`) or `stream` (steps that share a few elements `a[j + c]` carry those, not the array);
- one scan: a static range of more than one step or an array (`IterationSpace.scan_steps`); a range
  with a traced bound (`range(i + 1, n)`) is scanned over its largest trip count, the steps past the real
  bound masked exactly (a bound with no static limit is masked at `max_iter` steps);
- unrolled while tracing (a list, a tuple, a range of one step, or a body that needs its loop variable
  as a static value).
A strategy that cannot run the loop raises `Declined` and the next one runs it; each that runs says how
in the `explain` report. With `exits=True` (a body that may `break` or `return`) the same plan runs on
the body's `Outcome`s, folded from the end (halting.py).

`while test: body` (`while_stmt`) is passes of `if test: body else: break` (`exits=True`: the body
may also break or return). Passes decided while tracing (a static test, static ways out) run as plain
Python; the traced ones, up to `max_iter`, run in Python until the static parts of the state stop
changing, then the rest as one scan. Static values that keep changing are carried as traced values (a
step counter), or, when the body needs them static (a range bound: the paper's bubble sort, whose pass
length `n` shrinks until `swapped` becomes the constant False), fed into the scan from their static
trajectory, recorded by tracing the loop once. Every pass is an `Outcome`, and all are folded from the
end into the state expected over the halting pass (halting.py), as a `for` with exits is. A `while`
whose first traced test is hard and whose state holds only ints and bools (nothing to differentiate)
runs instead as one `lax.while_loop`, to completion (unbounded.py).

Code that some runs skip (the passes after a traced decision, the steps of a loop that may break) is
traced under `trace.maybe_skipped()`, where an index out of range clamps instead of raising.
"""
from __future__ import annotations

from typing import Any, Callable

from relaxjax.runtime import context, explain, unfinished
from relaxjax.runtime.carry import join_states, spec_of
from relaxjax.runtime.errors import user_location
from relaxjax.runtime.logic import truth
from relaxjax.runtime.loops.halting import (all_of, scanned_outcomes, scanned_while, static_parts_equal,
                                            static_trajectory, unrolled_outcomes)
from relaxjax.runtime.loops.iteration import IterationSpace, NeedsStatic, bounds_must_be_static
from relaxjax.runtime.loops.outcomes import KINDS, Outcome, exit_, go, goes_on, level, mix, settle
from relaxjax.runtime.loops.strategy import Declined, declined_if_unrolling_needed
from relaxjax.runtime.loops.unbounded import unbounded_while
from relaxjax.runtime.trace import maybe_skipped
from relaxjax.runtime.values import Undefined


def _first_that_runs(runners: list[Callable], *args: Any) -> Any:
    """The result of the first runner that does not decline; the last one always runs."""
    for run in runners[:-1]:
        try:
            return run(*args)
        except Declined:
            continue
    return runners[-1](*args)


def for_stmt(iterable: Any, body: Callable[..., Any], state: tuple, names: tuple[str, ...],
             strategy: Any = None, exits: bool = False, returns: bool = False, kept: tuple[str, ...] = ()) -> Any:
    """`for item in iterable: body`, where `body(item, *state)` returns the new state tuple. `strategy`,
    if given, is tried first (`independent(...)`, `streamed(...)`: the marks of the loop_strategies
    pass).

    With `exits` the body may `break` or `return`: it returns an `Outcome`, and the result is the state
    after the loop, or, with `returns` (the loop holds a `return`), an `Outcome` whose `going` is the state
    after the loop and whose `"return"` exit is the mixture of the states at its `return`s. Without, the
    body's state goes on (`go`): the same loop with statically no way out, whose fold is skipped.

    `kept` names the loop variables in the state (read after the loop): one without a value before a
    loop that may run no step (a traced bound) has none after it either.
    """
    space = IterationSpace(iterable)
    if exits:   # the steps after a `break` or `return` may have left the loop: code some runs skip
        out = _first_that_runs([_scanned, _unrolled], space, _skippable(body), state, names,
                               KINDS if returns else ("break",))
        out = Outcome(_unset_if_empty(space, kept, state, out.going, names), out.exits)
        return out if returns else out.going

    def marked(space: IterationSpace, _: Callable, state: tuple, names: tuple[str, ...], __: tuple) -> Outcome:
        return go(strategy.run(space, body, state, names))   # a strategy runs the body as written

    runners = ([marked] if strategy is not None else []) + [_scanned, _unrolled]
    after = _first_that_runs(runners, space, lambda *a: go(body(*a)), state, names, ()).going
    return _unset_if_empty(space, kept, state, after, names)


def _unset_if_empty(space: IterationSpace, kept: tuple[str, ...], before: tuple, after: tuple | None,
                    names: tuple[str, ...]) -> tuple | None:
    if not kept or after is None or not space.may_be_empty():
        return after
    return tuple(Undefined(n, user_location()) if n in kept and isinstance(b, Undefined) else a
                 for n, b, a in zip(names, before, after))


def _scanned(space: IterationSpace, body: Callable[..., Outcome], state: tuple, names: tuple[str, ...],
             kinds: tuple[str, ...]) -> Outcome:
    steps = space.scan_steps()
    if steps is None:
        raise Declined("not a range of more than one step, nor an array")
    xs, item_and_active, length = steps
    if space.masked:   # steps past the real bound go on unchanged
        def masked(s, k):
            item, active = item_and_active(k)
            out = body(item, *s)
            if out.going is not None:   # a variable first set in the loop has, once set, a value to keep
                s = tuple(o if isinstance(v, Undefined) else v for v, o in zip(s, out.going))
            return mix(active, out, go(s), names)

        explain.note("for", explain.masked(length), "masked")
        return scanned_outcomes(masked, state, names, xs, length, kinds)[0] if length else go(state)
    with declined_if_unrolling_needed():
        out = scanned_outcomes(lambda s, x: body(item_and_active(x)[0], *s), state, names, xs, length, kinds)[0]
    explain.note("for", f"one scan of {length} steps" + (", carrying the probability that it still runs" if kinds
                                                         else ""), "scan")
    return out


def _unrolled(space: IterationSpace, body: Callable[..., Outcome], state: tuple, names: tuple[str, ...],
              kinds: tuple[str, ...]) -> Outcome:
    passes = [lambda s, item=item: body(item, *s) for item in space.python_items()]
    explain.note("for", explain.unrolled(len(passes)), "unrolled")
    return unrolled_outcomes(passes, state, names)


def while_stmt(test: Callable[..., Any], body: Callable[..., Any], state: tuple, names: tuple[str, ...],
               exits: bool = False, returns: bool = False) -> Any:
    """`while test(*state): state = body(*state)`, relaxed to the state expected over the halting pass.

    With `exits` the body may `break` or `return`: it returns an `Outcome`, and the result is as
    `for_stmt`'s. Without, the body's state goes on (`go`): the same loop with no way out but the test.
    """
    kinds = KINDS if returns else ("break",)
    out = _while(test, body if exits else (lambda *s: go(body(*s))), state, names, kinds)
    return out if returns else out.going


def _while(test: Callable[..., Any], body: Callable[..., Outcome], state: tuple, names: tuple[str, ...],
           kinds: tuple[str, ...]) -> Outcome:
    """Passes of `if test: body else: break`: in Python while they are decided statically, then up to
    `max_iter` traced ones, scanned where the static parts of the state settle (or follow a static
    trajectory), else unrolled; folded from the end."""
    max_iter = context.current().max_iter
    skippable = _skippable(body)   # the body of passes that follow a traced decision
    traced: list[Outcome] = []   # the passes run in Python whose test or way out was traced
    result: Outcome | None = None   # the outcome of the passes after those
    running: Any = None   # the probability (hard: whether) a run goes on past max_iter passes, if it can
    try_scan, can_scan, try_unbounded = True, True, "return" not in kinds
    while True:
        c = truth(test(*state))
        if c is False:
            break
        static = isinstance(c, bool)
        if not static and try_unbounded and not traced:
            try_unbounded = False
            try:
                result = go(unbounded_while(c, test, skippable, state, names))
                explain.note("while", "hard test on integer state: one lax.while_loop, unbounded", "unbounded")
                return result
            except Declined:
                pass
        if not static and len(traced) >= max_iter:
            running = c   # the test of the pass that max_iter leaves out
            break
        run = skippable if traced or not static else body
        out = run(*state) if static else mix(c, run(*state), exit_(state), names)
        if static and all(isinstance(q, bool) for q, _ in out.exits.values()):   # decided while tracing
            if out.going is None:
                result = settle(out, "break", names)
                break
            state = out.going
            continue
        if len(traced) >= max_iter:
            running = True
            break
        traced.append(out)
        if out.going is None:   # every path left in this pass
            result = Outcome(None, {})
            break
        old_specs, new_specs = (tuple(spec_of(v) for v in s) for s in (state, out.going))
        state = out.going
        budget = max_iter - len(traced)
        if not can_scan:
            continue
        try:
            with declined_if_unrolling_needed():
                if all(map(static_parts_equal, old_specs, new_specs)):
                    result, running = scanned_while(test, skippable, state, names, kinds, budget)
                    break
            if try_scan:
                # Static values still change. A counter can be carried as a traced value; a value the
                # body needs as structure (a range bound) is fed in from its recorded static trajectory.
                # Failing both (a static True test between traced ones), the loop stays unrolled.
                try_scan = False
                try:
                    with bounds_must_be_static(), declined_if_unrolling_needed():
                        result, running = scanned_while(test, skippable, state, names, kinds, budget,
                                                        join_states(old_specs, out.going, names))
                    break
                except NeedsStatic:
                    plan = static_trajectory(test, skippable, state, names, budget)
                if plan is not None:
                    with declined_if_unrolling_needed():
                        result, running = scanned_while(test, skippable, state, names, kinds, *plan)
                    running = running if plan[0] >= budget else None   # else the test became static False
                    break
        except Declined:   # the body needs its passes unrolled (a static loop variable, a list that grows)
            can_scan = False
    _explain_while(traced, running, max_iter)
    if running is not None:
        unfinished.report(all_of([goes_on(out) for out in traced] + [running]), "this `while` loop")
    result = result if result is not None else go(state)
    for out in reversed(traced):
        result = level(out, result, names)
    return result


def _skippable(body: Callable[..., Outcome]) -> Callable[..., Outcome]:
    def skippable(*state: Any) -> Outcome:
        with maybe_skipped():
            return body(*state)
    return skippable


def _explain_while(traced: list, running: Any, max_iter: int) -> None:
    if not traced and running is None:
        explain.note("while", explain.STATIC_WHILE, "python")
    elif running is not None:
        explain.note("while", explain.bounded(max_iter, context.current().hard and not context.current().sampled),
                     "bounded")
    else:
        explain.note("while", "traced test, until the test became static False", "until_static")
