"""Comparisons, truth values and `not` (`and` / `or` are conditional expressions: conditionals.py).

| source | static | hard traced | soft traced (relaxed mode) |
| --- | --- | --- | --- |
| `a < b` (`lt`) | Python | `jnp.less` | `SoftBool(sigmoid(beta * (b - a)))` (the noise's CDF) |
| `a == b` (`eq`) | Python | `jnp.equal` | `SoftBool(sech(beta * (a - b) / 2) ** 2)` (its density / density at 0) |
| `not p` | Python | `~p` | `1 - p` |
| `a and b` | Python (short-circuit) | `b if a else a` | the same, as an expectation: `p * q` for bools |
| `a or b` | Python (short-circuit) | `a if a else b` | `p + q - p * q` for bools |

A comparison is soft when one operand is a floating traced value and the mode is "relaxed"; in
mode "sampled" it is a bool drawn with that probability (sampling.py).
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import jax.numpy as jnp

from relaxjax.runtime import context, relaxations, sampling
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.values import SoftBool, Undefined, is_floating, is_static, unwrap


def _compare(op: Callable, soft: Callable, a: Any, b: Any) -> Any:
    if isinstance(a, Undefined) or isinstance(b, Undefined):
        (a if isinstance(a, Undefined) else b).fail()
    if is_static(a) and is_static(b):
        return op(a, b)
    opts = context.current()
    if (not opts.hard or opts.sampled) and (is_floating(a) or is_floating(b)):
        p = soft(jnp.asarray(unwrap(a)), jnp.asarray(unwrap(b)), opts.beta, opts.dist)
        return sampling.draw(p) if opts.sampled else SoftBool(p)
    return op(jnp.asarray(unwrap(a)), jnp.asarray(unwrap(b)))


def lt(a: Any, b: Any) -> Any:
    """`a < b`; relaxed: P(a < b) = sigmoid(beta * (b - a))."""
    return _compare(operator.lt, relaxations.p_less, a, b)


def le(a: Any, b: Any) -> Any:
    """`a <= b`; relaxed: the same value as `a < b` (ties are 1/2)."""
    return _compare(operator.le, relaxations.p_less, a, b)


def gt(a: Any, b: Any) -> Any:
    """`a > b`; relaxed: sigmoid(beta * (a - b))."""
    return _compare(operator.gt, lambda x, y, beta, dist: relaxations.p_less(y, x, beta, dist), a, b)


def ge(a: Any, b: Any) -> Any:
    """`a >= b`; relaxed: the same value as `a > b`."""
    return _compare(operator.ge, lambda x, y, beta, dist: relaxations.p_less(y, x, beta, dist), a, b)


def _bool_vs_softbool(a: Any, b: Any) -> Any:
    """`p == True` for a SoftBool p is p itself (and `p == False` is 1 - p), not a soft equality."""
    if isinstance(b, SoftBool):
        a, b = b, a
    if isinstance(a, SoftBool) and isinstance(b, bool):
        return a if b else SoftBool(1 - a.prob)
    return None


def eq(a: Any, b: Any) -> Any:
    """`a == b`; relaxed: sech(beta * (a - b) / 2) ** 2, 1 at equality."""
    special = _bool_vs_softbool(a, b)
    if special is not None:
        return special
    return _compare(operator.eq, relaxations.p_equal, a, b)


def ne(a: Any, b: Any) -> Any:
    """`a != b`; relaxed: 1 - (a == b)."""
    return not_(eq(a, b))


def truth(x: Any) -> Any:
    """The truth value of `x` as Python reads it: a static bool, a hard bool array or a SoftBool.

    A number means `x != 0` (relaxed like any other `!=` when it is soft); a SoftBool is its probability.
    """
    if isinstance(x, Undefined):
        x.fail()
    if isinstance(x, SoftBool):
        return x
    if is_static(x):
        return bool(x)
    x = jnp.asarray(unwrap(x))
    if x.ndim != 0:
        raise RelaxError(f"the truth value of an array of shape {x.shape} is ambiguous; compare "
                         f"single elements, or use `jnp.any` / `jnp.all`")
    if x.dtype == jnp.bool_:
        return x
    return ne(x, 0)


def not_(x: Any) -> Any:
    """`not x`; relaxed: 1 - P(x)."""
    t = truth(x)
    if isinstance(t, SoftBool):
        return SoftBool(1 - t.prob)
    if isinstance(t, bool):
        return not t
    return jnp.logical_not(t)
