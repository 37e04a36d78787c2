"""`for` and `while` loops.

`for` over
- a static range of at most `UNROLL_MAX` (1) step, a list or a tuple: a Python loop while tracing (the
  loop variable stays static);
- a longer static range or an array: one `lax.scan` (constant program size). The loop variable is a
  `BoundedInt`, so an inner `range(n - 1 - i)` knows its largest trip count;
- a range with a traced bound (`range(i + 1, n)`, `i` the index of an enclosing scan): a scan over the
  largest trip count, the steps past the real bound masked out exactly. A bound with no static limit
  (a hard value computed from data) is masked at `max_iter` steps; a bound that depends on soft data is
  an error.
If a scan body cannot run with a traced index (it indexes a tuple of non-numbers with it, say), the
loop runs unrolled instead.

`while test: body` returns the state expected over the halting step (DESIGN.md §1). With `c_t` the
test on state `x_t`, the result is `x_0` if not c_0, else `x_1` if not c_1, ... : the nested merge
`merge(c_0, merge(c_1, ..., x_1), x_0)`, with the mass still running after `max_iter` body runs given
to the last state. A static test runs as plain Python. Once the test is traced, the remaining steps up
to `max_iter` run as one scan that records `(c_t, x_t)`, and a reverse scan folds the merges. Static
values that keep changing are carried as traced values (a step counter), or, when the body needs them
static (a range bound: the paper's bubble sort, whose pass length `n` shrinks until `swapped` becomes
the constant False), fed into the scan from their static trajectory, recorded by tracing the loop once.
"""
from __future__ import annotations

import builtins
import contextlib
import functools
import math
import threading
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax import lax

from relaxjax.runtime import context, explain, sampling, unfinished
from relaxjax.runtime.carry import flatten, join, join_states, same_specs, spec_of, unflatten
from relaxjax.runtime.errors import RelaxError, StructureError
from relaxjax.runtime.indexing import getitem
from relaxjax.runtime.logic import truth
from relaxjax.runtime.merge import merge, merge_states
from relaxjax.runtime.values import BoundedInt, SoftBool, Undefined, is_floating, is_static, static_bounds, unwrap

UNROLL_MAX = 1


class StaticIterationNeeded(RelaxError):
    """Python iteration (a comprehension or generator) over a range with a traced bound."""


# What a scan body raises when the loop must run unrolled instead: it needs its loop variable as a
# static value, grows a list, or iterates a range with a traced bound in a comprehension.
UNROLL_INSTEAD = (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError,
                  jax.errors.TracerBoolConversionError, jax.errors.TracerArrayConversionError,
                  StructureError, StaticIterationNeeded)


class TracedRange:
    """`range(start, stop, step)` with a traced start or stop; `step` is static."""

    def __init__(self, start: Any, stop: Any, step: int):
        self.start, self.stop, self.step = start, stop, step

    def __iter__(self):
        raise StaticIterationNeeded(
            "a comprehension or generator iterates over a range with a traced bound; only a `for` "
            "statement can loop over one (inside a scanned loop, relaxjax unrolls the enclosing loop)")


def range_(*args: Any) -> Any:
    """`range(...)`: a Python range for static bounds, a `TracedRange` for hard traced ones."""
    for a in args:
        if isinstance(a, Undefined):
            a.fail()
    if all(is_static(a) for a in args):
        return range(*args)
    if any(is_floating(a) for a in args):
        raise RelaxError("a loop bound depends on soft (floating) data; loop bounds must be static or "
                         "hard integers. Loop over a static bound and skip iterations with `if` instead")
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (args + (1,))[:3]
    if not is_static(step):
        raise RelaxError("the step of a range over traced bounds must be a static int")
    if step == 0:
        raise ValueError("range() arg 3 must not be zero")
    return TracedRange(start, stop, step)


class Enumerate:
    """`enumerate(iterable, start)` inside a relaxed function (scanned when `iterable` can be)."""

    def __init__(self, iterable: Any, start: int = 0):
        self.iterable, self.start = iterable, start


class Zip:
    """`zip(*iterables)` inside a relaxed function (scanned when every iterable can be)."""

    def __init__(self, *iterables: Any):
        self.iterables = iterables


