"""mode="sampled": the hard program run on decisions drawn at random, each with the probability the
relaxed program gives it.

The relaxed program replaces each decision by its probability and merges the states of the outcomes
(a mean-field reading: the decisions are treated as independent of the merged values). The sampled
program draws every decision instead and runs exactly, so its average over many draws is the true
expectation the closed form approximates:

| decision | drawn as |
| --- | --- |
| `a < b` (and `<=`, `>`, `>=`) | True with probability cdf(beta * (b - a)): `a` perturbed by fresh noise |
| `a == b` | True with the relaxed value (the noise's density ratio) |
| `abs(x)` | `x` or `-x`, by a drawn `x > 0` |
| `int(x)`, `round(x)`, `math.floor(x)`, ... | the rounding of `x` plus drawn noise (exact for a distribution without `quantile`) |
| a floating index | position j with the soft index's weight |
| `min`/`max`/`argmin`/`argmax` | one value by its softmin weight (logistic: the Gumbel reading of the softmax); |
| | other distributions: Python's fold of comparisons, each drawn |

Every decision gets fresh noise: the key of a draw is the sample's key folded with a counter that is
unique to the decision's place in the traced program and with the step of every scan around it (a
scan's body is traced once but runs many times).
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import jax
import jax.numpy as jnp

from relaxjax.runtime import relaxations
from relaxjax.runtime.distributions import LOGISTIC, Distribution
from relaxjax.runtime.trace import STATE

AXIS = "relaxjax_samples"   # the name of the vmapped axis of the samples


class _Stream:
    def __init__(self, key: Any):
        self.key, self.counter = key, 0


def _stack() -> list:
    return STATE.draws


@contextlib.contextmanager
def drawing(key: Any) -> Iterator[None]:
    """Draw the decisions of the enclosed trace from `key` (one sample of the program)."""
    _stack().append(_Stream(key))
    try:
        yield
    finally:
        _stack().pop()


def active() -> bool:
    """Whether the code being traced draws its decisions."""
    return bool(STATE.draws)


def _fresh() -> Any:
    stream = _stack()[-1]
    stream.counter += 1
    return jax.random.fold_in(stream.key, stream.counter)


def loop() -> Any:
    """A key for one scan, distinct from every other place in the trace; pass it to `step`."""
    return _fresh()


@contextlib.contextmanager
def step(loop_key: Any, k: Any) -> Iterator[None]:
    """Inside the body of a scan at step `k` (traced): decisions draw from keys of this step."""
    stream = _stack()[-1]
    outer = stream.key
    stream.key = jax.random.fold_in(loop_key, k)
    try:
        yield
    finally:
        stream.key = outer


def mean_over_samples(x: Any) -> Any:
    """The mean of `x` over the samples, the same in every sample (a host callback given it runs
    once, not once per sample, as one under `vmap` would)."""
    return jax.lax.pmean(x, AXIS)


def _uniform(shape: tuple, like: Any) -> Any:
    dtype = like.dtype if jnp.issubdtype(like.dtype, jnp.floating) else jnp.result_type(float)
    return jax.random.uniform(_fresh(), shape, dtype)


def draw(p: Any) -> Any:
    """A bool array, each element True with its probability in `p`, independently."""
    p = jnp.asarray(p)
    return _uniform(p.shape, p) < p


def draw_position(weights: Any) -> Any:
    """An int array: for each distribution over the last axis of `weights`, a position drawn from it
    (never one of weight 0)."""
    weights = jnp.asarray(weights)
    cdf = jnp.cumsum(weights, axis=-1)
    u = _uniform(weights.shape[:-1] + (1,), weights) * cdf[..., -1:]
    return jnp.sum(cdf <= u, axis=-1)


def draw_extremum(values: Any, beta: Any, dist: Distribution) -> Any:
    """The position (along axis 0) of the drawn minimum of `values`: logistic, from its softmin
    weights; another distribution, Python's `m = x[0]; for v in x[1:]: if v < m: m = v` with each
    comparison drawn."""
    values = jnp.asarray(values)
    if dist is LOGISTIC:
        weights = relaxations.softmin_weights(values, beta, axis=0)
        return draw_position(jnp.moveaxis(weights, 0, -1))
    scan_key = loop()

    def fold(carry: tuple, k: Any) -> tuple:
        low, position = carry
        with step(scan_key, k):
            keep = draw(relaxations.p_less(low, values[k], beta, dist))
        return (jnp.where(keep, low, values[k]), jnp.where(keep, position, k)), None

    start = (values[0], jnp.zeros(values.shape[1:], int))
    return jax.lax.scan(fold, start, jnp.arange(1, values.shape[0]))[0][1]


def draw_noise(x: Any, beta: Any, dist: Distribution) -> Any:
    """`x + e / beta` for noise `e` drawn from `dist` (by its quantile function), fresh for every element."""
    x = jnp.asarray(x)
    u = _uniform(x.shape, x)
    u = jnp.clip(u, jnp.finfo(u.dtype).tiny, 1 - jnp.finfo(u.dtype).epsneg)   # never 0 or 1: finite noise
    return x + dist.quantile(u) / beta


def draw_sign(x: Any, beta: Any, dist: Distribution) -> Any:
    """`abs(x)` with the test `x > 0` drawn: `x` or `-x`."""
    x = jnp.asarray(x)
    return jnp.where(draw(relaxations.p_less(jnp.zeros_like(x), x, beta, dist)), x, -x)
