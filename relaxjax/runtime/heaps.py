"""`heapq` on traced values: a heap of fixed capacity, exact (hard mode).

| call | a list of static values | a list holding traced values (a `Heap`) |
| --- | --- | --- |
| `heappush(h, x)` | Python's | `x` written into the next free slot (past the capacity: see below) |
| `heappop(h)` | Python's | the smallest item (rows such as `(dist, node)` compared place by place, as Python does); its slot refilled by the last one |
| `heapify(h)`, `heappushpop(h, x)`, `heapreplace(h, x)` | Python's | the list as a heap; push then pop; pop then push |
| `len(h)`, `while h:`, `h[0]` | Python's | the number of items; whether there is one; the smallest |

(`nsmallest` and `nlargest` change nothing: they are `sorted` (builtins.py).)

The compiler turns each such call into `h, result = rj__.heap_call(heapq.heappop, h)` (builtins.py), so
that `h` is part of the state of branches and loops. A heap has `max_iter` slots plus the items the list held when
it became one. Once full, a push drops the largest item (or the pushed one, if larger): the heap still
pops exactly the items Python's would as long as fewer pops than its capacity follow the drop, since each
dropped item was larger than every kept one. `len` counts dropped items; a pop that would need one warns
with `MaxIterWarning`, as a loop cut at `max_iter` does.

Which item is smallest is a hard decision: in modes "relaxed" and "sampled" a heap of floating values is
an error naming the line (write the search over an array, which relaxes: `u = -1; for v in range(n): if
not done[v] and (u == -1 or dist[v] < dist[u]): u = v`). A heap of integers runs exactly in every mode.
"""
from __future__ import annotations

import builtins
from typing import Any

import jax.numpy as jnp

from relaxjax.runtime import context, unfinished
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.values import Heap, SoftBool, Undefined, unwrap

FUNCTIONS = ("heappush", "heappop", "heapify", "heappushpop", "heapreplace")   # those that change their list


def _parts(item: Any) -> list:
    if isinstance(item, Undefined):
        item.fail()
    parts = builtins.list(item) if isinstance(item, (tuple, list)) else [item]
    out = []
    for part in parts:
        value = jnp.asarray(unwrap(part))
        if value.ndim != 0 or isinstance(part, (tuple, list)):
            raise RelaxError("a heap of traced values holds numbers, or rows of numbers such as `(dist, node)`; "
                             f"this item holds {'a list' if isinstance(part, (tuple, list)) else 'an array'}")
        out.append(value)
    return out


def _template(item: Any) -> type:
    return type(item) if isinstance(item, (tuple, list)) else float


def _check_mode(columns: Any) -> None:
    if context.current().mode != "hard" and any(jnp.issubdtype(c.dtype, jnp.floating) for c in columns):
        raise RelaxError("`heapq` on floating values in a relaxed function: which item is smallest is a hard "
                         "decision, which relaxjax cannot relax inside a heap. Run it with mode=\"hard\", or "
                         "write the search over an array, which relaxes (`u = -1; for v in range(n): if not "
                         "done[v] and (u == -1 or dist[v] < dist[u]): u = v`)")


def as_heap(items: Any, first: Any = None, like: Heap | None = None) -> Heap:
    """A list as a `Heap` (a `Heap` as is): `max_iter` free slots past its items, or the capacity and
    dtypes of `like`; `first`, an item about to be pushed, gives the shape of an empty list's items."""
    if isinstance(items, Heap):
        return items
    sample = items[0] if items else first
    if sample is None and like is None:
        raise RelaxError("`heapq` on an empty list: relaxjax needs an item to know what the heap holds")
    template = like.template if like is not None else _template(sample)
    rows = [_parts(v) for v in items]
    width = len(like.columns) if like is not None else len(_parts(sample))
    if any(len(r) != width or _template(v) is not template for r, v in zip(rows, items)):
        raise RelaxError("the items of a heap of traced values must all be numbers, or all rows of one length")
    capacity = like.capacity if like is not None else context.current().max_iter + len(items)
    if capacity < len(items):
        raise RelaxError(f"a list of {len(items)} items meets a heap of {capacity} slots")
    columns = []
    for k in range(width):
        values = [r[k] for r in rows]
        extra = [jnp.asarray(unwrap(_parts(first)[k]))] if first is not None and like is None else []
        dtype = like.columns[k].dtype if like is not None else jnp.result_type(*values, *extra)
        column = jnp.zeros((capacity,), dtype)
        if values:
            column = column.at[:len(values)].set(jnp.stack([v.astype(dtype) for v in values]))
        columns.append(column)
    _check_mode(columns)
    n = jnp.asarray(len(items), jnp.int32)
    return Heap(columns, n, n, template)


def _beyond(dtype: Any, largest: bool) -> Any:
    if jnp.issubdtype(dtype, jnp.floating):
        return -jnp.inf if largest else jnp.inf
    info = jnp.iinfo(jnp.int32 if dtype == jnp.bool_ else dtype)
    return info.min if largest else info.max


