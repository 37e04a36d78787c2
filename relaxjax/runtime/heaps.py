"""`heapq` on traced values: a heap of fixed capacity, exact in hard mode, soft in relaxed mode.

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

A heap of integers runs exactly in every mode. In mode "relaxed" a heap with floating items is a *soft
heap*: slot j holds its item with probability `presence[j]`, and

- `heappush` writes the item, with probability 1, into the slot least likely to hold one (a push under a
  soft `if` leaves the two branches' heaps to be mixed slot by slot: presences by the branch probability,
  items by their share of the presence). A push that displaces presence above 1/100 warns with
  `MaxIterWarning` (raise `max_iter`);
- `heappop` returns the expected item: slot j is the smallest present item with weight
  `W_j = presence[j] * max(0, 1 - sum_k presence[k] * P(item_k < item_j))` (P the relaxed `<` of the
  first floating place, exact on integer places before it, as Python compares rows), normalised; where
  every W_j is 0 (three or more items tied), `presence[j] * prod_k (1 - presence[k] * P(...))` instead.
  Integer places of the item come out as expected counts. Presences drop by `W * min(1, sum(presence))`,
  so that the expected number of items drops by one;
- `len(h)` is the expected number of items, `sum(presence)`, and `while h:` holds with probability
  `min(1, len(h))`; `h[0]` is the expected smallest item.

As beta grows the soft heap pops what the exact one pops (items tied in their floating place share their
pops). Mode "sampled" refuses a heap of floating values.
"""
from __future__ import annotations

import builtins
from typing import Any

import jax.numpy as jnp

from relaxjax.runtime import context, relaxations, unfinished
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.values import Heap, SoftBool, SoftCount, Undefined, float_dtype, unwrap

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


def _floating(columns: Any) -> bool:
    return any(jnp.issubdtype(c.dtype, jnp.floating) for c in columns)


def _check_mode(columns: Any) -> None:
    if context.current().sampled and _floating(columns):
        raise RelaxError("`heapq` on floating values in mode \"sampled\": a drawn heap is not built; run it "
                         "with mode=\"hard\" or \"relaxed\"")


def _soft_wanted(columns: Any) -> bool:
    opts = context.current()
    return not opts.hard and _floating(columns)


def softened(h: Heap, integral: tuple | None = None) -> Heap:
    """`h` as a soft heap (its slots in use present with probability 1); `integral` overrides which
    columns count as integers."""
    if h.soft:
        return h
    dtype = float_dtype()
    if integral is None:
        integral = tuple(not jnp.issubdtype(c.dtype, jnp.floating) for c in h.columns)
    presence = (jnp.arange(h.capacity) < h.size).astype(dtype)
    return Heap([c.astype(jnp.result_type(c, dtype)) for c in h.columns], None, None, h.template, presence,
                integral)


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
    h = Heap(columns, n, n, template)
    return softened(h, like.integral if like is not None else None) if _soft_wanted(columns) or (
        like is not None and like.soft) else h


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
    if h.soft or _soft_wanted(columns):
        return _soft_push(softened(Heap(columns, h.size, h.count, h.template, h.presence, h.integral)), parts)
    full = h.size >= h.capacity
    largest = _extreme(Heap(columns, h.size, h.count, h.template), largest=True)
    slot = jnp.where(full, largest, h.size)
    write = ~full | _less(parts, [c[largest] for c in columns])
    columns = [c.at[slot].set(jnp.where(write, p.astype(c.dtype), c[slot])) for c, p in zip(columns, parts)]
    return Heap(columns, jnp.where(full, h.size, h.size + 1), h.count + 1, h.template)


def pop(h: Heap) -> tuple:
    """`heappop(h)`: `(the heap without its smallest item, that item)`."""
    if h.soft:
        return _soft_pop(h)
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
    if h.soft:
        return _soft_item(h, _first_weights(h))
    slot = _extreme(h)
    return _item(h, [c[slot] for c in h.columns])


def widened(h: Heap, capacity: int, dtypes: tuple) -> Heap:
    """`h` with `capacity` slots (at least its own) and columns of `dtypes`."""
    columns = [jnp.pad(c, (0, capacity - c.shape[0])).astype(d) for c, d in zip(h.columns, dtypes)]
    presence = None if not h.soft else jnp.pad(h.presence, (0, capacity - h.capacity))
    return Heap(columns, h.size, h.count, h.template, presence, h.integral)


def length(h: Heap) -> Any:
    """`len(h)`: the number of items (a soft heap: the expected number, a `SoftCount`)."""
    return SoftCount(jnp.sum(h.presence)) if h.soft else h.count


def truth(h: Heap) -> Any:
    """`bool(h)`: whether it holds an item (a soft heap: `SoftBool(min(1, len(h)))`)."""
    return SoftBool(_nonempty(h)) if h.soft else h.count > 0


def _nonempty(h: Heap) -> Any:
    """A soft heap's probability of holding an item: its expected number of items, at most 1."""
    return jnp.clip(jnp.sum(h.presence), 0.0, 1.0)


