"""Arrays of positions: `came[v] = u` under soft tests, and the walk `v = came[v]` that reads them back.

In mode "relaxed" a list of Python ints that a loop carries (`came = [0] * n`) is an int array with static
bounds (a `BoundedInt` array). Written positions (static ints, loop indices, SoftIndexes) keep it one;
merged by a soft test it becomes an array of distributions over positions (a `SoftIndex` whose weights
have one row per element), so that each element holds the positions it was assigned, each with its
probability, rather than their mean (which names a cell that was never chosen).

| operation | result |
| --- | --- |
| `a[i]`, `i` a hard integer | that element: a `SoftIndex`, or an int (bounds dropped: `count[i] += 1` would widen them at every trace of a loop) |
| `a[v]`, `v` a SoftIndex (or a soft float index) | `sum_u P(v = u) a[u]`: the mixture of the elements' distributions (one step of a Markov chain) |
| `a[i] = p`, `p` a position | the element's distribution set to `p`'s (the range widens to hold it) |
| `a[v] = p`, `v` soft | `a[u] = P(v = u) p + (1 - P(v = u)) a[u]` for every u |
| a merge by a soft test (merge.py) | element by element (positions.merged) |
| anything else (arithmetic, a float written) | the expected positions (a `SoftCount`) |
"""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from relaxjax.runtime import context, positions, provenance, relaxations
from relaxjax.runtime.values import BoundedInt, SoftIndex, float_dtype, is_floating, static_bounds, unwrap


def _hard(i: Any) -> bool:
    if isinstance(i, bool):
        return False
    if isinstance(i, (int, BoundedInt)):
        return jnp.ndim(unwrap(i)) == 0
    value = unwrap(i)
    return hasattr(value, "dtype") and value.ndim == 0 and jnp.issubdtype(value.dtype, jnp.integer)


def _soft(i: Any) -> bool:
    if isinstance(i, SoftIndex):
        return i.weights.ndim == 1
    return not context.current().hard and is_floating(i) and jnp.ndim(unwrap(i)) == 0


def _usable(a: Any, parts: tuple) -> bool:
    return (positions.is_array(a) and len(parts) <= len(positions.shape_of(a))
            and all(_hard(i) or _soft(i) for i in parts))


def read(a: Any, parts: tuple) -> Any | None:
    """`a[parts]` for an array of positions `a`, or None where this module does not apply."""
    if not _usable(a, parts):
        return None
    lo, hi = positions.range_of(a)
    if all(_hard(i) for i in parts):
        key = tuple(unwrap(i) for i in parts)
        # an exact element is a plain int: with its bounds, `count[i] += 1` in a loop would widen them
        # at every trace of the body
        if isinstance(a, BoundedInt):
            return a.value[key]
        weights = a.weights
        element = SoftIndex(weights[key], lo)
        if all(type(i) is int for i in key):   # `[came[r][c] for ...]` stacks back into `came`
            provenance.remember_read(element.weights, weights, key)
        return element
    dtype = a.weights.dtype if isinstance(a, SoftIndex) else float_dtype()
    whole = positions.distribution(a, lo, hi, dtype)
    selected = positions.element_weights(parts, whole.shape, _soft, dtype).astype(dtype)
    return SoftIndex(jnp.tensordot(selected, whole, axes=len(parts)), lo)


def elements(a: Any) -> Any:
    """The plain array behind an array of positions (its values, or its weights); `a` itself if plain."""
    return a.value if isinstance(a, BoundedInt) else a.weights if isinstance(a, SoftIndex) else a


def like(a: Any, x: Any) -> Any:
    """Elements `x` taken from `elements(a)`, as an array of positions again (with `a`'s bounds or
    offset); `x` itself where `a` is a plain array."""
    if isinstance(a, BoundedInt):
        return BoundedInt(x, a.lo, a.hi)
    return SoftIndex(x, a.offset) if isinstance(a, SoftIndex) else x


def row(a: Any, k: int) -> Any:
    """Row `k` of an array of positions, as one (bounds and offset kept)."""
    return like(a, elements(a)[k])


def write(a: Any, parts: tuple, value: Any) -> Any | None:
    """`a[parts] = value` for an array of positions `a` and a position `value` (a static int, a loop
    index, a SoftIndex), or None where this module does not apply (`a` then counts as its expectation)."""
    if not _usable(a, parts):
        return None
    written = positions.range_of(value) if not isinstance(value, bool) else None
    if written is None:
        return None
    held = positions.range_of(a)
    lo, hi = min(held[0], written[0]), max(held[1], written[1])
    shape = positions.shape_of(a)
    if not positions.fits(lo, hi, shape):
        return None
    if isinstance(a, BoundedInt) and static_bounds(value) is not None and all(_hard(i) for i in parts):
        key = tuple(unwrap(i) for i in parts)
        return BoundedInt(a.value.at[key].set(unwrap(value)), lo, hi)
    weights = [w.weights for w in (a, value) if isinstance(w, SoftIndex)]
    dtype = jnp.result_type(float_dtype(), *weights)
    whole = positions.distribution(a, lo, hi, dtype)
    new = positions.distribution(value, lo, hi, dtype)
    if all(_hard(i) for i in parts):
        return SoftIndex(whole.at[tuple(unwrap(i) for i in parts)].set(new), lo)
    selected = positions.element_weights(parts, shape, _soft, dtype).astype(dtype)
    selected = selected.reshape(selected.shape + (1,) * (whole.ndim - len(parts)))
    return SoftIndex(relaxations.mix(selected, new, whole), lo)
