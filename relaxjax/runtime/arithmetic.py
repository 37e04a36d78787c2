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

`a ** b` (`pow_`, sent here whatever its operands) follows Python's types: an int raised to a negative
int is a float (JAX would compute an integer power, garbage for a negative exponent).

A `SoftBool` (relaxed mode) already computes with its probability, and Python bools with each other
are plain Python.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, values
from relaxjax.runtime.values import EXPECTED, as_float, is_static, static_bounds, unwrap


def _bool_array(x: Any) -> bool:
    return isinstance(x, (jax.Array, np.ndarray, np.bool_)) and x.dtype == np.bool_


def as_int(x: Any) -> Any:
    """A truth value (a Python bool or a bool array) as the int Python reads it; anything else as it is."""
    if isinstance(x, bool):
        return int(x)
    return jnp.asarray(x).astype(jnp.result_type(int)) if _bool_array(x) else x


def _binary(op: Callable) -> Callable:
    compute = _times if op is operator.mul else op

    def apply(a: Any, b: Any) -> Any:
        if (_bool_array(a) or _bool_array(b)) and all(isinstance(x, bool) or _bool_array(x) for x in (a, b)):
            return op(as_int(a), as_int(b))
        if isinstance(a, EXPECTED) or isinstance(b, EXPECTED):   # an array's own operator would drop the mark
            return values.arithmetic(op, a, b, compute)
        return compute(a, b)
    apply.__name__ = op.__name__.strip("_")
    apply.__doc__ = f"`a {_SYMBOL[op]} b`, truth values counted as ints (0 or 1) as in Python."
    return apply


def _unary(op: Callable) -> Callable:
    def apply(a: Any) -> Any:
        return op(as_int(a)) if _bool_array(a) else op(a)
    apply.__name__ = op.__name__.strip("_")
    apply.__doc__ = f"`{_SYMBOL[op]}a`, a truth value counted as an int (0 or 1) as in Python."
    return apply


def _floating_array(x: Any) -> bool:
    return isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jnp.floating)


def _times(a: Any, b: Any) -> Any:
    """`a * b`; for floating arrays, its derivative in one factor is taken as 0 where the other is infinite.
    A product with an infinite factor (`(math.inf - edge) * rate`, in a branch certainly not taken) then
    passes no NaN back (0 * inf) where the branch's weight is exactly 0."""
    if (_floating_array(a) or _floating_array(b)) and all(isinstance(x, (jax.Array, float, int)) for x in (a, b)):
        a, b = jnp.asarray(a), jnp.asarray(b)
        dtype = jnp.result_type(a, b)
        return _finite_slope_product(a.astype(dtype), b.astype(dtype))
    return a * b


@jax.custom_jvp
def _finite_slope_product(a: Any, b: Any) -> Any:
    return a * b


@_finite_slope_product.defjvp
def _finite_slope_product_jvp(primals: tuple, tangents: tuple) -> tuple:
    a, b = primals
    da, db = tangents
    finite = lambda x: jnp.where(jnp.isfinite(x), x, 0.0)   # noqa: E731
    out = _finite_slope_product(a, b)
    return out, jnp.broadcast_to(finite(b) * da + finite(a) * db, out.shape)


_SYMBOL = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.neg: "-", operator.pos: "+",
           operator.invert: "~"}

add, sub, mul = _binary(operator.add), _binary(operator.sub), _binary(operator.mul)
neg, pos, invert = _unary(operator.neg), _unary(operator.pos), _unary(operator.invert)


def _integer(x: Any) -> bool:
    """A Python int (bools included) or a traced integer or bool (a loop index included)."""
    value = unwrap(x)
    return isinstance(value, (int, np.integer)) or (
        isinstance(value, (jax.Array, np.ndarray)) and (jnp.issubdtype(value.dtype, jnp.integer)
                                                         or value.dtype == jnp.bool_))


def pow_(a: Any, b: Any) -> Any:
    """`a ** b` as Python computes it: an int raised to an int is an int when the exponent is not
    negative and a float when it is (`2 ** -1` is 0.5). With an exponent known only at run time that may
    be negative, the power is computed in floats (an int result is then its exact float value)."""
    if isinstance(a, bool) and isinstance(b, bool) or (is_static(a) and is_static(b)):
        return a ** b
    base, exponent = as_int(unwrap(a)), as_int(unwrap(b))
    if _integer(base) and _integer(exponent):
        bounds = static_bounds(b)
        if bounds is None or bounds[0] < 0:   # maybe negative: Python gives a float there
            return jnp.power(as_float(base), as_float(exponent))
    return base ** exponent


