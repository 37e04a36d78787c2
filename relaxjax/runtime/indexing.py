"""Reading and writing elements: `a[i]`, `a[i][j]`, `a[i, j]`, `a[i] = v`.

| index | read `a[i]` | write `a[i] = v` |
| --- | --- | --- |
| static int, slice | exact (Python lists stay lists) | exact, on a copy |
| hard traced int | exact (lists become arrays); out of range clamps, as in JAX | exact |
| soft (a float, e.g. an expected count) | `sum_j w_j a[j]`, `w_j = P(round(i + e) = j)` | `a[j] = w_j v + (1 - w_j) a[j]` for every j |
| a `SoftIndex` (a relaxed argmin / argmax) | the same, with its own weights `w_j` | the same |

In mode "sampled" a soft index reads or writes one position, drawn with the weights `w_j`.

A list or array of truth values some of which are probabilities is a SoftBool of probabilities:
`visited[u] = True` with a soft `u` makes `visited[v]` the probability that v was visited.

Lists and arrays are values: `a[i] = v` rebinds `a` to an updated copy, so a second name bound to the
same list does not see the change (CPython would). Writing a float into an integer array promotes the
array to float (as a Python list would hold the float), never truncates.
"""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from relaxjax.runtime import (context, fed_reads, heaps, position_arrays, positions, provenance, relaxations,
                              sampling)
from relaxjax.runtime.errors import IndexOutOfRangeError, RelaxError
from relaxjax.runtime.filtered import Kept
from relaxjax.runtime.trace import always_runs
from relaxjax.runtime.values import (EXPECTED, BoundedInt, Heap, SoftBool, SoftCount, SoftIndex, Undefined, as_float,
                                     is_boollike, is_floating, is_integral, is_number, is_static, static_bounds,
                                     unwrap)


def stackable(value: Any) -> bool:
    """Whether a (nested) list holds numbers of one shape, so that it can become one array."""
    if isinstance(value, (list, tuple)):
        if not value or not all(stackable(v) for v in value):
            return False
        shapes = {jnp.shape(as_array(v)) if isinstance(v, (list, tuple)) else positions.shape_of(v) for v in value}
        return len(shapes) == 1
    return is_number(value) and not isinstance(value, Undefined)


def _python_numbers(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_python_numbers(v) for v in value)
    return isinstance(value, (bool, int, float))


def as_array(value: Any) -> Any:
    """A (nested) list of numbers as one array; arrays pass through. A list of truth values of which
    some are probabilities becomes one SoftBool of probabilities."""
    if isinstance(value, (list, tuple)):
        if not stackable(value):
            raise RelaxError("a list is indexed with a traced index, which needs it as one array, but its "
                             "elements are not numbers of one shape")
        if _python_numbers(value):
            return jnp.asarray(value)   # one constant, not one traced op per element
        if any(isinstance(v, SoftIndex) for v in value):   # a list of positions: an array of them
            whole = _reassembled_positions(value)
            if whole is not None:
                return whole
            stacked = positions.stacked([as_array(v) if isinstance(v, list) else v for v in value])
            if stacked is not None:
                return stacked
        parts = [as_array(v) for v in value]
        whole = provenance.reassembled(parts)
        if whole is not None:
            return whole
        if any(isinstance(p, SoftBool) for p in parts) and all(is_boollike(p) for p in parts):
            probs = [p.prob if isinstance(p, SoftBool) else jnp.asarray(p) for p in parts]
            dtype = jnp.result_type(*probs, float)
            return SoftBool(jnp.stack([jnp.asarray(p, dtype) for p in probs]))
        if any(isinstance(p, SoftCount) for p in parts) and all(is_integral(p) for p in parts):
            return SoftCount(jnp.stack([as_float(p) for p in parts]))
        parts = [unwrap(p) for p in parts]
        dtype = jnp.result_type(*parts)
        return jnp.stack([jnp.asarray(p, dtype) for p in parts])
    if isinstance(value, (Undefined, Heap)):
        value.fail()
    if isinstance(value, (SoftBool, SoftCount)):
        return value
    return jnp.asarray(unwrap(value))


