"""Positions chosen under soft conditions: `best = i` inside `if a[i] > a[best]:`.

Under the relaxation's model such a variable ends as one of the exact positions it was assigned, each
with a probability. relaxjax keeps that distribution (a `SoftIndex` over a static range of integers)
rather than the expected position, so that reading or writing at it weighs the positions never chosen
exactly 0: a sentinel written at the best position (`a[best] = -inf`) or an infinite distance in a
Dijkstra does not spread onto its neighbours.

| operation | result |
| --- | --- |
| a merge of positions (static ints, loop indices with static ranges, SoftIndexes) by a soft test | a SoftIndex: `p * onehot(a) + (1 - p) * onehot(b)` (merges in a row: built once, deferred_positions.py) |
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

from relaxjax.runtime import context, deferred_positions, relaxations
from relaxjax.runtime.values import BoundedInt, SoftBool, SoftIndex, float_dtype, static_bounds, unwrap

MODES = ("distribution", "expected")
LARGEST = 4096   # wider ranges of positions are kept as their expectation (a SoftCount)
LARGEST_ARRAY = 1 << 22   # the most weights an array of positions holds (elements times range)


def range_of(x: Any) -> tuple[int, int] | None:
    """The static range of positions `x` (or each element of an array of positions) may hold, or None
    when it is not a position."""
    if isinstance(x, deferred_positions.DeferredIndex):
        return x.offset, x.hi
    if isinstance(x, SoftIndex):
        return x.offset, x.offset + x.weights.shape[-1] - 1
    return static_bounds(x)


def shape_of(x: Any) -> tuple:
    """The shape of a position or an array of positions (a SoftIndex's weights less their last axis)."""
    if isinstance(x, deferred_positions.DeferredIndex):
        return x.shape
    return x.weights.shape[:-1] if isinstance(x, SoftIndex) else jnp.shape(unwrap(x))


def is_array(x: Any) -> bool:
    """Whether `x` is an array of positions: a SoftIndex with one distribution per element, or an int
    array with static bounds (a list of Python ints carried by a loop, and what is written into it)."""
    return (isinstance(x, SoftIndex) and x.weights.ndim > 1) or (isinstance(x, BoundedInt)
                                                                   and jnp.ndim(x.value) > 0)


def distribution(x: Any, lo: int, hi: int, dtype: Any) -> Any:
    """The weights of position `x` over the integers `lo..hi` (a range that holds `x`'s), on a last
    axis of its own for an array of positions."""
    if isinstance(x, SoftIndex):
        w = jnp.asarray(x.weights, dtype)
        pad = [(0, 0)] * (w.ndim - 1) + [(x.offset - lo, hi - x.offset - w.shape[-1] + 1)]
        return jnp.pad(w, pad)
    if isinstance(x, (int, list)):
        return jnp.asarray(np.arange(lo, hi + 1) == np.asarray(x)[..., None], dtype)
    return (jnp.arange(lo, hi + 1) == jnp.asarray(unwrap(x))[..., None]).astype(dtype)


def bounded_list(value: Any) -> BoundedInt | None:
    """A list of Python ints as an int array with static bounds, the start of an array of positions
    (position_arrays.py), in mode "relaxed" with positions kept as distributions; None otherwise."""
    def ints(x: Any) -> bool:
        return isinstance(x, list) and bool(x) and all(type(y) is int or ints(y) for y in x)
    options = context.current()
    if options.hard or options.positions != "distribution" or not ints(value):
        return None
    arr = np.asarray(value)
    if arr.dtype == object:   # ragged
        return None
    return BoundedInt(jnp.asarray(value), int(arr.min()), int(arr.max()))


def stacked(parts: list) -> SoftIndex | None:
    """A list of positions (one a SoftIndex) as one array of positions over the union of their ranges;
    None where one is not a position or the array would be too large."""
    ranges = [range_of(p) for p in parts]
    if None in ranges:
        return None
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    if not fits(lo, hi, (len(parts),) + shape_of(parts[0])):
        return None
    dtype = jnp.result_type(float_dtype(), *[p.weights for p in parts if isinstance(p, SoftIndex)])
    return SoftIndex(jnp.stack([distribution(p, lo, hi, dtype) for p in parts]), lo)


def fits(lo: int, hi: int, shape: tuple) -> bool:
    """Whether distributions over `lo..hi` for every element of `shape` stay small enough to keep."""
    return hi - lo + 1 <= LARGEST and (hi - lo + 1) * int(np.prod(shape)) <= LARGEST_ARRAY


def merged(test: Any, a: Any, b: Any) -> SoftIndex | None:
    """`a if test else b` as a distribution over positions, where both are positions and the test is
    soft (or one of them is already a distribution); None otherwise."""
    soft = isinstance(test, SoftBool)
    if not (soft or isinstance(a, SoftIndex) or isinstance(b, SoftIndex)):
        return None
    if context.current().positions != "distribution":
        return None
    ra, rb = range_of(a), range_of(b)
    if ra is None or rb is None:
        return None
    lo, hi = min(ra[0], rb[0]), max(ra[1], rb[1])
    prob = test.prob if soft else test
    shape = jnp.broadcast_shapes(shape_of(a), shape_of(b), jnp.shape(prob))
    if not fits(lo, hi, shape):
        return None
    if context.current().on("deferred_positions"):
        deferred = deferred_positions.merged(test, a, b, lo, hi, shape)
        if deferred is not None:
            return deferred
    weights = [w.weights for w in (a, b) if isinstance(w, SoftIndex)]
    dtype = jnp.result_type(test.prob if soft else float_dtype(), *weights, float)
    wa, wb = distribution(a, lo, hi, dtype), distribution(b, lo, hi, dtype)
    prob = jnp.asarray(prob)[..., None]   # one test per element of an array of positions
    if soft:
        return SoftIndex(relaxations.mix(prob, wa, wb), lo)
    return SoftIndex(jnp.where(prob, wa, wb), lo)


def axis_weights(i: Any, size: int) -> Any:
    """The weights over the `size` places of an axis of a soft index: a SoftIndex's own, or those of
    rounding a float (`P(round(i + e) = j)`)."""
    if isinstance(i, SoftIndex):
        return on_axis(i, size)
    return relaxations.index_weights(unwrap(i), size, context.current().beta, context.current().dist)


def element_weights(parts: tuple, shape: tuple, soft: Callable[[Any], bool], dtype: Any) -> Any:
    """The weights of the elements an index `parts` selects on the leading axes of `shape`: the product
    over axes of a soft index's `axis_weights` (where `soft(i)`) or a hard index's one-hot."""
    weights = jnp.ones((), dtype)
    for axis, i in enumerate(parts):
        size = shape[axis]
        if soft(i):
            w = axis_weights(i, size)
        else:
            w = (jnp.arange(size) == (jnp.asarray(unwrap(i)) % size)).astype(dtype)
        weights = weights[..., None] * w
    return weights


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
