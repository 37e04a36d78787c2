"""Calls into `math` and into array libraries with traced values.

| call | static arguments | traced arguments |
| --- | --- | --- |
| `math.sqrt`, `exp`, `log` (also with a base), `log2`, `log10`, `hypot`, `fabs`, `pow`, `sin`, `cos`, `tan`, `atan2`, `tanh`, ... | Python | the `jax.numpy` function |
| `math.isinf`, `isnan`, `isfinite` | Python | `jnp.isinf`, ... (exact) |
| `math.floor`, `ceil`, `trunc` | Python | as `int()`: exact when hard, the expected rounding when soft (rounding.py) |
| `jnp.where(c, x, y)`, `np.where` | NumPy | a soft `c` mixes: `p * x + (1 - p) * y` |
| any other call into a library | as is | loop indices, truth values and positions passed as their plain arrays |
"""
from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable

import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import relaxations
from relaxjax.runtime.rounding import to_integer
from relaxjax.runtime.values import MARKERS, SoftBool, as_float, is_traced, unwrap


def _log(x: Any, base: Any = math.e) -> Any:
    return jnp.log(as_float(x)) / (jnp.log(as_float(base)) if base != math.e else 1.0)


_MATH: dict[Any, Callable] = {
    math.sqrt: jnp.sqrt, math.exp: jnp.exp, math.log: _log, math.log2: jnp.log2, math.log10: jnp.log10,
    math.log1p: jnp.log1p, math.expm1: jnp.expm1, math.hypot: jnp.hypot, math.fabs: jnp.abs, math.pow: jnp.power,
    math.sin: jnp.sin, math.cos: jnp.cos, math.tan: jnp.tan, math.asin: jnp.arcsin, math.acos: jnp.arccos,
    math.atan: jnp.arctan, math.atan2: jnp.arctan2, math.sinh: jnp.sinh, math.cosh: jnp.cosh, math.tanh: jnp.tanh,
    math.isinf: jnp.isinf, math.isnan: jnp.isnan, math.isfinite: jnp.isfinite, math.copysign: jnp.copysign,
    math.floor: partial(to_integer, "floor"), math.ceil: partial(to_integer, "ceil"),
    math.trunc: partial(to_integer, "trunc"),
}


def where(condition: Any, x: Any, y: Any) -> Any:
    """`jnp.where(c, x, y)`: exact for a hard `c`; a soft `c` (a probability) mixes `p x + (1 - p) y`."""
    if isinstance(condition, SoftBool):
        return relaxations.mix(condition.prob, as_float(x), as_float(y))
    return jnp.where(plain(condition), plain(x), plain(y))


_ARRAY_CALLS: dict[Any, Callable] = {jnp.where: where, np.where: where}
_ON_MARKERS = {where, *(_MATH[f] for f in (math.floor, math.ceil, math.trunc))}   # given relaxjax's values


def plain(x: Any) -> Any:
    """`x` with relaxjax's markers replaced by their arrays (a loop index by its int, a truth value by its
    probability, a position by its expected value), inside lists and tuples too."""
    if isinstance(x, MARKERS):
        return unwrap(x)
    if isinstance(x, (list, tuple)) and any(isinstance(v, MARKERS + (list, tuple)) for v in x):
        return type(x)(plain(v) for v in x)
    return x


def _numpy_counterpart(func: Any) -> Callable | None:
    """`jnp.f` for NumPy's `np.f` (NumPy cannot take traced values), None when there is none."""
    module = getattr(func, "__module__", None) or ""
    if not (module == "numpy" or module.startswith("numpy.")) or isinstance(func, type):
        return None
    return getattr(jnp, getattr(func, "__name__", ""), None)


def holds_traced(x: Any) -> bool:
    """Whether `x`, or an element of a list or tuple in it, is a traced value."""
    if isinstance(x, (list, tuple)):
        return any(map(holds_traced, x))
    return is_traced(x)


def _array_library(func: Any) -> bool:
    module = getattr(func, "__module__", None) or ""
    return module.split(".")[0] in ("jax", "jaxlib", "numpy", "math", "scipy", "optax", "equinox")


def library_call(func: Any, args: tuple, kwargs: dict) -> Any:
    """Call `func` (not a builtin, not the user's) as relaxjax runs it: the table above."""
    if not any(map(holds_traced, (*args, *kwargs.values()))):
        return func(*args, **kwargs)
    try:
        replacement = _MATH.get(func) or _ARRAY_CALLS.get(func)
    except TypeError:   # unhashable callables
        replacement = None
    if replacement is None:
        replacement = _numpy_counterpart(func)
    if replacement is not None:
        func = replacement
    if replacement is not None or _array_library(func):
        if func in _ON_MARKERS:
            return func(*args, **kwargs)
        return func(*plain(args), **{k: plain(v) for k, v in kwargs.items()})
    return func(*args, **kwargs)
