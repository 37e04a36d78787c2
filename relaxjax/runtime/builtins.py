"""Python builtins inside a relaxed function, and the dispatch of every call.

| builtin | static | hard traced | soft traced (relaxed mode) |
| --- | --- | --- | --- |
| `min(a, b, ...)`, `min(array)` | Python | `jnp.min` | softmin: `sum_i softmax(-beta * x)_i x_i` (two values: the `if` form) |
| `max(...)` | Python | `jnp.max` | softmax-weighted, `softmax(beta * x)` |
| `abs(x)` | Python | `jnp.abs` | the `if` form: `x * tanh(beta * x / 2)` |
| `len(x)` | Python | the static length of the leading axis | the same |
| `range(...)` | Python | a range masked at its largest trip count | an error (a bound may not depend on soft data) |
| `float(x)` | Python | `x` as a float array | the same |
| `int(x)`, `round(x)` | Python | exact | the expected rounding, an expected count with a gradient (rounding.py) |
| `x // k`, `x % k`, `round(x, ndigits)` | Python | exact | exact on the value: piecewise constant, no gradient through it |
| `bool(x)` | Python | `x != 0` | `P(x != 0)` |
| `jnp.argmin(a)`, `min(range(n), key=...)` | Python | exact | a `SoftIndex`: softmin weights over positions |
| `sum(...)`, `reversed(...)`, `enumerate`, `zip` | Python | loops over them are scanned | the same |
| `sorted(a)`, `a.sort()` | Python | `jnp.sort` | the relaxed odd-even transposition sort (n passes of compare-swaps) |
| `x in a` (`contains`) | Python | `any(v == x for v in a)` | the same, relaxed: `1 - prod(1 - P(v == x))` |
| `all(...)`, `any(...)` | Python | `and` / `or` of the truth values | `prod(p)`, `1 - prod(1 - p)` |
| `sum(e for x in a if c)`, `len([...])`, `max(...)` of a comprehension filtered at run time | Python | over the kept items | expectations: see filtered.py |
| `str(x)`, `repr(x)`, f-strings | Python | an error naming the line | the same |
"""
from __future__ import annotations

import bisect
import builtins
import heapq
import random
import types
from typing import Any, Callable, Iterator

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import arithmetic, context, filtered, heaps, relaxations, rounding, sampling
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.conditionals import and_, or_
from relaxjax.runtime.indexing import Window, as_array, getitem, traced_key
from relaxjax.runtime.library import holds_traced, library_call
from relaxjax.runtime.logic import eq, not_, truth
from relaxjax.runtime.trace import always_runs
from relaxjax.runtime.loops.iteration import Enumerate, Zip, masked_steps, range_
from relaxjax.runtime.values import (Heap, SoftBool, SoftCount, SoftIndex, Undefined, as_float, float_dtype,
                                     is_floating, is_integral, is_static, unwrap)


def _extremum(args: tuple, kwargs: dict, python: Callable, sign: float, name: str) -> Any:
    items = args[0] if len(args) == 1 else args
    if isinstance(items, types.GeneratorType):
        items = builtins.list(items)
    if isinstance(items, list) and filtered.has_kept(items) and not kwargs:
        return filtered.extremum(items, sign)
    key = kwargs.get("key")
    if key is not None and set(kwargs) == {"key"}:
        return _extremum_by_key(list(items), key, python, sign)
    if kwargs:
        return python(*args, **kwargs)
    if isinstance(items, Undefined):
        items.fail()
    if len(args) == 1 and not isinstance(items, (list, tuple)):
        if is_static(items):
            return python(items)
        values = jnp.asarray(unwrap(items))
        if values.ndim == 0:
            raise TypeError(f"'{name}' of a 0-d array: pass several values or an array")
    else:
        if all(is_static(v) for v in items):
            return python(items)
        parts = [jnp.asarray(unwrap(v if not isinstance(v, (list, tuple)) else as_array(v))) for v in items]
        dtype = jnp.result_type(*parts)
        shape = jnp.broadcast_shapes(*[p.shape for p in parts])
        values = jnp.stack([jnp.broadcast_to(p.astype(dtype), shape) for p in parts])
    opts = context.current()
    if opts.sampled and jnp.issubdtype(values.dtype, jnp.floating):
        position = sampling.draw_extremum(sign * values, opts.beta, opts.dist)
        return jnp.take_along_axis(values, position[None], axis=0)[0]
    if opts.hard or not jnp.issubdtype(values.dtype, jnp.floating):
        return jnp.min(values, axis=0) if sign > 0 else jnp.max(values, axis=0)
    weights = relaxations.softmin_weights(sign * values, opts.beta, axis=0, dist=opts.dist)
    out = relaxations.weighted_sum(weights, values, axis=0)
    counts = isinstance(items, (list, tuple)) and any(isinstance(v, SoftCount) for v in items) \
        and all(is_integral(v) for v in items)
    return SoftCount(out) if counts else out   # the least of integers is an integer


