"""Rounding to an integer: `math.floor`, `math.ceil`, `math.trunc`, `int()` and `round()`.

| value | static | hard traced | soft (a float in relaxed mode) |
| --- | --- | --- | --- |
| a number | Python's | exact, an int array | the expectation under the comparisons' noise, a `SoftCount` |
| an int, a loop index, an expected count | Python's | itself | itself (an int already) |
| a `HardFloat` (`i / 2` of a loop index) | | exact | exact (hard data) |
| a `SoftIndex` (a relaxed argmin, a chosen position) | | | itself |

The relaxed rounding is what a comparison with each integer gives: `floor(x)` counts the integers at or
below `x + e / beta` (relaxations.expected_floor); `ceil(x)` is `-floor(-x)`, `trunc(x)` adds `P(x + e <
0)` to the floor, and `round(x)` is `floor(x + 1/2)` (Python's halves to even have probability 0). It is
smooth, converges to the exact rounding as beta grows, and passes gradients. In mode "sampled" the
value is perturbed by drawn noise and rounded exactly, whose mean is that expectation.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

import jax.numpy as jnp

from relaxjax.runtime import context, relaxations, sampling
from relaxjax.runtime.values import BoundedInt, HardFloat, SoftCount, SoftIndex, is_static, unwrap

_PYTHON: dict[str, Callable] = {"floor": math.floor, "ceil": math.ceil, "trunc": math.trunc, "round": builtins.round}
_EXACT: dict[str, Callable] = {"floor": jnp.floor, "ceil": jnp.ceil, "trunc": jnp.trunc, "round": jnp.round}


def _relaxed(kind: str, x: Any, beta: Any, dist: Any) -> Any:
    floor = relaxations.expected_floor
    if kind == "floor":
        return floor(x, beta, dist)
    if kind == "ceil":
        return -floor(-x, beta, dist)
    if kind == "round":
        return floor(x + 0.5, beta, dist)
    return floor(x, beta, dist) + relaxations.p_less(x, jnp.zeros_like(x), beta, dist)   # trunc


def to_integer(kind: str, x: Any) -> Any:
    """`floor`, `ceil`, `trunc` or `round` (`kind`) of `x`, as the table above says."""
    if is_static(x):
        return _PYTHON[kind](x)
    if isinstance(x, (BoundedInt, SoftCount, SoftIndex)):
        return x
    value = jnp.asarray(unwrap(x))
    if not jnp.issubdtype(value.dtype, jnp.floating):
        return value.astype(jnp.result_type(int))   # a bool or an int array: exact
    opts = context.current()
    if opts.sampled and opts.dist.quantile is not None and not isinstance(x, HardFloat):
        value = sampling.draw_noise(value, opts.beta, opts.dist)   # the perturbed value, rounded exactly
    if opts.hard or opts.sampled or isinstance(x, HardFloat):
        return _EXACT[kind](value).astype(jnp.result_type(int))
    return SoftCount(_relaxed(kind, value, opts.beta, opts.dist))
