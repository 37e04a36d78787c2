"""The closed forms of DESIGN.md §1 under noise of scale 1/beta (logistic unless `dist` says otherwise,
see distributions.py), in numerically stable form.

Each function takes plain arrays and returns arrays; dispatch on the kind of value happens in the
operators that call them.
"""
from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
from jax.custom_derivatives import SymbolicZero

from relaxjax.runtime.distributions import LOGISTIC, Distribution


def difference(a: Any, b: Any) -> Any:
    """`b - a`, with equal values (two equal infinities included) a tie at 0 instead of NaN; its
    derivative is `db - da` everywhere, ties included."""
    a, b = jnp.asarray(a), jnp.asarray(b)
    if not (jnp.issubdtype(a.dtype, jnp.inexact) or jnp.issubdtype(b.dtype, jnp.inexact)):
        return jnp.where(a == b, 0, b - a)   # integers: exact, and nothing to differentiate
    dtype = jnp.result_type(a, b)
    return _difference(a.astype(dtype), b.astype(dtype))


@jax.custom_jvp
def _difference(a: Any, b: Any) -> Any:
    return jnp.where(a == b, 0.0, b - a)


@_difference.defjvp
def _difference_jvp(primals: tuple, tangents: tuple) -> tuple:
    out = _difference(*primals)
    return out, jnp.broadcast_to(tangents[1] - tangents[0], out.shape)


def p_less(a: Any, b: Any, beta: Any, dist: Distribution = LOGISTIC) -> Any:
    """P(a + e / beta < b) = cdf(beta * (b - a)) (logistic: sigmoid); `<=` gets the same value (ties 1/2)."""
    return dist.cdf(beta * difference(a, b))


def p_equal(a: Any, b: Any, beta: Any, dist: Distribution = LOGISTIC) -> Any:
    """The density of the noise at beta * (a - b) over its density at 0: 1 at a == b (logistic:
    sech(beta * (a - b) / 2) ** 2, computed in log space, so no overflow at any beta)."""
    return dist.density_ratio(beta * difference(a, b))


def p_same_integer(a: Any, b: Any, beta: Any, dist: Distribution = LOGISTIC) -> Any:
    """P(|a - b + e / beta| < 1/2): that integers known by their expectations `a`, `b` are equal (1 as
    beta grows where a == b). For d = a - b >= 0 it is cdf(beta (1/2 - d)) - cdf(-beta (1/2 + d)); for
    d < 0 the mirror image (the noise is symmetric), so the CDFs subtracted are small: no cancellation."""
    d = difference(b, a)   # a - b, ties exact
    above = dist.cdf(beta * (0.5 - d)) - dist.cdf(-beta * (0.5 + d))
    below = dist.cdf(beta * (0.5 + d)) - dist.cdf(beta * (d - 0.5))
    return jnp.where(d >= 0, above, below)


ROUNDING_TERMS = 16   # integers summed exactly on each side of a soft value; the rest as an integral


def expected_floor(x: Any, beta: Any, dist: Distribution = LOGISTIC) -> Any:
    """E[floor(x + e / beta)]: floor(y) counts the integers k >= 1 below y and subtracts those k <= 0
    above it, so with m = floor(x), f = x - m it is m + sum_{j >= 1} cdf(beta (f - j)) - sum_{j >= 0}
    cdf(-beta (f + j)). Sixteen terms on each side are summed; the tails beyond, whose terms vary slowly
    wherever they matter (a small beta), are their integrals (`dist.cdf_integral`, by the midpoint rule
    corrected to third order). Smooth in x, 1 per unit on average, except for the tails' approximation
    error, a step where floor(x) changes: 1.4e-7 at beta 0.3, 3e-10 at beta 1, below 1e-15 at beta 3 and
    up (logistic). An infinite x is itself."""
    x = jnp.asarray(x)
    finite = jnp.isfinite(x)
    safe = jnp.where(finite, x, 0.0)
    m = jax.lax.stop_gradient(jnp.floor(safe))
    f = safe - m
    j = jnp.arange(1, ROUNDING_TERMS + 1, dtype=x.dtype).reshape((-1,) + (1,) * x.ndim)
    above = jnp.sum(dist.cdf(beta * (f - j)), axis=0)
    below = jnp.sum(dist.cdf(-beta * (f + j - 1)), axis=0)
    if dist.cdf_integral is not None:   # the midpoint rule with its first Euler-Maclaurin correction
        za, zb = beta * (f - ROUNDING_TERMS - 0.5), -beta * (f + ROUNDING_TERMS - 0.5)
        above = above + dist.cdf_integral(za) / beta - beta * dist.density(za) / 24
        below = below + dist.cdf_integral(zb) / beta - beta * dist.density(zb) / 24
    return jnp.where(finite, m + above - below, x)