def _extremum_by_key(items: list, key: Callable, python: Callable, sign: float) -> Any:
    """`min(items, key=f)`: relaxed, the item whose key is smallest as a distribution over the items.

    Over positions (`min(range(n), key=lambda j: a[j])`) the result is a `SoftIndex`; over other items
    (numbers, or rows: `max(pairs, key=lambda p: p[1])`) it is their expectation under the softmin
    weights of their keys.
    """
    keys = [call(key, item) for item in items]   # `key=abs` relaxed, a function of the user's converted
    opts = context.current()
    if all(is_static(k) for k in keys):
        return python(items, key=key)
    over_positions = all(type(i) is int for i in items) and items == list(range(len(items)))
    stacked = as_array(list(items)) if not over_positions else None
    if not any(is_floating(k) for k in keys) or (opts.hard and not opts.sampled):
        values = jnp.stack([jnp.asarray(unwrap(k)) for k in keys])
        best = jnp.argmin(values) if sign > 0 else jnp.argmax(values)
        return best if over_positions else jnp.asarray(unwrap(stacked))[best]
    scores = sign * jnp.stack([as_float(k) for k in keys])
    if opts.sampled:
        position = sampling.draw_extremum(scores, opts.beta, opts.dist)
        return position if over_positions else as_float(stacked)[position]
    weights = relaxations.softmin_weights(scores, opts.beta, dist=opts.dist)
    if over_positions:
        return SoftIndex(weights)
    values = as_float(stacked)   # the items mixed by the weights of their keys (rows: row by row)
    return relaxations.weighted_sum(weights.reshape(weights.shape + (1,) * (values.ndim - 1)), values)


def argmin_(a: Any, axis: Any = None, **kwargs: Any) -> Any:
    """`jnp.argmin(a)`; relaxed (a 1-D floating array): a `SoftIndex` with softmin weights."""
    return _arg_extremum(jnp.argmin, a, axis, kwargs, 1.0)


def argmax_(a: Any, axis: Any = None, **kwargs: Any) -> Any:
    """`jnp.argmax(a)`; relaxed (a 1-D floating array): a `SoftIndex` with softmax weights."""
    return _arg_extremum(jnp.argmax, a, axis, kwargs, -1.0)


def _arg_extremum(exact: Callable, a: Any, axis: Any, kwargs: dict, sign: float) -> Any:
    values = jnp.asarray(unwrap(as_array(a) if isinstance(a, (list, tuple)) else a))
    opts = context.current()
    if opts.sampled and not kwargs and jnp.issubdtype(values.dtype, jnp.floating) and values.ndim == 1:
        return sampling.draw_extremum(sign * values, opts.beta, opts.dist)
    if opts.hard or kwargs or not jnp.issubdtype(values.dtype, jnp.floating) or values.ndim != 1:
        return exact(values, axis=axis, **kwargs)
    return SoftIndex(relaxations.softmin_weights(sign * values, opts.beta, dist=opts.dist))


def min_(*args: Any, **kwargs: Any) -> Any:
    """`min(...)`; relaxed: softmin weights `softmax(-beta * x)` times the values."""
    return _extremum(args, kwargs, builtins.min, 1.0, "min")


def max_(*args: Any, **kwargs: Any) -> Any:
    """`max(...)`; relaxed: softmax weights `softmax(beta * x)` times the values."""
    return _extremum(args, kwargs, builtins.max, -1.0, "max")


