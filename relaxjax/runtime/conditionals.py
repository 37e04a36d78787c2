"""`if` statements and conditional expressions.

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
from relaxjax.runtime.values import SoftBool


def if_stmt(test: Any, body: Callable[..., tuple], orelse: Callable[..., tuple], state: tuple,
            names: tuple[str, ...]) -> tuple:
    """`if test: body else: orelse`, where each branch maps the state tuple to the new state tuple."""
    t = truth(test)
    if isinstance(t, bool):
        explain.note("if", explain.STATIC_IF)
        return body(*state) if t else orelse(*state)
    a, b = body(*state), orelse(*state)
    _note_merge("if", t, names, a, b)
    return merge_states(t, a, b, names)


def _note_merge(what: str, t: Any, names: tuple[str, ...], a: tuple, b: tuple) -> None:
    merged = ", ".join(explain.merged_names(names, a, b)) or "nothing"
    if isinstance(t, SoftBool):
        explain.note(what, f"soft test: both branches ran and were mixed by its probability; merged {merged}")
    elif context.current().sampled:
        explain.note(what, f"drawn test: both branches ran, the drawn one selected; merged {merged}")
    else:
        explain.note(what, f"hard traced test: both branches ran, one selected exactly; merged {merged}")


def if_exp(test: Any, body: Callable[[], Any], orelse: Callable[[], Any]) -> Any:
    """`body() if test else orelse()`; relaxed: `p * body() + (1 - p) * orelse()`."""
    t = truth(test)
    if isinstance(t, bool):
        return body() if t else orelse()
    explain.note("conditional expression", "soft test: both values mixed by its probability" if isinstance(
        t, SoftBool) else "hard traced test: both values computed, one selected exactly")
    return merge(t, body(), orelse(), "a conditional expression")