def scan_plan(iterable: Any) -> tuple[Any, Callable[[Any], Any], int] | None:
    """`(xs, item_of, length)` to run a loop over `iterable` as a scan, or None to unroll it."""
    if isinstance(iterable, range):
        if len(iterable) <= UNROLL_MAX:
            return None
        lo, hi = min(iterable[0], iterable[-1]), max(iterable[0], iterable[-1])
        return jnp.arange(iterable.start, iterable.stop, iterable.step), lambda k: BoundedInt(k, lo, hi), len(iterable)
    if isinstance(iterable, jax.Array) or hasattr(iterable, "__jax_array__"):
        arr = jnp.asarray(unwrap(iterable))
        if arr.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return arr, lambda x: x, arr.shape[0]
    if isinstance(iterable, Enumerate):
        inner = scan_plan(iterable.iterable)
        if inner is None:
            return None
        xs, item_of, length = inner
        lo, hi = iterable.start, iterable.start + length - 1
        return ((jnp.arange(length) + iterable.start, xs),
                lambda x: (BoundedInt(x[0], lo, hi), item_of(x[1])), length)
    if isinstance(iterable, Zip):
        parts = [scan_plan(it) for it in iterable.iterables]
        if not parts or any(p is None for p in parts):
            return None
        length = min(p[2] for p in parts)
        xs = tuple(jax.tree_util.tree_map(lambda v: v[:length], p[0]) for p in parts)
        return xs, lambda x: tuple(p[1](v) for p, v in zip(parts, x)), length
    return None


def python_items(iterable: Any) -> Any:
    """The items of `iterable` for a loop unrolled while tracing."""
    if isinstance(iterable, Enumerate):
        return builtins.enumerate(python_items(iterable.iterable), iterable.start)
    if isinstance(iterable, Zip):
        return builtins.zip(*map(python_items, iterable.iterables))
    if isinstance(iterable, (jax.Array, SoftBool)):
        return [getitem(iterable, k) for k in range(jnp.shape(unwrap(iterable))[0])]
    return iterable


def for_stmt(iterable: Any, body: Callable[..., tuple], state: tuple, names: tuple[str, ...]) -> tuple:
    """`for item in iterable: body`, where `body(item, *state)` returns the new state tuple."""
    if isinstance(iterable, Undefined):
        iterable.fail()
    if hasattr(iterable, "run_at_once"):   # independent iterations (runtime/independent_loops.py)
        try:
            result = iterable.run_at_once(body, state, names)
        except UNROLL_INSTEAD:
            result = None
        if result is not None:
            return result
        iterable = iterable.iterable
    if isinstance(iterable, TracedRange):
        return _masked_range(iterable, body, state, names)
    plan = scan_plan(iterable)
    if plan is None:
        return _unrolled(python_items(iterable), body, state)
    xs, item_of, length = plan
    try:
        final, _ = scan(lambda s, x: (body(item_of(x), *s), ()), state, names, xs, length=length)
    except UNROLL_INSTEAD:
        return _unrolled(python_items(iterable), body, state)
    explain.note("for", f"one scan of {length} steps", "scan")
    return final


def _unrolled(items: Any, body: Callable[..., tuple], state: tuple) -> tuple:
    items = list(items)
    explain.note("for", explain.unrolled(len(items)), "unrolled")
    for item in items:
        state = body(item, *state)
    return state


class _NeedsStatic(Exception):
    """A trial scan of a `while` body needed a value as a static structure (a range bound)."""


_strict = threading.local()


@contextlib.contextmanager
def _structure_must_be_bounded():
    depth = getattr(_strict, "depth", 0)
    _strict.depth = depth + 1
    try:
        yield
    finally:
        _strict.depth = depth


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
    """`after`, with the value from `before` wherever a loop passed the variable through unchanged."""
    return tuple(b if kept else a for b, a, kept in zip(before, after, passed))


def traced_range_limits(rng: TracedRange) -> tuple[int, int, int] | None:
    """`(trips, lo, hi)` of a range with a traced bound: its largest trip count and static bounds of its
    variable over the steps the range reaches; None when a bound has no static limit."""
    start_b, stop_b, step = static_bounds(rng.start), static_bounds(rng.stop), rng.step
    if start_b is None or stop_b is None:
        return None
    span = stop_b[1] - start_b[0] if step > 0 else start_b[1] - stop_b[0]
    lo, hi = (start_b[0], stop_b[1] - 1) if step > 0 else (stop_b[0] + 1, start_b[1])
    return max(0, math.ceil(span / abs(step))), lo, hi


