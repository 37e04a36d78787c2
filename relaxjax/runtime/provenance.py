"""Provenance of arrays within one trace: where an array came from, so that later operations can
work on the few elements that changed instead of on the whole array.

- writes: `setitem` records, for each array it returns, the root array it came from and the writes
  since (places and values, in order). `merge` uses them to mix only the written elements of two
  branch states that share a root, at O(writes) instead of O(size).
- reads: `getitem` with static indices records `(source, index)`, so that stacking `[a[0], a[1], ...]`
  back into one array (a copy by comprehension, `[[d[r][c] for c ...] for r ...]`) is `a` itself
  instead of one traced read per element.
- chains: `getitem` with integer indices, static or traced, records `(source, index)`, so that `d[i][j]`
  reads `d[i, j]` in one operation (its backward pass updates one element instead of adding a row).

Records hold tracers, so they are dropped (`forget`) before and after each trace.
"""
from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context
from relaxjax.runtime.trace import STATE
from relaxjax.runtime.values import static_bounds, unwrap

MAX_WRITES = 16   # past this many writes since the root, a full merge is cheaper than the bookkeeping

try:
    from jax.extend.core import get_opaque_trace_state as _trace_state
except ImportError:   # older JAX: no repeated reads are shared
    _trace_state = None


def history(arr: Any) -> tuple[Any, list, list]:
    """`(root, places, values)`: `arr` is `root` with `values` written at `places`, in this order;
    `(arr, [], [])` when nothing was recorded for `arr` in this trace."""
    hit = STATE.writes.get(id(arr))
    return hit[1:] if hit is not None and hit[0] is arr else (arr, [], [])


def remember(result: Any, root: Any, places: list, values: list) -> None:
    """Record that `result` is `root` with `values` written at `places`, in this order."""
    if len(places) <= MAX_WRITES and context.current().on("provenance"):
        STATE.writes[id(result)] = (result, root, places, values)


def forget() -> None:
    """Drop the records of the previous trace (they hold its tracers)."""
    STATE.writes, STATE.reads, STATE.chains, STATE.same = {}, {}, {}, {}


def remember_read(result: Any, source: Any, index: tuple) -> None:
    """Record that `result` is `source[index]` for static int indices (`a[r][c]` as `a[r, c]`)."""
    if not context.current().on("provenance"):
        return
    table = STATE.reads
    parent = table.get(id(source))
    if parent is not None and parent[0] is source:
        source, index = parent[1], parent[2] + tuple(index)
    table[id(result)] = (result, source, tuple(index))


def _identity(index: Any) -> tuple[Any, Any]:
    """`(id, anchor)`: indices with one id have one value in this trace (a static int, one object, or
    one static affine function of one loop index: `j + 1` computed twice); `anchor` keeps the object
    the id refers to alive while a record holds it."""
    if type(index) is int:
        return index, None
    base, scale, shift = getattr(index, "origin", (index, 1, 0))
    return (id(base), scale, shift), base


def same_read(source: Any, index: tuple) -> tuple[Any, Callable[[Any], None]]:
    """`(earlier, remember)`: the result of an earlier read of `source[index]` in this trace (None if
    none), and a function that records this read's result."""
    if _trace_state is None:
        return None, lambda result: None
    ids, anchors = zip(*map(_identity, index)) if index else ((), ())
    key = (id(source),) + ids
    table = STATE.same
    hit = table.get(key)
    anchors, trace = (source,) + anchors, _trace_state()   # a result is only valid in the trace it was made in
    earlier = (hit[2] if hit is not None and hit[1] == trace and all(a is b for a, b in zip(hit[0], anchors))
               else None)
    return earlier, lambda result: table.__setitem__(key, (anchors, trace, result))


def remember_chain(result: Any, source: Any, index: tuple) -> None:
    """Record that `result` is `source[index]`, `index` integers (static or traced), one per axis."""
    STATE.chains[id(result)] = (result, source, index)