def _extreme(h: Heap, largest: bool = False) -> Any:
    """The slot of the smallest (largest) item in use, rows compared place by place."""
    candidates = jnp.arange(h.capacity) < h.size
    for column in h.columns:
        values = column.astype(jnp.int32) if column.dtype == jnp.bool_ else column
        masked = jnp.where(candidates, values, _beyond(values.dtype, largest))
        best = jnp.max(masked) if largest else jnp.min(masked)
        candidates = candidates & (values == best)
    return jnp.argmax(candidates)


def _less(a: list, b: list) -> Any:
    """Whether row `a` < row `b`, as Python compares tuples."""
    less, equal = jnp.asarray(False), jnp.asarray(True)
    for x, y in zip(a, b):
        less = less | (equal & (x < y))
        equal = equal & (x == y)
    return less


def _item(h: Heap, parts: list) -> Any:
    return h.template(parts) if h.template in (tuple, list) else parts[0]


def push(h: Heap, item: Any) -> Heap:
    """`heappush(h, item)`: the item in the next free slot, or, on a full heap, in the slot of the largest
    item if it is smaller than that one."""
    parts = _parts(item)
    if len(parts) != len(h.columns) or _template(item) is not h.template:
        raise RelaxError("an item pushed onto a heap must have the shape of its other items (all numbers, or "
                         "all rows of one length)")
    columns = [c.astype(jnp.result_type(c, p)) for c, p in zip(h.columns, parts)]
    _check_mode(columns)
    full = h.size >= h.capacity
    largest = _extreme(Heap(columns, h.size, h.count, h.template), largest=True)
    slot = jnp.where(full, largest, h.size)
    write = ~full | _less(parts, [c[largest] for c in columns])
    columns = [c.at[slot].set(jnp.where(write, p.astype(c.dtype), c[slot])) for c, p in zip(columns, parts)]
    return Heap(columns, jnp.where(full, h.size, h.size + 1), h.count + 1, h.template)


def pop(h: Heap) -> tuple:
    """`heappop(h)`: `(the heap without its smallest item, that item)`."""
    slot = _extreme(h)
    parts = [c[slot] for c in h.columns]
    last = jnp.maximum(h.size - 1, 0)
    columns = [c.at[slot].set(c[last]) for c in h.columns]
    lost = (h.size == 0) & (h.count > 0)
    unfinished.report(lost, "a heap", text="a heap (heapq) dropped its largest items when it held more than its "
                      "capacity of max_iter plus its first items, and a pop then needed one of them, so the "
                      "result is not the program's; raise max_iter (relax(..., max_iter=N))")
    return Heap(columns, last, jnp.maximum(h.count - 1, 0), h.template), _item(h, parts)


def peek(h: Heap) -> Any:
    """`h[0]`: the smallest item."""
    slot = _extreme(h)
    return _item(h, [c[slot] for c in h.columns])


def widened(h: Heap, capacity: int, dtypes: tuple) -> Heap:
    """`h` with `capacity` slots (at least its own) and columns of `dtypes`."""
    columns = [jnp.pad(c, (0, capacity - c.shape[0])).astype(d) for c, d in zip(h.columns, dtypes)]
    return Heap(columns, h.size, h.count, h.template)



def merged(test: Any, a: Any, b: Any, name: str) -> Heap:
    """`a if test else b` where one of them is a heap (the other a heap, or a list that becomes one)."""
    if isinstance(test, SoftBool):
        raise RelaxError(f"'{name}', a heap of traced values, changes under a soft decision: which items it "
                         f"holds would be a mixture, which a heap cannot hold. Run it with mode=\"hard\", or write "
                         f"the search over an array, which relaxes")
    like = a if isinstance(a, Heap) else b
    a, b = (as_heap(v, like=like) if isinstance(v, list) else v for v in (a, b))
    if not (isinstance(a, Heap) and isinstance(b, Heap)) or a.template is not b.template \
            or len(a.columns) != len(b.columns):
        raise RelaxError(f"'{name}' is a heap on one path and {_describe(a if b is like else b)} on the other")
    capacity = max(a.capacity, b.capacity)
    dtypes = tuple(jnp.result_type(x, y) for x, y in zip(a.columns, b.columns))
    a, b = widened(a, capacity, dtypes), widened(b, capacity, dtypes)
    return Heap([jnp.where(test, x, y) for x, y in zip(a.columns, b.columns)], jnp.where(test, a.size, b.size),
                jnp.where(test, a.count, b.count), a.template)


def _describe(value: Any) -> str:
    if isinstance(value, Heap):
        return "a heap of other items"
    return f"a {type(value).__name__}"


def empty_like(capacity: int, dtypes: tuple, template: type) -> Heap:
    """A heap with no items, `capacity` slots and columns of `dtypes`."""
    zero = jnp.asarray(0, jnp.int32)
    return Heap([jnp.zeros((capacity,), d) for d in dtypes], zero, zero, template)