def odd_even_sort(values: Any, beta: Any, dist: Distribution = LOGISTIC, draw: Any = None,
                  items: Any = None) -> Any:
    """The relaxed odd-even transposition sort of a 1-D array: `n` passes, pass `p` compare-swapping the
    pairs `(j, j + 1)` for `j = p % 2, p % 2 + 2, ...`, each swap taken with its probability
    P(a[j] > a[j + 1]) and both elements mixed by it (what relaxjax makes of that loop written in Python).
    `draw`, given, turns each probability into a drawn decision (mode "sampled"). Long lists run their
    passes two at a time in a `fori_loop` (compile time independent of n). With `items` (an array of the
    same length), `values` are their keys: each swap mixes the items by the same probability, and the
    sorted items are returned."""
    if items is not None:
        dtype = jnp.result_type(values, items, float)
        return odd_even_sort(jnp.stack([values.astype(dtype), items.astype(dtype)]), beta, dist, draw)[1]
    n = values.shape[-1]

    def one_pass(values: Any, start: int) -> Any:   # values[..., j]; row 0 holds the keys of a stack
        pairs = (n - start) // 2
        if pairs == 0:
            return values
        stop = start + 2 * pairs
        left, right = values[..., start:stop:2], values[..., start + 1:stop:2]
        keys = (left[0], right[0]) if values.ndim == 2 else (left, right)
        swap = p_less(keys[1], keys[0], beta, dist)
        if draw is not None:
            swap = draw(swap)
        low, high = mix(swap, right, left), mix(swap, left, right)
        return values.at[..., start:stop:2].set(low).at[..., start + 1:stop:2].set(high)

    if n <= _UNROLLED_SORT or draw is not None:   # (each draw needs its own key: unrolled)
        for p in range(n):
            values = one_pass(values, p % 2)
        return values
    values = jax.lax.fori_loop(0, n // 2, lambda _, v: one_pass(one_pass(v, 0), 1), values)
    return one_pass(values, 0) if n % 2 else values


_UNROLLED_SORT = 16


def mix(p: Any, a: Any, b: Any) -> Any:
    """p * a + (1 - p) * b as a float array, exact where p is 0 or 1, also when a or b is infinite.

    Where an infinite value has a probability strictly between 0 and 1 the result is that infinity.
    The derivative in p is a - b, taken as 0 where that is infinite (the derivative of an infinite
    expectation has no meaning), so gradients stay finite.
    """
    dtype = jnp.result_type(p, a, b, float)
    return _mix(jnp.asarray(p, dtype), jnp.asarray(a, dtype), jnp.asarray(b, dtype))


@jax.custom_jvp
def _mix(p: Any, a: Any, b: Any) -> Any:
    return jnp.where(p >= 1, a, jnp.where(p <= 0, b, p * a + (1 - p) * b))


@_mix.defjvp
def _mix_jvp(primals: tuple, tangents: tuple) -> tuple:
    p, a, b = primals
    dp, da, db = tangents
    diff = a - b
    slope = jnp.where(jnp.isfinite(diff), diff, 0.0)
    out = _mix(p, a, b)
    return out, jnp.broadcast_to(slope * dp + p * da + (1 - p) * db, out.shape)


def softmin_weights(values: Any, beta: Any, axis: int = 0, dist: Distribution = LOGISTIC) -> Any:
    """The weight of each value in the relaxed minimum along `axis`: softmax(-beta * values) for the
    logistic distribution; for another, the weights of the relaxed loop `m = x[0]; for v in x[1:]:
    if v < m: m = v` (see distributions.py). With two values both are the `if` form; values of +inf get
    weight 0 (all +inf: uniform weights for the logistic, the first value's for the loop)."""
    if dist is not LOGISTIC:
        return _sequential_min_weights(jnp.asarray(values), beta, axis, dist)
    # Logits are -beta * (x - min x): 0 at the smallest value, exactly. With -beta * x instead, XLA on
    # CPU contracts `beta * x - max` into one fused multiply-add whose rounding differs from the
    # rounded logits the max came from by up to half an ulp of beta * x: exp overflows (NaN weights)
    # once |beta * x| passes about 1e10 in float32.
    # The largest logit is exactly 0, so the exponentials need no second shift. The derivative is the
    # softmax's own closed form (custom_jvp): differentiating the guards and the shift instead made a
    # relaxed edit distance 1.5x slower (m = 16: 2.04 vs 1.37 ms).
    values = jnp.asarray(values)
    values = values.astype(jnp.result_type(values, float))
    return _logistic_min_weights(axis % max(values.ndim, 1), jnp.asarray(beta, values.dtype), values)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _logistic_min_weights(axis: int, beta: Any, values: Any) -> Any:
    low = jnp.min(values, axis=axis, keepdims=True)
    gap = jnp.where(jnp.isfinite(low), values - low, jnp.where(values == low, 0.0, jnp.inf))
    all_inf = jnp.isposinf(low)   # every value +inf: uniform weights
    e = jnp.exp(jnp.where(all_inf, 0.0, -beta * gap))
    return e / jnp.sum(e, axis=axis, keepdims=True)


@functools.partial(_logistic_min_weights.defjvp, symbolic_zeros=True)
def _logistic_min_weights_jvp(axis: int, primals: tuple, tangents: tuple) -> tuple:
    # The softmax derivative, w * (t - sum(w * t)) for the logits' tangent t = -(beta dv + dbeta v),
    # with infinite values (weight 0, or shared among equal infinities) left out: no 0 * inf.
    beta, values = primals
    dbeta, dvalues = tangents
    w = _logistic_min_weights(axis, beta, values)
    finite = jnp.isfinite(values)
    t = jnp.zeros_like(values) if type(dvalues) is SymbolicZero else -beta * jnp.where(finite, dvalues, 0.0)
    if type(dbeta) is not SymbolicZero:
        low = jnp.min(jnp.where(finite, values, jnp.inf), axis=axis, keepdims=True)
        t = t - dbeta * jnp.where(finite, values - low, 0.0)
    t = jnp.where(w > 0, t, 0.0)
    return w, w * (t - jnp.sum(w * t, axis=axis, keepdims=True))


def _sequential_min_weights(values: Any, beta: Any, axis: int, dist: Distribution) -> Any:
    v = jnp.moveaxis(values, axis, 0)
    dtype = jnp.result_type(v, float)
    v = v.astype(dtype)
    positions = jnp.arange(v.shape[0]).reshape((-1,) + (1,) * (v.ndim - 1))

    def step(carry: tuple, k: Any) -> tuple:
        low, weights = carry
        keep = p_less(low, v[k], beta, dist)   # P(low <= v[k]): the first of equal values stays, as in Python
        return (mix(keep, low, v[k]), mix(keep, weights, (positions == k).astype(dtype))), None

    start = (v[0], (positions == 0).astype(dtype) * jnp.ones_like(v))
    _, weights = jax.lax.scan(step, start, jnp.arange(1, v.shape[0]))[0]
    return jnp.moveaxis(weights, 0, axis)


def weighted_sum(weights: Any, values: Any, axis: int = 0) -> Any:
    """sum(weights * values) along `axis`; a zero weight contributes 0 even to an infinite value, and
    no gradient flows to the weight of an infinite value (as in `mix`)."""
    dtype = jnp.result_type(weights, values, float)
    return _weighted_sum(axis, jnp.asarray(weights, dtype), jnp.asarray(values, dtype))


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _weighted_sum(axis: int, weights: Any, values: Any) -> Any:
    keep = weights > 0
    return jnp.sum(jnp.where(keep, weights * jnp.where(keep, values, 0.0), 0.0), axis=axis)


@_weighted_sum.defjvp
def _weighted_sum_jvp(axis: int, primals: tuple, tangents: tuple) -> tuple:
    weights, values = primals
    dw, dv = tangents
    out = _weighted_sum(axis, weights, values)
    slope = jnp.where(jnp.isfinite(values), values, 0.0)
    tangent = jnp.sum(dw * slope + jnp.where(weights > 0, weights, 0.0) * dv, axis=axis)
    return out, jnp.broadcast_to(tangent, out.shape)


def soft_abs(x: Any, beta: Any, dist: Distribution = LOGISTIC) -> Any:
    """The `if` form of abs: x * P(x > 0) - x * P(x < 0) (logistic: x * tanh(beta * x / 2))."""
    z = beta * x
    if dist is LOGISTIC:
        return x * jnp.tanh(z / 2)
    return x * (dist.cdf(z) - dist.cdf(-z))


def index_weights(index: Any, size: int, beta: Any, dist: Distribution = LOGISTIC) -> Any:
    """P(round(index + e) = j) for j in 0..size-1, the tails folded onto the first and last position.

    Differences of the noise's CDF at j +- 1/2; returns an array of shape `index.shape + (size,)`.
    """
    index = jnp.asarray(index)[..., None]
    edges = jnp.arange(size - 1, dtype=index.dtype) + 0.5
    cdf = dist.cdf(beta * (edges - index))
    ones = jnp.ones_like(cdf[..., :1])
    upper = jnp.concatenate([cdf, ones], axis=-1)
    lower = jnp.concatenate([jnp.zeros_like(ones), cdf], axis=-1)
    return upper - lower
