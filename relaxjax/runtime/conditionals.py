"""`if` statements and conditional expressions.

- static test: only the taken branch runs (plain Python).
- hard traced test: both branches run, the states are selected with `where` (exact).
- soft test (probability p): both branches run, every variable either one assigns becomes
  `p * v_true + (1 - p) * v_false` (see `merge`).
"""
from __future__ import annotations

from typing import Any, Callable

from relaxjax.runtime.logic import truth
from relaxjax.runtime.merge import merge, merge_states


def if_stmt(test: Any, body: Callable[..., tuple], orelse: Callable[..., tuple], state: tuple,
            names: tuple[str, ...]) -> tuple:
    """`if test: body else: orelse`, where each branch maps the state tuple to the new state tuple."""
    t = truth(test)
    if isinstance(t, bool):
        return body(*state) if t else orelse(*state)
    return merge_states(t, body(*state), orelse(*state), names)


def if_exp(test: Any, body: Callable[[], Any], orelse: Callable[[], Any]) -> Any:
    """`body() if test else orelse()`; relaxed: `p * body() + (1 - p) * orelse()`."""
    t = truth(test)
    if isinstance(t, bool):
        return body() if t else orelse()
    return merge(t, body(), orelse(), "a conditional expression")
