"""Positions chosen under soft conditions: `best = i` inside `if a[i] > a[best]:`.

Under the relaxation's model such a variable ends as one of the exact positions it was assigned, each
with a probability. relaxjax keeps that distribution (a `SoftIndex` over a static range of integers)
rather than the expected position, so that reading or writing at it weighs the positions never chosen
exactly 0: a sentinel written at the best position (`a[best] = -inf`) or an infinite distance in a
Dijkstra does not spread onto its neighbours.

| operation | result |
| --- | --- |
| a merge of positions (static ints, loop indices with static ranges, SoftIndexes) by a soft test | a SoftIndex: `p * onehot(a) + (1 - p) * onehot(b)` |
| the same by a hard test, one of them a SoftIndex | a SoftIndex: the weights of the side taken |
| `a[best]`, `a[best] = v` | the weights read and write the positions (negative ones from the end, as Python; past the end the last, as JAX) |
| `best == k`, `best < k`, ... (`k` an integer or another SoftIndex) | exact: the weight of the positions where it holds |
| arithmetic, a merge with other numbers | the expected position (a `SoftCount`) |

`relax(..., positions="expected")` keeps the reading of the continuous-relaxations paper instead: such
a variable is its expected position (a `SoftCount`), read and written with the rounding weights of a
soft index.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, relaxations
from relaxjax.runtime.values import BoundedInt, SoftBool, SoftIndex, float_dtype, static_bounds

MODES = ("distribution", "expected")
LARGEST = 4096   # wider ranges of positions are kept as their expectation (a SoftCount)


def _range(x: Any) -> tuple[int, int] | None:
    """The static range of positions `x` may hold, or None when it is not a position."""
    if isinstance(x, SoftIndex):
        return (x.offset, x.offset + x.weights.shape[-1] - 1) if x.weights.ndim == 1 else None
    if isinstance(x, BoundedInt) and jnp.ndim(x.value) != 0:
        return None
    return static_bounds(x)


def distribution(x: Any, lo: int, hi: int, dtype: Any) -> Any:
    """The weights of position `x` over the integers `lo..hi` (a range that holds `x`'s)."""
    if isinstance(x, SoftIndex):
        w = jnp.asarray(x.weights, dtype)
        return jnp.pad(w, (x.offset - lo, hi - x.offset - w.shape[-1] + 1))
    if isinstance(x, BoundedInt):
        return (jnp.arange(lo, hi + 1) == x.value).astype(dtype)
    return jnp.asarray(np.arange(lo, hi + 1) == x, dtype)


def merged(test: Any, a: Any, b: Any) -> SoftIndex | None:
    """`a if test else b` as a distribution over positions, where both are positions and the test is
    soft (or one of them is already a distribution); None otherwise."""
    soft = isinstance(test, SoftBool)
    if not (soft or isinstance(a, SoftIndex) or isinstance(b, SoftIndex)):
        return None
    if context.current().positions != "distribution":
        return None
    ra, rb = _range(a), _range(b)
    if ra is None or rb is None:
        return None
    lo, hi = min(ra[0], rb[0]), max(ra[1], rb[1])
    if hi - lo + 1 > LARGEST:
        return None
    weights = [w.weights for w in (a, b) if isinstance(w, SoftIndex)]
    dtype = jnp.result_type(test.prob if soft else float_dtype(), *weights, float)
    wa, wb = distribution(a, lo, hi, dtype), distribution(b, lo, hi, dtype)
    if soft:
        return SoftIndex(relaxations.mix(test.prob, wa, wb), lo)
    return SoftIndex(jnp.where(test, wa, wb), lo)


def on_axis(index: SoftIndex, size: int) -> Any:
    """The weights of `index` over the `size` places of an axis: a negative position counts from the
    end (Python's rule), one past either end is clamped to it (JAX's)."""
    lo = index.offset
    places = np.arange(lo, lo + index.weights.shape[-1])
    places = np.clip(np.where(places < 0, places + size, places), 0, size - 1)
    if lo == 0 and index.weights.shape[-1] == size:
        return index.weights
    fold = np.zeros((places.size, size))
    fold[np.arange(places.size), places] = 1.0
    return index.weights @ jnp.asarray(fold, index.weights.dtype)


def probability(op: Callable, a: Any, b: Any) -> Any | None:
    """P(op(a, b)) where one operand is a distribution over positions and the other an integer (static,
    traced, or another distribution, taken as independent); None where the other is not an integer."""
    if context.current().positions != "distribution":
        return None
    if not isinstance(a, SoftIndex):
        flipped = {operator.lt: operator.gt, operator.le: operator.ge, operator.gt: operator.lt,
                   operator.ge: operator.le}.get(op, op)
        return probability(flipped, b, a)
    if a.weights.ndim != 1:
        return None
    places = jnp.arange(a.offset, a.offset + a.weights.shape[-1])
    if isinstance(b, SoftIndex):
        if b.weights.ndim != 1:
            return None
        other = jnp.arange(b.offset, b.offset + b.weights.shape[-1])
        holds = op(places[:, None], other[None, :]).astype(a.weights.dtype)
        return a.weights @ holds @ b.weights.astype(a.weights.dtype)
    value = b.value if isinstance(b, BoundedInt) else b
    if isinstance(value, bool) or not (isinstance(value, int) or (
            hasattr(value, "dtype") and jnp.issubdtype(value.dtype, jnp.integer) and jnp.ndim(value) == 0)):
        return None
    return a.weights @ op(places, value).astype(a.weights.dtype)