def _hard_integer(x: Any) -> bool:
    """A Python int or a traced integer that is hard (a loop index, an int array; not an expected count)."""
    return not isinstance(x, EXPECTED) and _integer(x)


def truediv(a: Any, b: Any) -> Any:
    """`a / b` as Python computes it; a quotient of hard integers one of which is traced (`i / 2` of a loop
    index) is a `HardFloat`: hard data, so `int(i / 2)` and `i / 2 >= 1` stay exact in relaxed mode."""
    if is_static(a) and is_static(b):
        return a / b
    out = unwrap(a) / unwrap(b)
    if _hard_integer(a) and _hard_integer(b):
        return values.HardFloat(out)
    return out


def floordiv(a: Any, b: Any) -> Any:
    """`a // b` as Python computes it; in relaxed and sampled mode, the quotient of soft floats is exact on
    the value (no gradient through it) and marked as the integer it is (a `SoftCount`), so that
    `int(x // w)` is that integer and its comparisons with ints do not tie at 1/2."""
    if is_static(a) and is_static(b):
        return a // b
    if isinstance(a, EXPECTED) or isinstance(b, EXPECTED):
        return values.arithmetic(operator.floordiv, a, b)
    out = a // b
    opts = context.current()
    if _floating_array(out) and opts.mode != "hard":   # sampled too: a drawn rounding would move it off
        return values.SoftCount(out)
    return out


def _split(a: Any) -> tuple[Any, Any]:
    """Veltkamp's split: `a = hi + lo` exactly, each half of `a`'s significand (products of halves are exact)."""
    factor = 2.0 ** ((jnp.finfo(a.dtype).nmant + 2) // 2) + 1.0
    c = jax.lax.optimization_barrier(a * factor)   # rounded as written: no fused multiply-add across it
    hi = jax.lax.optimization_barrier(c - (c - a))
    return hi, a - hi


def _product_error(a: Any, b: Any, p: Any) -> Any:
    """`a * b - p` exactly, for `p` the rounded product (Dekker's error-free product, without FMA)."""
    ahi, alo = _split(a)
    bhi, blo = _split(b)
    products = jax.lax.optimization_barrier((ahi * bhi, ahi * blo, alo * bhi, alo * blo))   # each exact
    return ((products[0] - p) + products[1] + products[2]) + products[3]


def round_digits(x: Any, ndigits: int) -> Any:
    """`round(x, ndigits)` as CPython computes it: the exact binary value of `x`, scaled by `10 ** ndigits`,
    rounded half to even (`round(0.35, 1)` is 0.3: 0.35 is stored as 0.34999...). The scaled value is
    rounded in floating point; where that lands exactly halfway, the error-free product says which side
    the exact value is on."""
    x = jnp.asarray(x)
    if abs(ndigits) > 22:   # 10 ** n is no longer exact; Python returns x (or 0) there
        return x if ndigits > 0 else jnp.zeros_like(x)
    # behind a barrier, XLA cannot turn `/ scale` into `* (1 / scale)`, which rounds twice (431.59 came
    # out as 431.59000000000003 under jit)
    scale = jax.lax.optimization_barrier(jnp.asarray(10.0 ** abs(ndigits), x.dtype))
    if ndigits >= 0:
        p = x * scale
        above = _product_error(x, scale, p)   # exact value minus p
    else:
        p = x / scale
        above = x - jnp.trunc(p) * scale - (p - jnp.trunc(p)) * scale   # x - p * scale, exact at a half
    down = jnp.floor(p)
    half = p - down == 0.5
    rounded = jnp.where(half & (above > 0), down + 1, jnp.where(half & (above < 0), down, jnp.round(p)))
    big = jnp.abs(p) >= 2.0 ** jnp.finfo(x.dtype).nmant   # no fraction left to round
    out = rounded / scale if ndigits >= 0 else rounded * scale
    return jnp.where(big | ~jnp.isfinite(x), x, out)