def _reassembled_positions(value: list) -> SoftIndex | None:
    """`[a[0], a[1], ...]` (or `[a[r][c] for r ... for c ...]`), each element an exact read of one
    array of positions `a`, as `a` itself (reshaped), not one read per element."""
    if not all(type(v) is SoftIndex and v.offset == value[0].offset for v in value):
        return None
    whole = provenance.reassembled([v.weights for v in value])
    return None if whole is None else SoftIndex(whole, value[0].offset)


def _is_soft_index(i: Any) -> bool:
    return isinstance(i, SoftIndex) or (not context.current().hard and is_floating(i))


def _drawn(parts: tuple, shape: tuple) -> tuple:
    """In sampled mode, each floating index replaced by a position drawn from its soft index weights."""
    if not context.current().sampled:
        return parts
    return tuple(sampling.draw_position(positions.axis_weights(i, shape[axis])) if is_floating(i) else i
                 for axis, i in enumerate(parts))


_TRACED_SLICE = ("a slice with a traced bound (`a[i:j]`, `a[k:]`) has a length known only at run time, and "
                 "arrays in a relaxed function have static shapes; relaxjax can loop over it (`for y in "
                 "a[i + 1:]`), `sum` it and take its `len` where its bounds are loop indices or static; otherwise "
                 "loop over the whole static range and skip the other positions with `if` (`for j in "
                 "range(len(a)): if j >= k: ...`)")


