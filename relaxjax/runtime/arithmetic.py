"""Arithmetic on truth values, as Python does it.

Python computes with a bool as the int 0 or 1: `(a > t) + (b > t)` counts (2), `~(a > t)` is -2 or -1.
JAX's bool arrays follow NumPy instead: `+` is a logical or, `*` a logical and, `~` a logical not, and
`-` is an error. The expressions pass sends `+`, `-`, `*` and unary `-`, `+`, `~` whose operands are
not all number literals here; when the operands are truth values (a hard bool array with a bool, or a
bool array alone) they are computed as ints, otherwise the operator runs as written.

| source | CPython | JAX on bool arrays | here |
| --- | --- | --- | --- |
| `p + q` | int 0..2 | logical or | int |
| `p * q` | int 0..1 | logical and | int |
| `p - q`, `-p` | int | an error | int |
| `~p` | -1 - int(p) | logical not | int |

A `SoftBool` (relaxed mode) already computes with its probability, and Python bools with each other
are plain Python.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np


def _bool_array(x: Any) -> bool:
    return isinstance(x, (jax.Array, np.ndarray, np.bool_)) and x.dtype == np.bool_


def as_int(x: Any) -> Any:
    """A truth value (a Python bool or a bool array) as the int Python reads it; anything else as it is."""
    if isinstance(x, bool):
        return int(x)
    return jnp.asarray(x).astype(jnp.result_type(int)) if _bool_array(x) else x


def _binary(op: Callable) -> Callable:
    def apply(a: Any, b: Any) -> Any:
        if (_bool_array(a) or _bool_array(b)) and all(isinstance(x, bool) or _bool_array(x) for x in (a, b)):
            return op(as_int(a), as_int(b))
        return op(a, b)
    apply.__name__ = op.__name__.strip("_")
    apply.__doc__ = f"`a {_SYMBOL[op]} b`, truth values counted as ints (0 or 1) as in Python."
    return apply


def _unary(op: Callable) -> Callable:
    def apply(a: Any) -> Any:
        return op(as_int(a)) if _bool_array(a) else op(a)
    apply.__name__ = op.__name__.strip("_")
    apply.__doc__ = f"`{_SYMBOL[op]}a`, a truth value counted as an int (0 or 1) as in Python."
    return apply


_SYMBOL = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.neg: "-", operator.pos: "+",
           operator.invert: "~"}

add, sub, mul = _binary(operator.add), _binary(operator.sub), _binary(operator.mul)
neg, pos, invert = _unary(operator.neg), _unary(operator.pos), _unary(operator.invert)
