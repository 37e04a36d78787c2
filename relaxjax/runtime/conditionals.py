"""`if` statements, conditional expressions, and `and` / `or` (which Python defines as conditional
expressions: `a and b` is `b if a else a`).

- static test: only the taken branch runs (plain Python).
- hard traced test: both branches run, the states are selected with `where` (exact).
- soft test (probability p): both branches run, every variable either one assigns becomes
  `p * v_true + (1 - p) * v_false` (see `merge`).
"""
from __future__ import annotations

from typing import Any, Callable

from relaxjax.runtime import context, explain
from relaxjax.runtime.logic import truth
from relaxjax.runtime.merge import merge, merge_states
from relaxjax.runtime.trace import maybe_skipped
from relaxjax.runtime.values import SoftBool, is_boollike


def if_stmt(test: Any, body: Callable[..., tuple], orelse: Callable[..., tuple], state: tuple,
            names: tuple[str, ...]) -> tuple:
    """`if test: body else: orelse`, where each branch maps the state tuple to the new state tuple."""
    t = truth(test)
    if isinstance(t, bool):
        explain.note("if", explain.STATIC_IF, "python")
        return body(*state) if t else orelse(*state)
    with maybe_skipped():
        a, b = body(*state), orelse(*state)
    _note_merge("if", t, names, a, b)
    return merge_states(t, a, b, names)


def _note_merge(what: str, t: Any, names: tuple[str, ...], a: tuple, b: tuple) -> None:
    merged = ", ".join(explain.merged_names(names, a, b)) or "nothing"
    if isinstance(t, SoftBool):
        explain.note(what, f"soft test: both branches ran and were mixed by its probability; merged {merged}",
                     "relaxed")
    elif context.current().sampled:
        explain.note(what, f"drawn test: both branches ran, the drawn one selected; merged {merged}", "drawn")
    else:
        explain.note(what, f"hard traced test: both branches ran, one selected exactly; merged {merged}", "exact")


def if_exp(test: Any, body: Callable[[], Any], orelse: Callable[[], Any]) -> Any:
    """`body() if test else orelse()`; relaxed: `p * body() + (1 - p) * orelse()`."""
    t = truth(test)
    if isinstance(t, bool):
        return body() if t else orelse()
    if isinstance(t, SoftBool):
        explain.note("conditional expression", "soft test: both values mixed by its probability", "relaxed")
    else:
        explain.note("conditional expression", "hard traced test: both values computed, one selected exactly",
                     "exact")
    with maybe_skipped():
        a, b = body(), orelse()
    return merge(t, a, b, "a conditional expression")


def _falsy(x: Any) -> Any:
    """The value `x` has where it is false: False for truth values, 0 for numbers."""
    return False if is_boollike(x) else 0


def _truthy(x: Any) -> Any:
    """The value `x` has where it is true: True for truth values, `x` itself for numbers."""
    return True if is_boollike(x) else x


def and_(first: Any, *rest: Callable[[], Any]) -> Any:
    """`first and rest[0]() and ...`: Python's short circuit where the truth of `first` is known while
    tracing (static values, lists), else `b if a else a`.

    Where `a` is false it *is* falsy (False or 0), so relaxed bools give `p * q`, not `p * q + (1 - p) * p`.
    """
    if not rest:
        return first
    t = truth(first)
    if isinstance(t, bool):
        return and_(rest[0](), *rest[1:]) if t else first
    return if_exp(t, lambda: and_(rest[0](), *rest[1:]), lambda: _falsy(first))


def or_(first: Any, *rest: Callable[[], Any]) -> Any:
    """`first or rest[0]() or ...`: Python's short circuit where the truth of `first` is known while
    tracing, else `a if a else b`.

    Where `a` is true a truth value is True, so relaxed bools give `p + q - p * q`.
    """
    if not rest:
        return first
    t = truth(first)
    if isinstance(t, bool):
        return first if t else or_(rest[0](), *rest[1:])
    return if_exp(t, lambda: _truthy(first), lambda: or_(rest[0](), *rest[1:]))