def abs_(x: Any) -> Any:
    """`abs(x)`; relaxed: `x * tanh(beta * x / 2)`, the `if` form `x * P(x > 0) - x * P(x < 0)`."""
    if is_static(x):
        return builtins.abs(x)
    opts = context.current()
    if opts.sampled and is_floating(x):
        return sampling.draw_sign(unwrap(x), opts.beta, opts.dist)
    if opts.hard or not is_floating(x):
        return jnp.abs(arithmetic.as_int(unwrap(x)))   # abs(True) is 1
    out = relaxations.soft_abs(jnp.asarray(unwrap(x)), opts.beta, opts.dist)
    return SoftCount(out) if isinstance(x, SoftCount) else out


def len_(x: Any) -> int:
    """`len(x)`: the static length of a list or of an array's leading axis; of a list a comprehension
    filtered at run time, the number kept (relaxed: its expectation)."""
    if isinstance(x, Undefined):
        x.fail()
    if isinstance(x, list) and filtered.has_kept(x):
        return filtered.count(x)
    if isinstance(x, Window):   # a slice with a traced bound: its length, known at run time
        return jnp.maximum(0, (unwrap(x.stop) - unwrap(x.start) + x.step - 1) // x.step)
    if isinstance(x, Heap):   # a heap of traced values: how many items it holds, known at run time
        return heaps.length(x)
    if is_static(x):
        return builtins.len(x)
    shape = jnp.shape(unwrap(x))
    if not shape:
        raise TypeError("len() of a 0-d array")
    return shape[0]


def float_(x: Any = 0.0) -> Any:
    """`float(x)`; a traced value becomes a floating array (a SoftBool its probability)."""
    if is_static(x):
        return builtins.float(x)
    return jnp.asarray(unwrap(x)).astype(jnp.promote_types(jnp.result_type(unwrap(x)), float_dtype()))


def int_(x: Any = 0) -> Any:
    """`int(x)`: truncation toward zero, exact on static and hard values; on a soft value, the expected
    truncation under the comparisons' noise (an expected count, with a gradient: see rounding.py)."""
    if is_static(x):
        return builtins.int(x)
    return rounding.to_integer("trunc", x)


def round_(x: Any, ndigits: Any = None) -> Any:
    """`round(x[, ndigits])`: half to even, as Python; `round(x)` of a soft value is its expected rounding
    (rounding.py), `round(x, ndigits)` of one is exact on the value (no gradient through it)."""
    if is_static(x):
        return builtins.round(x, ndigits)
    if ndigits is None:
        return rounding.to_integer("round", x)
    if isinstance(x, SoftIndex):
        x = x.expected()
    x = jnp.asarray(unwrap(x))
    if ndigits is not None:
        if not is_static(ndigits):
            raise RelaxError("round(x, ndigits) needs a static number of digits")
        return arithmetic.round_digits(x, ndigits) if jnp.issubdtype(x.dtype, jnp.floating) else x
    return x


def bool_(x: Any = False) -> Any:
    """`bool(x)`: the truth value (a probability when `x` is soft)."""
    return truth(x)


def print_(*args: Any, sep: str = " ", end: str = "\n", **kwargs: Any) -> None:
    """`print(...)`: Python's print for static values, `jax.debug.print` when a value is traced."""
    if all(is_static(a) for a in args) or kwargs:
        builtins.print(*args, sep=sep, end=end, **kwargs)
        return
    values = [a.prob if isinstance(a, SoftBool) else unwrap(a) for a in args]
    fmt = sep.join("{}" for _ in values) + ("" if end == "\n" else end)
    jax.debug.print(fmt, *values)


def sum_(iterable: Any, start: Any = 0) -> Any:
    """`sum(...)`: over an array, `jnp.sum` of its leading axis; otherwise Python's sum (a generator of
    soft comparisons adds their probabilities)."""
    if isinstance(iterable, jax.Array) or isinstance(iterable, SoftBool):
        return jnp.sum(unwrap(iterable), axis=0) + start
    if isinstance(iterable, Window):   # a slice with a traced bound: the elements it reaches
        xs, item_and_active, _ = masked_steps(iterable)
        k, active = item_and_active(xs)
        values = jnp.asarray(unwrap(iterable.array))[unwrap(k)]
        mask = active.reshape(active.shape + (1,) * (values.ndim - 1))
        return jnp.sum(jnp.where(mask, values, 0), axis=0) + start
    items = builtins.list(iterable)
    if filtered.has_kept(items):   # a generator filtered at run time: the kept values (relaxed: expected)
        return filtered.total(items, start)
    return builtins.sum(items, start)


def _truth_values(iterable: Any, dropped: bool) -> Iterator[Any]:
    """The truth values `any` (an item a filter drops counts as False) or `all` (`dropped=True`: as True)
    combines."""
    if isinstance(iterable, Undefined):
        iterable.fail()
    if isinstance(iterable, (jax.Array, SoftBool)):
        yield from (truth(getitem(iterable, k)) for k in range(jnp.shape(unwrap(iterable))[0]))
        return
    for x in iterable:
        if not isinstance(x, filtered.Kept):
            yield truth(x)
            continue
        t = truth(x.value)
        yield or_(not_(x.keep), lambda t=t: t) if dropped else and_(x.keep, lambda t=t: t)


def all_(iterable: Any) -> Any:
    """`all(...)`: Python's on static truth values (stopping at the first false one); traced ones combine
    as `and` does: exactly when hard, the product of their probabilities when soft (independence)."""
    return _combined(_truth_values(iterable, dropped=True), and_, True)


def any_(iterable: Any) -> Any:
    """`any(...)`: Python's on static truth values (stopping at the first true one); traced ones combine
    as `or` does: `1 - prod(1 - p)` when soft."""
    return _combined(_truth_values(iterable, dropped=False), or_, False)


def _combined(truths: Iterator[Any], combine: Callable, empty: bool) -> Any:
    result: Any = empty
    for t in truths:
        result = combine(result, lambda t=t: t)
        if result is (not empty):   # decided while tracing: the rest is not looked at, as in Python
            return result
    return result


def reversed_(seq: Any) -> Any:
    """`reversed(...)`: a range stays a (reversed) range, an array is flipped, a list reversed."""
    if isinstance(seq, range):
        return seq[::-1]
    if isinstance(seq, (jax.Array, SoftBool)):
        return getitem(seq, slice(None, None, -1))
    return builtins.list(builtins.reversed(seq))


def list_append(items: Any, value: Any) -> list:
    """`items.append(value)` as `items = items + [value]` (lists are values in a relaxed function)."""
    if isinstance(items, Undefined):
        items.fail()
    if not isinstance(items, list):
        raise RelaxError(f"append to a {type(items).__name__}: only Python lists grow; build a list, or "
                         f"allocate the array at full size and write into it")
    return items + [value]


def list_extend(items: Any, values: Any) -> list:
    """`items.extend(values)` as `items = items + list(values)`."""
    if isinstance(items, Undefined):
        items.fail()
    if not isinstance(items, list):
        raise RelaxError(f"extend on a {type(items).__name__}: only Python lists grow")
    return items + builtins.list(values)


def list_sort(items: Any, key: Any = None, reverse: bool = False) -> Any:
    """`items.sort()` as `items = sorted(items)` (see `sorted_`)."""
    return _sorted(items, key, reverse, "`.sort()`")


def sorted_(items: Any, key: Any = None, reverse: bool = False) -> Any:
    """`sorted(items, key=None, reverse=False)`: Python's for static values. Exact in hard mode (a stable
    sort: numbers, rows such as `(dist, node)` tuples compared element by element, or the items by their
    `key`). Of soft numbers (or soft keys), the relaxed odd-even transposition sort: `n` passes of
    compare-swaps, as relaxjax relaxes that program written in Python, the items moving with their keys;
    drawn in mode "sampled"."""
    return _sorted(items, key, reverse, "`sorted(...)`")


def heap_call(func: Callable, h: Any, *args: Any) -> tuple:
    """`func(h, *args)` for a `heapq` function that changes `h` in place, as `(new h, result)`. Python's
    own on lists of static values; on traced values, the operations of a `Heap`. Any other function
    (one of the user's that happens to share the name) is called as it is."""
    if isinstance(h, Undefined):
        h.fail()
    name = next((n for n in heaps.FUNCTIONS if func is getattr(heapq, n)), None)
    if name is None:
        return h, call(func, h, *args)
    if not isinstance(h, (list, Heap)):
        raise RelaxError(f"`heapq.{name}(...)` on a {type(h).__name__}: a heap is a list")
    if isinstance(h, list) and _all_static([h, *args]):
        h = builtins.list(h)   # a copy: lists are values in a relaxed function
        return h, func(h, *args)
    if name == "heapify":
        return heaps.as_heap(h), None
    if name == "heappush":
        return heaps.push(heaps.as_heap(h, args[0]), args[0]), None
    if name == "heappop":
        return heaps.pop(heaps.as_heap(h))
    if name == "heappushpop":
        return heaps.pop(heaps.push(heaps.as_heap(h, args[0]), args[0]))
    new, item = heaps.pop(heaps.as_heap(h, args[0]))
    return heaps.push(new, args[0]), item


def nsmallest(n: int, iterable: Any, key: Any = None) -> Any:
    """`heapq.nsmallest(n, items, key=)`: `sorted(items, key=key)[:n]` (relaxed on soft data)."""
    return _first(n, sorted_(iterable, key=key), "nsmallest")


def nlargest(n: int, iterable: Any, key: Any = None) -> Any:
    """`heapq.nlargest(n, items, key=)`: `sorted(items, key=key, reverse=True)[:n]`."""
    return _first(n, sorted_(iterable, key=key, reverse=True), "nlargest")


def _first(n: Any, items: Any, name: str) -> Any:
    if not is_static(n):
        raise RelaxError(f"`heapq.{name}(n, ...)` with a traced n: the length of its result must be static")
    return items[:n]


def _all_static(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_all_static(v) for v in value)
    return is_static(value)


def _sorted(items: Any, key: Any, reverse: Any, what: str) -> Any:
    if isinstance(items, (Undefined, Heap)):
        items.fail()
    if not is_static(reverse):
        raise RelaxError(f"{what} with a traced `reverse=`: it must be a Python bool")
    if isinstance(items, (list, tuple)) and _all_static(items):
        return builtins.sorted(items, key=key, reverse=reverse)
    listed = builtins.list(items) if isinstance(items, (list, tuple)) else None
    keys = items if key is None else [call(key, item) for item in (listed if listed is not None else items)]
    rows = listed is not None and builtins.len(listed) > 0 and all(isinstance(v, (list, tuple)) for v in listed)
    key_columns = _columns(keys, what)
    opts = context.current()
    if opts.mode != "hard" and any(jnp.issubdtype(c.dtype, jnp.floating) for c in key_columns):
        if rows or builtins.len(key_columns) != 1:
            raise RelaxError(f"{what} of soft data relaxes numbers sorted by one number each; these are rows "
                             f"compared element by element: write the sorting algorithm itself, comparing what "
                             f"you mean, or sort by one soft key (`key=lambda p: p[0]`)")
        draw = sampling.draw if opts.sampled else None
        values = jnp.asarray(unwrap(as_array(items)))
        out = relaxations.odd_even_sort(key_columns[0], opts.beta, opts.dist, draw,
                                         None if key is None else values)
        return out[::-1] if reverse else out
    n = key_columns[0].shape[0]
    order = jax.lax.sort([(-c.astype(jnp.int32) if c.dtype == jnp.bool_ else -c) if reverse else c
                          for c in key_columns] + [jnp.arange(n)], num_keys=builtins.len(key_columns) + 1)[-1]
    if not rows:
        return jnp.asarray(unwrap(as_array(items)))[order]
    columns = _columns(listed, what)
    return [type(listed[0])(c[order[i]] for c in columns) for i in range(n)]


def _columns(values: Any, what: str) -> list:
    """The columns of a list of numbers (one) or of rows of numbers (one per place in a row)."""
    if isinstance(values, (list, tuple)) and values and all(isinstance(v, (list, tuple)) for v in values):
        if builtins.len({builtins.len(v) for v in values}) != 1:
            raise RelaxError(f"{what} of rows of different lengths: relaxjax sorts rows of one length")
        return [jnp.asarray(unwrap(as_array([row[k] for row in values]))) for k in range(builtins.len(values[0]))]
    column = jnp.asarray(unwrap(as_array(values)))
    if column.ndim != 1:
        return [column[:, k] for k in range(column.shape[1])] if column.ndim == 2 else _too_deep(what)
    return [column]


def _too_deep(what: str) -> Any:
    raise RelaxError(f"{what} of an array of more than two dimensions: Python compares its rows as lists")


def _no_text(what: str) -> RelaxError:
    return RelaxError(f"{what} of a traced value has no value while tracing (the number is known only when "
                      f"the compiled function runs); to see it, pass it to `print(...)` on its own "
                      f"(relaxjax prints traced values with `jax.debug.print`), or return it")


def str_(*args: Any, **kwargs: Any) -> str:
    """`str(x)`: Python's for static values; an error naming the line for a traced one."""
    if not all(is_static(a) for a in args):
        raise _no_text("`str(...)`")
    return builtins.str(*args, **kwargs)


def repr_(x: Any) -> str:
    """`repr(x)`: Python's for static values; an error naming the line for a traced one."""
    if not is_static(x):
        raise _no_text("`repr(...)`")
    return builtins.repr(x)


def format_(x: Any, spec: str = "") -> str:
    """`format(x, spec)`: Python's for static values; an error naming the line for a traced one."""
    if not is_static(x):
        raise _no_text("`format(...)`")
    return builtins.format(x, spec)


def text_of(x: Any) -> Any:
    """A value formatted into an f-string: itself when static; an error naming the line when traced."""
    if not is_static(x):
        raise _no_text("an f-string")
    return x


def list_reverse(items: Any) -> Any:
    """`items.reverse()` as `items = items[::-1]`."""
    if isinstance(items, Undefined):
        items.fail()
    return items[::-1] if isinstance(items, list) else getitem(items, slice(None, None, -1))


def contains(container: Any, item: Any) -> Any:
    """`item in container`: Python's for static values; for an array (a list) `any(x == item for x in
    container)`, relaxed like that `any` (the probability that some element equals `item`); a traced key
    of a dict or set is an error."""
    for x in (container, item):
        if isinstance(x, Undefined):
            x.fail()
    if isinstance(container, (dict, set, frozenset, str)):
        if not is_static(item):
            traced_key(container)
        return item in container
    if isinstance(container, (list, tuple, range)):
        if is_static(item) and all(is_static(x) for x in container):
            return item in container
        size = len(container)
    elif jnp.ndim(unwrap(container)) == 1:
        size = jnp.shape(unwrap(container))[0]
    else:
        raise RelaxError(f"`in` over {type(container).__name__} of shape {jnp.shape(unwrap(container))}: "
                         f"relaxjax compares an item with the elements of a flat list; compare rows "
                         f"element by element")
    return any_(eq(getitem(container, k), item) for k in range(size))


def not_contains(container: Any, item: Any) -> Any:
    """`item not in container`."""
    return not_(contains(container, item))


BUILTINS: dict[Any, Callable] = {
    builtins.min: min_, builtins.max: max_, builtins.abs: abs_, builtins.len: len_,
    builtins.range: range_, builtins.float: float_, builtins.int: int_, builtins.round: round_,
    builtins.bool: bool_,
    builtins.print: print_, builtins.sum: sum_, builtins.reversed: reversed_, builtins.sorted: sorted_,
    builtins.str: str_, builtins.repr: repr_, builtins.format: format_, builtins.all: all_, builtins.any: any_,
    builtins.enumerate: Enumerate, builtins.zip: Zip, jnp.argmin: argmin_, jnp.argmax: argmax_, np.argmin: argmin_,
    np.argmax: argmax_, heapq.nsmallest: nsmallest, heapq.nlargest: nlargest,
}


def call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Every call in a relaxed function: builtins go to their relaxed versions, the rest run as is.

    A call that needs a traced value as a concrete one (a shape, a size) fails naming the user's line.
    """
    return _call(func, args, kwargs, ())


def call_rebinding(rebound: tuple[int, ...], func: Any, *args: Any, **kwargs: Any) -> Any:
    """`a = func(a, ...)`: a call whose result replaces the arguments at positions `rebound`, so a user
    function may change those arguments in place (the caller sees the change, as in Python)."""
    return _call(func, args, kwargs, rebound)


def _call(func: Any, args: tuple, kwargs: dict, rebound: tuple[int, ...]) -> Any:
    if isinstance(func, Undefined):
        func.fail()
    if func in _IN_PLACE and any(map(holds_traced, (*args, *kwargs.values()))):
        where = ("`heapq` runs on traced values where each call is a statement of its own on a variable "
                 "(`heapq.heappush(h, x)`, `x = heapq.heappop(h)`)" if func.__module__.lstrip("_") == "heapq"
                 else "keep the values in an array of fixed size and find the place with a loop")
        raise RelaxError(f"`{func.__module__.lstrip('_')}.{func.__name__}(...)` changes its list in place on traced "
                         f"values, written where relaxjax cannot make the list part of the state (inside a loop it "
                         f"would happen once, silently): {where}")
    owner = getattr(func, "__self__", None)
    if isinstance(owner, jax.Array):   # `a.argmin()`, `a.argmax()`: relaxed like jnp.argmin
        for name, relaxed in (("argmin", argmin_), ("argmax", argmax_)):
            if getattr(func, "__func__", None) is getattr(type(owner), name, None):
                return relaxed(owner, *args, **kwargs)
    if _draws_while_tracing(func):
        name = getattr(func, "__name__", repr(func))
        raise RelaxError(f"`{name}(...)` draws a random number while the function is traced: it would be drawn "
                         f"once, and every call of the compiled function would return that same number. Draw "
                         f"outside and pass the values in as an argument (or draw with `jax.random` from a key "
                         f"you pass in); for the relaxation's own noise, use mode='sampled'")
    try:
        replacement = BUILTINS.get(func)
    except TypeError:  # unhashable callables
        replacement = None
    user = context.current().calls
    if replacement is None and user is not None and user.converts(func):
        return user.call(func, args, kwargs, rebound)
    try:
        return replacement(*args, **kwargs) if replacement is not None else library_call(func, args, kwargs)
    except (jax.errors.ConcretizationTypeError, TypeError) as err:
        if not isinstance(err, jax.errors.ConcretizationTypeError) and "concrete" not in str(err):
            raise
        name = getattr(func, "__name__", repr(func))
        raise RelaxError(f"'{name}(...)' needs a concrete value (a shape, a size, a Python decision) but got "
                         f"traced data; sizes must come from static values such as `len(a)` or Python "
                         f"ints passed as arguments") from err


_IN_PLACE = {heapq.heappush, heapq.heappop, heapq.heapify, heapq.heappushpop, heapq.heapreplace, bisect.insort,
             bisect.insort_left, bisect.insort_right}


def _draws_while_tracing(func: Any) -> bool:
    """Python's `random` and NumPy's random generators: state outside JAX, drawn once while tracing."""
    owner = getattr(func, "__self__", None)
    module = getattr(func, "__module__", None) or ""
    return (module == "random" or module.startswith("numpy.random")
            or isinstance(owner, (random.Random, np.random.RandomState, np.random.Generator)))


def raising(exception: Any) -> Any:
    """The exception of a `raise` statement: raised as written where every run reaches it; under a decision
    made at run time (a traced `if`), whose both branches are traced, an error that says so."""
    if not always_runs():
        raise RelaxError("`raise` under a condition known only at run time: relaxjax traces both branches of "
                         "such an `if`, so it cannot raise only on the inputs where the condition holds. Check "
                         "the condition before calling the relaxed function, or return a value that says so "
                         "(a flag, a sentinel) instead of raising")
    return exception


def repeat(items: list, times: Any) -> list:
    """`[...] * n`: the list repeated `n` times; `n` must be static (it is the list's length)."""
    if isinstance(times, list):
        items, times = times, items
    if not is_static(times):
        raise RelaxError("the length of a list (`[...] * n`) depends on traced data; `n` must be static, "
                         "e.g. `len(a)` or a Python int passed as an argument")
    return items * times