def _soft_push(h: Heap, parts: list) -> Heap:
    slot = jnp.argmin(h.presence)
    unfinished.report(h.presence[slot] > 0.01, "a heap", text="a soft heap (heapq in a relaxed function) "
                      "wrote over an item present with probability above 1/100: it has max_iter plus its first "
                      "items slots, fewer than the pushes that remain likely; raise max_iter "
                      "(relax(..., max_iter=N))")
    columns = [c.at[slot].set(p.astype(c.dtype)) for c, p in zip(h.columns, parts)]
    return Heap(columns, None, None, h.template, h.presence.at[slot].set(1.0), h.integral)


def _p_less(h: Heap) -> Any:
    """P(item k < item j) for every pair of slots [k, j]: rows compared place by place, integer places
    exactly and the first floating place relaxed (a tie there is 1/2)."""
    opts = context.current()
    less, equal = 0.0, 1.0
    for column, integral in zip(h.columns, h.integral):
        a, b = column[:, None], column[None, :]
        if not integral:
            return less + equal * relaxations.p_less(a, b, opts.beta, opts.dist)
        less = less + equal * (a < b)
        equal = equal * (a == b)
    return less


def _first_weights(h: Heap) -> Any:
    """The probability that each slot holds the smallest item, given that the heap holds one: slot j
    present and no present item below it, `presence[j] * (1 - sum_k presence[k] * P(item_k < item_j))`
    (the lower bound of that probability, exact when the items below j exclude one another, as the halves
    of an item popped half are meant to); where every slot's bound is 0 (three or more items tie), the
    product form that takes them as independent."""
    dtype = h.presence.dtype
    eps = jnp.finfo(dtype).eps
    beaten = jnp.where(jnp.eye(h.capacity, dtype=bool), 0.0, h.presence[:, None] * _p_less(h))
    bound = h.presence * jnp.clip(1.0 - jnp.sum(beaten, axis=0), 0.0, 1.0)
    unbeaten = jnp.sum(jnp.log1p(-jnp.clip(beaten, 0.0, 1.0 - eps)), axis=0)
    independent = h.presence * jnp.exp(unbeaten - jnp.max(unbeaten))
    return jnp.where(jnp.sum(bound) > eps, _normalised(bound), _normalised(independent))


def _normalised(weights: Any) -> Any:
    total = jnp.sum(weights)
    usable = total > jnp.finfo(weights.dtype).eps
    return jnp.where(usable, weights / jnp.where(usable, total, 1.0), 0.0)


def _soft_item(h: Heap, weights: Any) -> Any:
    parts = [relaxations.weighted_sum(weights, c) for c in h.columns]
    return _item(h, [SoftCount(p) if integral else p for p, integral in zip(parts, h.integral)])


def _soft_pop(h: Heap) -> tuple:
    weights = _first_weights(h)
    taken = jnp.minimum(h.presence, weights * _nonempty(h))
    new = Heap(h.columns, None, None, h.template, h.presence - taken, h.integral)
    return new, _soft_item(h, weights)



def merged(test: Any, a: Any, b: Any, name: str) -> Heap:
    """`a if test else b` where one of them is a heap (the other a heap, or a list that becomes one); under
    a soft test, a soft heap mixed slot by slot."""
    like = a if isinstance(a, Heap) else b
    a, b = (as_heap(v, like=like) if isinstance(v, list) else v for v in (a, b))
    if not (isinstance(a, Heap) and isinstance(b, Heap)) or a.template is not b.template \
            or len(a.columns) != len(b.columns):
        raise RelaxError(f"'{name}' is a heap on one path and {_describe(a if b is like else b)} on the other")
    if isinstance(test, SoftBool) or a.soft or b.soft:
        integral = (a if a.soft else b).integral if a.soft or b.soft else None
        a, b = softened(a, integral), softened(b, integral)
    capacity = max(a.capacity, b.capacity)
    dtypes = tuple(jnp.result_type(x, y) for x, y in zip(a.columns, b.columns))
    a, b = widened(a, capacity, dtypes), widened(b, capacity, dtypes)
    if a.soft:
        return _soft_merged(test, a, b)
    return Heap([jnp.where(test, x, y) for x, y in zip(a.columns, b.columns)], jnp.where(test, a.size, b.size),
                jnp.where(test, a.count, b.count), a.template)


def _soft_merged(test: Any, a: Heap, b: Heap) -> Heap:
    p = test.prob if isinstance(test, SoftBool) else jnp.asarray(test, a.presence.dtype)
    wa, wb = p * a.presence, (1 - p) * b.presence
    total = wa + wb
    usable = total > jnp.finfo(total.dtype).eps   # below, the slot's item hardly matters
    share = jnp.where(usable, wa / jnp.where(usable, total, 1.0), jnp.asarray(p, total.dtype))
    columns = [relaxations.mix(share, x, y) for x, y in zip(a.columns, b.columns)]
    return Heap(columns, None, None, a.template, total, a.integral)


def _describe(value: Any) -> str:
    if isinstance(value, Heap):
        return "a heap of other items"
    return f"a {type(value).__name__}"


def empty_like(capacity: int, dtypes: tuple, template: type, integral: tuple | None = None) -> Heap:
    """A heap with no items, `capacity` slots and columns of `dtypes` (soft where `integral` is given)."""
    zero = jnp.asarray(0, jnp.int32)
    h = Heap([jnp.zeros((capacity,), d) for d in dtypes], zero, zero, template)
    return h if integral is None else softened(h, integral)