def masked_range_plan(rng: TracedRange) -> tuple[Any, Callable[[Any], tuple[Any, Any]], int]:
    """`(xs, item_and_active, trips)` for a range with a traced bound: the largest trip count, and for
    step k the loop variable and whether the real range reaches it.

    With a traced start, the steps past the real range would put the variable outside the bounds of the
    steps it reaches (`range(r % 2, n - 1, 2)`); those steps see it clamped into the bounds instead (their
    state is dropped), so that the bounds hold at every step (merges rely on them: `provenance.Place`)."""
    step, limits = rng.step, traced_range_limits(rng)
    if limits is not None:
        trips, lo, hi = limits
    else:
        if getattr(_strict, "depth", 0):
            raise _NeedsStatic()
        trips, lo, hi = context.current().max_iter, None, None
    start, stop = jnp.asarray(unwrap(rng.start)), jnp.asarray(unwrap(rng.stop))
    if lo is None:
        last = start + trips * step
        unfinished.report(last < stop if step > 0 else last > stop,
                          "this `for` loop over a range whose bound is known only at run time")

    clamp = lo is not None and not is_static(rng.start)

    def item_and_active(k):
        i = start + k * step
        active = i < stop if step > 0 else i > stop
        if lo is None:
            return i, active
        return BoundedInt(jnp.clip(i, lo, hi) if clamp else i, lo, hi), active

    return jnp.arange(trips), item_and_active, trips


def _masked_range(rng: TracedRange, body: Callable[..., tuple], state: tuple,
                  names: tuple[str, ...]) -> tuple:
    xs, item_and_active, trips = masked_range_plan(rng)
    explain.note("for", explain.masked(trips), "masked")
    if trips == 0:
        return state

    def step_fn(s, k):
        item, active = item_and_active(k)
        return merge_states(active, body(item, *s), s, names), ()

    final, _ = scan(step_fn, state, names, xs)
    return final


def _static_parts_equal(a: tuple, b: tuple) -> bool:
    if a[0] == "static" or b[0] == "static":
        return a[0] == b[0] and same_specs((a,), (b,))
    if a[0] in ("seq", "map") or b[0] in ("seq", "map"):
        return a[0] == b[0] and len(a[2]) == len(b[2]) and all(map(_static_parts_equal, a[2], b[2]))
    return True


def while_stmt(test: Callable[..., Any], body: Callable[..., tuple], state: tuple,
               names: tuple[str, ...]) -> tuple:
    """`while test(*state): state = body(*state)`, relaxed to the state expected over the halting step."""
    max_iter = context.current().max_iter
    exits: list[tuple[Any, tuple]] = []
    running: Any = None   # the probability (hard: whether) a run goes on past max_iter passes, if it can
    try_scan = True
    while True:
        c = truth(test(*state))
        if isinstance(c, bool):
            if not c:
                break
            state = body(*state)
            continue
        if len(exits) >= max_iter:
            running = True
            break
        new_state = body(*state)
        exits.append((c, state))
        old_specs, new_specs = (tuple(spec_of(v) for v in s) for s in (state, new_state))
        state = new_state
        budget = max_iter - len(exits)
        if all(map(_static_parts_equal, old_specs, new_specs)):
            state, running = _scanned_while(test, body, state, names, budget)
            break
        if try_scan:
            # Static values still change. A counter can be carried as a traced value; a value the body
            # needs as structure (a range bound) is fed in from its recorded static trajectory. Failing
            # both (a static True test between traced ones), the loop stays unrolled.
            try_scan = False
            try:
                with _structure_must_be_bounded():
                    state, running = _scanned_while(test, body, state, names, budget,
                                                    join_states(old_specs, new_state, names))
                break
            except _NeedsStatic:
                plan = _static_trajectory(test, body, state, names, budget)
            if plan is not None:
                state, running = _scanned_while(test, body, state, names, *plan)
                running = running if plan[0] >= budget else None   # else the test became static False
                break
    if not exits:
        explain.note("while", explain.STATIC_WHILE, "python")
    elif running is not None:
        explain.note("while", explain.bounded(max_iter), "bounded")
    else:
        explain.note("while", "traced test, until the test became static False", "until_static")
    if running is not None:
        unfinished.report(_all_of([c for c, _ in exits] + [running]), "this `while` loop")
    for c, s in reversed(exits):
        state = merge_states(c, state, s, names)
    return state