def chain_of(arr: Any) -> tuple[Any, tuple]:
    """`(source, index)` if `arr` was read as `source[index]` in this trace, else `(arr, ())`."""
    hit = STATE.chains.get(id(arr))
    return hit[1:] if hit is not None and hit[0] is arr else (arr, ())


def reassembled(parts: list) -> Any:
    """`source[prefix]` if `parts` are exactly `source[prefix + (0,)], source[prefix + (1,)], ...` over
    a whole axis; `source[prefix]` with its last axes as one if they are `source[prefix + (0, 0)],
    source[prefix + (0, 1)], ...` over whole axes (row by row); else None."""
    table = STATE.reads
    if not table or not parts:
        return None
    hits = [table.get(id(p)) for p in parts]
    if any(h is None or h[0] is not p for h, p in zip(hits, parts)):
        return None
    source, index = hits[0][1], hits[0][2]
    for axes in range(1, len(index) + 1):
        prefix = index[:-axes]
        shape = source.shape[len(prefix):len(index)]
        if int(np.prod(shape)) == len(parts):
            break
    else:
        return None
    if any(s is not source or i[:len(prefix)] != prefix or i[len(prefix):] != place
           for (_, s, i), place in zip(hits, np.ndindex(*shape))):
        return None
    whole = source[prefix] if prefix else source
    if axes > 1:
        return jnp.reshape(whole, (len(parts),) + whole.shape[axes:])
    if prefix:
        remember_read(whole, source, prefix)
    return whole


class Place:
    """One element's position: the index objects as written (`key`; two places are known to be one
    while tracing when their indices have the same identity, see `_identity`) and the index vector."""

    __slots__ = ("key", "ids", "vector", "in_range")

    def __init__(self, key: tuple, vector: Any, shape: tuple):
        self.key, self.vector = key, vector
        self.ids = tuple(_identity(k)[0] for k in key)
        self.in_range = all(b is not None and 0 <= b[0] and b[1] < size
                            for b, size in zip(map(static_bounds, key), shape))

    def same(self, other: Place) -> bool:
        """Whether both name one element whatever the traced values are."""
        return self.ids == other.ids

    def apart(self, other: Place) -> bool:
        """Whether the two name different elements whatever the traced values are (both in range)."""
        return self.in_range and other.in_range and any(
            a != b and (type(a) is int or type(a) is tuple and type(b) is tuple and a[:2] == b[:2])
            for a, b in zip(self.ids, other.ids) if type(a) is type(b))


def position(arr: Any, key: tuple) -> Place | None:
    """The `Place` of the one element `arr[key]` names (`key` one index per axis, as written), or None
    when `key` names more than one."""
    if len(key) != arr.ndim or any(isinstance(k, slice) or jnp.ndim(unwrap(k)) != 0 for k in key):
        return None
    # The element a traced read `arr[key]` reads: negative indices counted from the end, then clamped
    # (a masked step of a loop, past its real range, reads and writes back the same element).
    vector = jnp.stack([jnp.clip(jnp.where(k < 0, k + size, k), 0, size - 1)
                        for k, size in zip(map(jnp.asarray, map(unwrap, key)), arr.shape)])
    return Place(key, vector, arr.shape)


def distinct(places: list) -> list:
    """`places` without repeats of a place known to be the same."""
    out = []
    for p in places:
        if not any(p.same(q) for q in out):
            out.append(p)
    return out


def value_at(root: Any, places: list, values: list, where: Place) -> Any:
    """The element at `where` of `root` after writing `values` at `places`: the last write there,
    else the root's own element. Uses the written values, so the array need not be materialised."""
    same = [k for k, p in enumerate(places) if p.same(where)]
    start = same[-1] + 1 if same else 0
    if same:
        found = values[start - 1]
    else:
        found, remember = same_read(root, where.key)
        if found is None:
            found = root[tuple(where.vector)]
            remember(found)
    for p, v in zip(places[start:], values[start:]):
        found = jnp.where(jnp.all(p.vector == where.vector), v, found)
    return found
