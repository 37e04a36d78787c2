"""Merging the states of two branches: the value of a variable after `if c: A else: B`.

| the two values | hard test `c` (bool array) | soft test `c` (probability p) |
| --- | --- | --- |
| equal static values | that value | that value |
| truth values (bools, bool arrays, SoftBools) | `where(c, a, b)` | `SoftBool(p * a + (1 - p) * b)` |
| positions (static ints, loop indices, SoftIndexes, arrays of them: position_arrays.py) | `where(c, a, b)` (of the weights, for a SoftIndex) | `SoftIndex`: the distribution over the positions (positions.py) |
| integers (ints, int arrays, SoftCounts) | `where(c, a, b)` | `SoftCount(p * a + (1 - p) * b)`: an expected integer |
| other numbers | `where(c, a, b)` (dtypes promoted) | `p * a + (1 - p) * b` (a float) |
| lists / tuples of equal length, dicts with the same keys | element by element | element by element |
| heaps of traced values (`heapq`), or a heap and a list | slot by slot (heaps.py) | a soft heap: presences mixed by p, items by their share (heaps.py) |
| a value and an undefined one | undefined | undefined |
"""
from __future__ import annotations

import itertools
from typing import Any

import jax
import jax.numpy as jnp

from relaxjax.runtime import heaps, positions, provenance, relaxations
from relaxjax.runtime.errors import RelaxError, StructureError, user_location
from relaxjax.runtime.indexing import as_array
from relaxjax.runtime.values import (BoundedInt, Heap, SoftBool, SoftCount, SoftIndex, Undefined, as_float,
                                     is_boollike, is_integral, is_number, is_static, static_bounds, unwrap)


def _same_static(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if not (is_static(a) and is_static(b)) or type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:
        return False


def merge(test: Any, a: Any, b: Any, name: str = "a value") -> Any:
    """`a if test else b` for a traced `test` (a bool array or a SoftBool), leaf by leaf."""
    if _same_static(a, b):
        return a
    if isinstance(a, Undefined) or isinstance(b, Undefined):
        undefined = a if isinstance(a, Undefined) else b
        return Undefined(undefined.name, undefined.where or user_location())
    if isinstance(a, Heap) or isinstance(b, Heap):
        return heaps.merged(test, a, b, name)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if type(a) is not type(b) or len(a) != len(b):
            raise StructureError(f"'{name}' is a {type(a).__name__} of length {len(a)} on one path and a "
                             f"{type(b).__name__} of length {len(b)} on the other; a relaxed branch or loop "
                             f"must keep the structure of its variables")
        return type(a)(merge(test, x, y, f"{name}[{i}]") for i, x, y in zip(range(len(a)), a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            raise StructureError(f"'{name}' is a dict with keys {sorted(map(str, a))} on one path and "
                                 f"{sorted(map(str, b))} on the other; a relaxed branch or loop must keep them")
        return {k: merge(test, a[k], b[k], f"{name}[{k!r}]") for k in a}
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        a, b = as_array(a), as_array(b)
    if not (is_number(a) and is_number(b)):
        raise RelaxError(f"'{name}' holds {type(a).__name__} and {type(b).__name__} on the two paths of a "
                         f"traced decision; relaxjax can only merge numbers, truth values and lists of them")
    sparse = _merge_written(test, a, b)
    if sparse is not None:
        return sparse
    chosen = positions.merged(test, a, b)
    if chosen is not None:
        return chosen
    if isinstance(test, SoftBool):
        p = test.prob
        mixed = relaxations.mix(p, as_float(a), as_float(b))
        if is_boollike(a) and is_boollike(b):
            return SoftBool(mixed)
        return SoftCount(mixed) if is_integral(a) and is_integral(b) else mixed
    if isinstance(a, SoftBool) or isinstance(b, SoftBool):
        return SoftBool(jnp.where(test, as_float(a), as_float(b)))
    if isinstance(a, (SoftCount, SoftIndex)) or isinstance(b, (SoftCount, SoftIndex)):
        picked = jnp.where(test, as_float(a), as_float(b))
        return SoftCount(picked) if is_integral(a) and is_integral(b) else picked
    bounds = [static_bounds(x) for x in (a, b)] if positions.is_array(a) or positions.is_array(b) else [None]
    a, b = unwrap(a), unwrap(b)
    dtype = jnp.result_type(a, b)
    picked = jnp.where(test, jnp.asarray(a, dtype), jnp.asarray(b, dtype))
    if None in bounds or not jnp.issubdtype(dtype, jnp.integer):
        return picked
    # an array of positions chosen by hard tests keeps its bounds
    return BoundedInt(picked, min(lo for lo, _ in bounds), max(hi for _, hi in bounds))


def _merge_written(test: Any, a: Any, b: Any) -> Any:
    """When both arrays are one root array with a few elements written (a compare-swap, a relaxed
    update), merge only those elements: elsewhere both equal the root. Same result as the full
    merge, at O(writes) cost."""
    if not (isinstance(a, jax.Array) and isinstance(b, jax.Array)) or a.shape != b.shape:
        return None
    root, writes_a, values_a = provenance.history(a)
    root_b, writes_b, values_b = provenance.history(b)
    if root_b is not root or not (writes_a or writes_b):
        return None
    places = provenance.distinct(writes_a + writes_b)
    at_a = jnp.stack([provenance.value_at(root, writes_a, values_a, p) for p in places])
    at_b = jnp.stack([provenance.value_at(root, writes_b, values_b, p) for p in places])
    merged = merge(test, at_a, at_b)
    counts = isinstance(merged, SoftCount)   # integers mixed by a soft test: an array of expected counts
    merged = unwrap(merged)
    unique = all(p.apart(q) for p, q in itertools.combinations(places, 2))
    out = root.astype(merged.dtype).at[tuple(jnp.stack([p.vector for p in places]).T)].set(
        merged, unique_indices=unique, mode="promise_in_bounds" if unique else None)
    if out.dtype == root.dtype:
        provenance.remember(out, root, list(places), list(merged))
    return SoftCount(out) if counts else out


def merge_states(test: Any, a: tuple, b: tuple, names: tuple[str, ...]) -> tuple:
    """`merge` over the state tuples two branches return, one name per variable."""
    return tuple(merge(test, x, y, n) for x, y, n in zip(a, b, names))