def _all_of(tests: list) -> Any:
    """The probability that every test holds (independent, as the relaxation reads them); hard: `all`."""
    if any(isinstance(t, SoftBool) or (hasattr(t, "dtype") and t.dtype != jnp.bool_) for t in tests):
        return math.prod(t.prob if isinstance(t, SoftBool) else jnp.asarray(t, jnp.result_type(float))
                         for t in tests)
    return functools.reduce(jnp.logical_and, [jnp.asarray(t) for t in tests])


def _static_trajectory(test: Callable[..., Any], body: Callable[..., tuple], state: tuple,
                       names: tuple[str, ...], budget: int) -> tuple | None:
    """How the static ints of a relaxed `while` evolve, found by tracing it once and discarding the trace.

    Static values cannot depend on traced data, so the sequence they take (the paper's bubble sort:
    the pass length `n`, and when `swapped` becomes the constant False) is the same on every input.
    Returns `(steps, specs, trajectories)` for `_scanned_while`: the number of traced steps before the
    test becomes static False (or `budget`), the carry layout, and for each variable that is a static
    int changing from step to step its value at every step. None when a static True test interrupts
    the traced steps (then the loop stays unrolled).
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
            s = body(*s)
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


def _frozen_once_halted(halted: Any, old: tuple, new: tuple, names: tuple[str, ...]) -> tuple:
    """The state the next step of a scanned `while` starts from: `old` once the loop has certainly halted.

    Those steps carry no weight in the result, but a body run on and on from a state no run reaches can
    overflow (a value doubling each pass), and an infinity times the zero cotangent of a step without
    mass is a NaN in the backward pass. From the halting state each step is one body run, finite."""
    return tuple(n if isinstance(o, Undefined) or isinstance(n, Undefined) else merge(halted, o, n, name)
                 for o, n, name in zip(old, new, names))


def _scanned_while(test: Callable[..., Any], body: Callable[..., tuple], state: tuple,
                   names: tuple[str, ...], steps: int, specs: tuple | None = None,
                   trajectories: dict[int, list[int]] | None = None) -> tuple:
    """The halting mixture of up to `steps` more iterations as one scan, and the probability (hard:
    whether) the loop still runs after them.

    `trajectories` gives, for some variables, their static int value at each step: the scan feeds
    them in as `BoundedInt`s, so a `range(n)` in the body is masked at the largest `n`.
    """
    if steps <= 0:
        return state, True
    seen: dict[str, Any] = {}
    trajectories = trajectories or {}
    bounds = {k: (min(v), max(v)) for k, v in trajectories.items()}
    xs = {k: jnp.asarray(v) for k, v in trajectories.items()} or None

    def record(s, x):
        if x is not None:
            s = tuple(BoundedInt(x[k], *bounds[k]) if k in bounds else v for k, v in enumerate(s))
        c = truth(test(*s))
        specs = tuple(spec_of(v) for v in s)
        # The last trace is the one whose carry layout held: remember how x_t and c_t were recorded.
        seen.update(specs=specs, soft=isinstance(c, SoftBool))
        c_leaf = c.prob if isinstance(c, SoftBool) else jnp.asarray(c)
        halted = c_leaf == 0 if isinstance(c, SoftBool) else jnp.logical_not(c_leaf)
        return _frozen_once_halted(halted, s, body(*s), names), (c_leaf, flatten(s, specs))

    passed: list = []
    last, (cs, xs_leaves) = scan(record, state, names, xs, length=steps, specs=specs, passed=passed)
    specs, is_soft = seen["specs"], seen["soft"]

    def fold(result, x):
        c_leaf, leaves = x
        c = SoftBool(c_leaf) if is_soft else c_leaf
        return merge_states(c, result, unflatten(specs, leaves), names), ()

    result, _ = scan(fold, last, names, (cs, xs_leaves), reverse=True)
    result = keep_passed(state, result, passed[0])
    return result, (SoftBool(jnp.prod(cs)) if is_soft else jnp.all(cs))