class Window:
    """`a[start:stop:step]` with a bound known only at run time (a loop index: `a[i + 1:]`, `a[i:i + k]`):
    a `for` loop runs over it masked, as over a range with a traced bound, reading `a[k]` at each step;
    `sum` and `len` take it too. Anything else is an error naming the line."""

    __slots__ = ("array", "start", "stop", "step")

    def __init__(self, array: Any, start: Any, stop: Any, step: int):
        self.array, self.start, self.stop, self.step = array, start, stop, step

    def fail(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RelaxError(_TRACED_SLICE)

    __bool__ = __len__ = __iter__ = __getitem__ = __jax_array__ = __float__ = __int__ = __index__ = fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __neg__ = fail
    __lt__ = __le__ = __gt__ = __ge__ = fail


def _window(a: Any, s: slice) -> Window:
    """The window `a[s]` of a slice with a traced bound, or the error where its bounds are not known to be
    non-negative (negative ones count from the end, at a place known only at run time)."""
    arr = as_array(a) if isinstance(a, (list, tuple)) else a
    size = jnp.shape(unwrap(arr))[0] if jnp.ndim(unwrap(arr)) else None
    step = 1 if s.step is None else s.step
    if size is None or not is_static(step) or step <= 0:
        raise RelaxError(_TRACED_SLICE)
    bounds = []
    for value, default in ((s.start, 0), (s.stop, size)):
        if value is None:
            value = default
        known = static_bounds(value)
        if known is None or known[0] < 0:
            raise RelaxError(_TRACED_SLICE)
        if known[1] > size:   # Python clamps a slice's bounds to the list
            value = BoundedInt(jnp.minimum(unwrap(value), size), min(known[0], size), size)
        bounds.append(value)
    return Window(arr, bounds[0], bounds[1], step)


def _check_index(i: Any) -> None:
    if isinstance(i, Undefined):
        i.fail()
    if isinstance(i, slice):
        if not all(is_static(b) for b in (i.start, i.stop, i.step)):
            raise RelaxError(_TRACED_SLICE)
        return
    if isinstance(i, float) or (is_floating(i) and context.current().mode == "hard"):
        raise RelaxError(f"an index must be an integer, got a {type(i).__name__} "
                         f"(in hard mode, as in Python, floats cannot index)")


def traced_key(container: Any) -> None:
    """Raise the error for a dict or set looked up by a traced key."""
    kind = type(container).__name__
    raise RelaxError(f"a {kind} keyed by a traced value has no meaning while tracing (a traced value has no "
                     f"hash, and which key it is depends on the input); key the {kind} by static values "
                     f"(strings, Python ints), or, for keys that are small ints, use a list indexed by the "
                     f"key: `seen = [0] * size; seen[x] = i`")


def getitem(a: Any, index: Any) -> Any:
    """`a[index]` (`index` a tuple for `a[i, j]`)."""
    if isinstance(a, Undefined):
        a.fail()
    parts = index if isinstance(index, tuple) else (index,)
    if isinstance(a, Heap):
        if not (isinstance(index, int) and index == 0):
            raise RelaxError("a heap of traced values is read only at `h[0]`, its smallest item (its other "
                             "places depend on the order of pushes)")
        return heaps.peek(a)
    if isinstance(a, (dict, set)) and not is_static(index):
        traced_key(a)
    if isinstance(index, slice) and not all(is_static(b) for b in (index.start, index.stop, index.step)):
        return _window(a, index)
    for i in parts:
        _check_index(i)
    if positions.is_array(a):
        _check_in_range(parts, positions.shape_of(a))
        element = position_arrays.read(a, parts)
        if element is not None:
            return element
        a = SoftCount(unwrap(a)) if isinstance(a, SoftIndex) else unwrap(a)
    if all(is_static(i) for i in parts):
        if isinstance(a, (list, tuple, str, dict, range)) or is_static(a):
            item = a[index]
            if isinstance(item, Kept):   # an item of a list filtered at run time: where it sits depends on data
                item.fail()
            return item
        if isinstance(a, SoftBool):
            return SoftBool(jnp.asarray(a.prob)[index])
        if isinstance(a, SoftCount):
            return SoftCount(getitem(a.value, index))
        arr = jnp.asarray(a)
        _check_in_range(parts, arr.shape)
        result = _integer_read(arr, parts) if all(type(i) is int for i in parts) else arr[index]
        if all(type(i) is int and 0 <= i < n for i, n in zip(parts, arr.shape)):
            provenance.remember_read(result, arr, parts)
        return result
    fed = fed_reads.lookup(a, parts[0])
    if fed is not None:
        _check_in_range(parts[:1], jnp.shape(unwrap(as_array(a))))
        return fed if len(parts) == 1 else getitem(fed, parts[1:])
    arr = as_array(a)
    if positions.is_array(arr):   # a list of positions
        return getitem(arr, index)
    parts = _drawn(parts, jnp.shape(unwrap(arr)))
    index = parts if isinstance(index, tuple) else parts[0]
    if isinstance(arr, SoftBool):
        return SoftBool(getitem(arr.prob, index))
    if isinstance(arr, SoftCount):
        return SoftCount(getitem(arr.value, index))
    if any(_is_soft_index(i) for i in parts):
        read = _soft_read(arr, parts)
        return SoftCount(read) if is_integral(arr) else read   # an expectation of the integers read
    _check_in_range(parts, jnp.shape(arr))
    return _integer_read(arr, parts)


def _check_in_range(parts: tuple, shape: tuple) -> None:
    """Raise Python's IndexError for an index known while tracing to fall outside `shape`, where every
    run reads it (a traced decision around the read may skip it: there JAX's clamping stays)."""
    for axis, (i, size) in enumerate(zip(parts, shape)):
        if isinstance(i, bool) or isinstance(i, slice):
            continue
        bounds = static_bounds(i)
        if bounds is None or (-size <= bounds[0] and bounds[1] < size) or not always_runs():
            continue
        reached = bounds[1] if bounds[1] >= size else bounds[0]
        value = f"{i}" if is_static(i) else f"a loop index that reaches {reached}"
        raise IndexOutOfRangeError(f"index out of range: {value} on axis {axis} of length {size}, as Python "
                                   f"raises (an index known only at run time is clamped instead, as JAX does)")


def _integer_read(arr: Any, parts: tuple) -> Any:
    """`arr[parts]` for integer indices; `d[i][j]` is read as `d[i, j]`, one dynamic slice of `d`, and a
    second read of the same element is the first one (each read costs a pass over `d` backward)."""
    source, prefix = provenance.chain_of(arr)
    index = prefix + parts
    earlier, remember = provenance.same_read(source, index)
    if earlier is not None:
        return earlier
    result = source[tuple(unwrap(i) for i in index)]
    remember(result)
    provenance.remember_chain(result, source, index)
    return result


def _soft_read(arr: Any, parts: tuple) -> Any:
    for axis, i in enumerate(parts):
        if _is_soft_index(i):
            w = positions.axis_weights(i, arr.shape[axis])
            moved = jnp.moveaxis(arr, axis, -1)
            arr = jnp.moveaxis(relaxations.weighted_sum(w, moved, axis=-1)[..., None], -1, axis)
    return arr[tuple(0 if _is_soft_index(i) else unwrap(i) for i in parts)]


def setitem(a: Any, path: tuple, value: Any) -> Any:
    """`a[path[0]][path[1]]... = value`, returning the updated copy of `a`.

    Each element of `path` is one subscript; a tuple element is a multi-index (`a[i, j] = v`).
    """
    if isinstance(a, Undefined):
        a.fail()
    if isinstance(a, Heap):
        raise RelaxError("a heap of traced values changes only through `heapq` (its places depend on the order "
                         "of pushes)")
    head, rest = path[0], path[1:]
    parts = head if isinstance(head, tuple) else (head,)
    if isinstance(a, dict) and not all(is_static(i) for i in parts):
        traced_key(a)
    for i in parts:
        _check_index(i)
    if isinstance(a, (list, dict)) and all(is_static(i) for i in parts):
        new = a.copy()
        new[head] = setitem(a[head], rest, value) if rest else value
        return new
    if isinstance(a, tuple):
        raise RelaxError("tuples cannot be changed; use a list or an array")
    if positions.is_array(a):
        _check_in_range(parts, positions.shape_of(a))
        flat = tuple(p for step in path for p in (step if isinstance(step, tuple) else (step,)))
        written = position_arrays.write(a, flat, value)   # a[i][j] = v is a[i, j] = v
        if written is not None:
            return written
        a = SoftCount(unwrap(a)) if isinstance(a, SoftIndex) else unwrap(a)
    arr = as_array(a)
    if positions.is_array(arr):   # a list of positions
        return setitem(arr, path, value)
    if rest:
        # a[i][j] = v on an array is a[i, j] = v: one multi-index, so that a soft i weighs only the
        # elements the write touches (updating the row a[i] as a whole would mix every column).
        flat = tuple(p for step in path for p in (step if isinstance(step, tuple) else (step,)))
        if any(isinstance(p, slice) for p in flat):
            raise RelaxError("a slice inside a chain of subscripts (`a[1:3][0] = v`) is not supported in an "
                             "assignment; write one subscript (`a[1, 0] = v`)")
        return setitem(arr, (flat,), value)
    if isinstance(arr, SoftBool) or (isinstance(value, SoftBool) and is_boollike(arr)):
        probs = arr.prob if isinstance(arr, SoftBool) else arr
        return SoftBool(setitem(jnp.asarray(probs, jnp.result_type(probs, float)), path, unwrap(value)))
    if is_boollike(arr) and is_boollike(value) and any(_is_soft_index(i) for i in parts):
        probs = jnp.asarray(arr, jnp.result_type(float))   # truth values written at a soft place: probabilities
        return SoftBool(setitem(probs, path, unwrap(value)))
    if is_integral(arr) and is_integral(value) and (isinstance(arr, SoftCount) or isinstance(value, EXPECTED)
                                                    or any(_is_soft_index(i) for i in parts)):
        return SoftCount(setitem(as_float(arr), path, unwrap(value)))   # integers, one of them expected
    arr = unwrap(arr)
    parts = _drawn(parts, jnp.shape(arr))
    head = parts if isinstance(head, tuple) else parts[0]
    value_arr = jnp.asarray(unwrap(as_array(value) if isinstance(value, (list, tuple)) else value))
    dtype = jnp.result_type(arr, value_arr)
    arr, value_arr = arr.astype(dtype), value_arr.astype(dtype)
    if any(_is_soft_index(i) for i in parts):
        return _soft_write(arr, parts, value_arr)
    _check_in_range(parts, jnp.shape(arr))
    key = tuple(unwrap(i) for i in parts) if isinstance(head, tuple) else unwrap(head)
    result = arr.at[key].set(value_arr)
    where = provenance.position(arr, parts)
    if where is not None:
        root, indices, values = provenance.history(arr)
        if root.dtype == result.dtype:
            provenance.remember(result, root, indices + [where], values + [value_arr])
    return result


def _soft_write(arr: Any, parts: tuple, value: Any) -> Any:
    """a[j...] = w_j v + (1 - w_j) a[j...], with w the product of per-axis position weights."""
    if any(isinstance(i, slice) for i in parts):
        raise RelaxError("a slice together with a soft index is not supported in an assignment")
    weights = positions.element_weights(parts, arr.shape, _is_soft_index, arr.dtype)
    weights = weights.reshape(weights.shape + (1,) * (arr.ndim - len(parts)))
    return relaxations.mix(weights, value, arr)
