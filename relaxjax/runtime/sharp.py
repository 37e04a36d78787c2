"""`relaxjax.sharp(expr, beta=...)`: one expression relaxed at its own inverse temperature.

In plain Python `sharp` returns its first argument. In a relaxed function the expressions pass turns
`sharp(expr, beta=b)` into `rj__.call_sharp(sharp, lambda: expr, b)`, which evaluates `expr` with
`beta = b`: every comparison, `min`/`max`/`abs` and soft index inside it uses `b` instead of the
function's beta. (A function of the user's that happens to be called `sharp` is called as usual.)
"""
from __future__ import annotations

import numbers
from typing import Any, Callable

from relaxjax.runtime import context
from relaxjax.runtime.builtins import call


def sharp(value: Any, beta: Any) -> Any:
    """`value`, relaxed at inverse temperature `beta` instead of the function's (in a relaxed function;
    in plain Python, and in hard mode, `value` itself). `beta` may be a number or a traced scalar."""
    return value


def call_sharp(func: Any, thunk: Callable[[], Any], beta: Any, keyword: bool = True) -> Any:
    """What `func(expr, beta=beta)` (or `func(expr, beta)`) becomes: `expr` evaluated with `beta` if
    `func` is `sharp`, else an ordinary call."""
    if func is not sharp:
        return call(func, thunk(), beta=beta) if keyword else call(func, thunk(), beta)
    if isinstance(beta, numbers.Real) and not isinstance(beta, bool) and not beta > 0:
        raise ValueError(f"sharp(..., beta=...) needs beta > 0, got {beta!r}")
    with context.options(beta=beta):
        return thunk()
