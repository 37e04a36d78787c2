"""Comprehensions and generators with `if` filters: which items a filter keeps may be decided at run time.

The expressions pass rewrites `(e for x in a if c)` into `rj__.filtered((rj__.kept(c, lambda: e) for x in
a), line)` (list comprehensions alike). A filter decided while tracing drops or keeps the item, as
Python does; a traced one gives a `Kept` item, the value with the truth of its filter, which the
reductions read:

| reduction | hard traced filter | soft filter (probability p) |
| --- | --- | --- |
| `sum(...)` | the sum of the kept values | `sum p_i v_i`: the expected sum (of ints: a `SoftCount`) |
| `len([...])` | the number kept | `sum p_i`: the expected count (a `SoftCount`) |
| `any(...)`, `all(...)` | over the kept values | `any`: kept and true; `all`: dropped or true (independent) |
| `max(...)`, `min(...)` | over the kept values | the loop `if keep and x > best: best = x`, relaxed |

Anything else done with a filtered list (indexing it, iterating over it again) would need its length,
which depends on data: an error naming the comprehension's line.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Iterable, Iterator

import jax.numpy as jnp

from relaxjax.runtime import relaxations
from relaxjax.runtime.arithmetic import as_int
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.logic import gt, lt, truth, truth_probability
from relaxjax.runtime.trace import maybe_skipped
from relaxjax.runtime.values import SoftBool, SoftCount, arithmetic, as_float, is_floating, is_integral, unwrap

_DROPPED = object()


class Kept:
    """An item of a comprehension whose filter is decided at run time: `value`, kept with truth `keep`
    (a bool array, or a SoftBool)."""

    __slots__ = ("keep", "value", "where")

    def __init__(self, keep: Any, value: Any, where: str):
        self.keep, self.value, self.where = keep, value, where

    def fail(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RelaxError(f"an item of the comprehension at {self.where}, whose `if` filter is decided at run "
                         f"time: which items it keeps is known only then, so relaxjax only reduces it, with "
                         f"`sum`, `len`, `any`, `all`, `max` or `min`. To keep a list, keep every item and mark "
                         f"the ones the filter drops (`[x if c else 0.0 for x in a]`)")

    __bool__ = __iter__ = __getitem__ = __jax_array__ = __float__ = __int__ = __index__ = fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = fail
    __lt__ = __le__ = __gt__ = __ge__ = __neg__ = fail


def kept(condition: Any, value: Callable[[], Any], where: str = "a comprehension") -> Any:
    """One item of a filtered comprehension: the value where the filter is statically true, nothing where
    it is statically false, else a `Kept`."""
    t = truth(condition)
    if t is True:
        return value()
    if t is False:
        return _DROPPED
    with maybe_skipped():   # computed for every item; only the kept ones count
        return Kept(t, value(), where)


def filtered(items: Iterable) -> Iterator:
    """The items a comprehension's filters keep (a generator's laziness kept)."""
    return (item for item in items if item is not _DROPPED)


def filtered_list(items: Iterable) -> list:
    """A list comprehension's kept items."""
    return [item for item in items if item is not _DROPPED]


def has_kept(items: list) -> bool:
    """Whether a list holds items whose filter is decided at run time."""
    return any(isinstance(item, Kept) for item in items)


def keep_probability(item: Any) -> Any:
    """1 for a plain item; the truth of its filter for a `Kept` one (a bool array or a probability)."""
    return as_float(truth_probability(item.keep)) if isinstance(item, Kept) else 1.0


def total(items: list, start: Any = 0) -> Any:
    """`sum(...)` over items some of which are `Kept`: each counted with its keep probability."""
    out = start
    for item in items:
        out = arithmetic(operator.add, out, _counted(item) if isinstance(item, Kept) else item)
    return out


def _counted(item: Kept) -> Any:
    """What a `Kept` item adds to a sum: its value if kept, else 0 (relaxed: the expectation; of an
    integer, a `SoftCount`)."""
    value = unwrap(item.value)
    if not (isinstance(item.keep, SoftBool) or is_floating(value)):
        return jnp.where(item.keep, value, 0)
    mixed = relaxations.mix(truth_probability(item.keep), as_float(value), 0.0)
    return SoftCount(mixed) if is_integral(item.value) else mixed


def count(items: list) -> Any:
    """`len([...])` over items some of which are `Kept`: the number kept (relaxed: its expectation)."""
    out: Any = 0
    for item in items:
        keep = item.keep if isinstance(item, Kept) else 1
        out = arithmetic(operator.add, out, keep if isinstance(keep, SoftBool) else as_int(keep))
    return out


def truth_pairs(items: list) -> list[tuple[Any, Any]]:
    """`(keep, truth)` for each item: `keep` True for a plain item."""
    return [(item.keep, truth(item.value)) if isinstance(item, Kept) else (True, truth(item)) for item in items]


def extremum(items: list, sign: float) -> Any:
    """`min` (sign 1) or `max` (sign -1) over the kept items, as the loop `best = x if keep and x < best`
    relaxes (exact for hard filters): it starts from the largest (for `min`) of all the values, which the
    result can only improve on while an item is kept, so no infinity enters the mixture."""
    values = [as_float(unwrap(item.value if isinstance(item, Kept) else item)) for item in items]
    best = jnp.max(jnp.stack(values)) if sign > 0 else jnp.min(jnp.stack(values))
    for item, value in zip(items, values):
        better = lt(value, best) if sign > 0 else gt(value, best)
        p = truth_probability(better) if not isinstance(better, bool) else float(better)
        if isinstance(item, Kept):
            p = as_float(truth_probability(item.keep)) * p
        best = relaxations.mix(p, value, best)
    return best
