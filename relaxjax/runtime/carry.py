"""The loop-carried state of a scan: its type (a spec), and conversion to and from array leaves.

`lax.scan` needs a carry of fixed shapes and dtypes, but a relaxed loop body may change the type of a
variable: an int counter that a soft `if` updates becomes a float expectation, `swapped = True` becomes
a SoftBool. The loop operators start from the spec of the initial state, and whenever the body returns
a wider type they `join` the two specs and trace again (a few times at most: joins only widen).

A spec is a tuple:
- `("static", value)`: a Python value the body leaves unchanged; it stays out of the carry.
- `("undef", name)`: a variable with no value yet; it becomes zeros once the body gives it a type.
- `("array", shape, dtype)`, `("soft", shape, dtype)` (a SoftBool's probability) and
  `("count", shape, dtype)` (a SoftCount's expectation): one leaf each.
- `("heap", (capacity,), dtypes, template, integral)`: a `Heap` (heapq on traced values): one leaf per
  column, then its size and count, or for a soft heap (`integral` not None) its presences; a list joined
  with a heap becomes one, an exact heap joined with a soft one becomes soft.
- `("position", shape, dtype, offset)`: a SoftIndex's weights over the positions `offset, offset + 1, ...`;
  `("bounded", shape, dtype, lo, hi)`: a loop index (BoundedInt) in `lo..hi`. A position joined with a
  static int or a bounded int widens its range; joined with other numbers it is its expectation (a count).
- `("seq", type, specs)`: a tuple, or a list whose elements cannot be stacked into one array.
- `("map", keys, specs)`: a dict with static keys.
"""
from __future__ import annotations

from typing import Any, Iterator

import jax.numpy as jnp
import numpy as np

from relaxjax.runtime.errors import RelaxError, StructureError
from relaxjax.runtime.indexing import Window, as_array, stackable
from relaxjax.runtime import heaps, positions
from relaxjax.runtime.values import (BoundedInt, Heap, SoftBool, SoftCount, SoftIndex, Undefined, float_dtype,
                                     is_floating, is_static, unwrap)


def spec_of(value: Any) -> tuple:
    """The spec of one state value."""
    if isinstance(value, Undefined):
        return ("undef", value.name)
    if isinstance(value, Window):   # a slice with a traced bound carried from step to step: no fixed shape
        value.fail()
    if isinstance(value, SoftBool):
        prob = jnp.asarray(value.prob)
        return ("soft", prob.shape, prob.dtype)
    if isinstance(value, SoftCount):
        expected = jnp.asarray(value.value)
        return ("count", expected.shape, expected.dtype)
    if isinstance(value, Heap):
        return ("heap", (value.capacity,), tuple(c.dtype for c in value.columns), value.template, value.integral)
    if isinstance(value, SoftIndex):
        return ("position", value.weights.shape, value.weights.dtype, value.offset)
    if isinstance(value, BoundedInt):
        return ("bounded", jnp.shape(value.value), jnp.asarray(value.value).dtype, value.lo, value.hi)
    if isinstance(value, list):
        bounded = positions.bounded_list(value)
        if bounded is not None:
            return spec_of(bounded)
        if stackable(value) and not _mixed_rows(value):
            arr = as_array(value)
            if isinstance(arr, (SoftBool, SoftCount, SoftIndex)):
                return spec_of(arr)
            return ("array", arr.shape, arr.dtype)
        return ("seq", list, tuple(spec_of(v) for v in value))
    if isinstance(value, tuple):
        return ("seq", tuple, tuple(spec_of(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(value), tuple(spec_of(v) for v in value.values()))
    if isinstance(value, BoundedInt):
        value = value.value
    if is_static(value):
        return ("static", value)
    arr = jnp.asarray(value)
    return ("array", arr.shape, arr.dtype)


def _static_array_spec(value: Any) -> tuple | None:
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return ("array", (), jnp.result_type(value))
    return None


def _same(a: tuple, b: tuple) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "static":
        try:
            return type(a[1]) is type(b[1]) and bool(a[1] == b[1])
        except Exception:
            return a[1] is b[1]
    if a[0] == "seq":
        return a[1] is b[1] and len(a[2]) == len(b[2]) and all(map(_same, a[2], b[2]))
    if a[0] == "map":
        return a[1] == b[1] and all(map(_same, a[2], b[2]))
    return a == b


def join(a: tuple, b: tuple, name: str = "a variable") -> tuple:
    """The narrowest spec that holds values of both specs (raises when none exists)."""
    if _same(a, b):
        return a
    if a[0] == "undef":
        return b
    if b[0] == "undef":
        return a
    if "heap" in (a[0], b[0]):
        return _join_heaps(a, b, name)
    if "position" in (a[0], b[0]) or "bounded" in (a[0], b[0]):
        return _join_positions(a, b, name)
    if a[0] == "static":
        a = _static_array_spec(a[1]) or _fail(name, a, b)
    if b[0] == "static":
        b = _static_array_spec(b[1]) or _fail(name, a, b)
    if a[0] == "seq" and b[0] == "seq":
        if a[1] is not b[1] or len(a[2]) != len(b[2]):
            _fail(name, a, b)
        return ("seq", a[1], tuple(join(x, y, f"{name}[{i}]") for i, (x, y) in enumerate(zip(a[2], b[2]))))
    if a[0] == "map" and b[0] == "map" and a[1] == b[1]:
        return ("map", a[1], tuple(join(x, y, f"{name}[{k!r}]") for k, x, y in zip(a[1], a[2], b[2])))
    if a[0] in ("seq", "map") or b[0] in ("seq", "map"):
        _fail(name, a, b)
    if a[1] != b[1]:
        raise RelaxError(f"'{name}' changes shape from {a[1]} to {b[1]} inside a loop; a relaxed loop "
                         f"must keep the shapes of its variables")
    dtype = jnp.promote_types(jnp.promote_types(a[2], b[2]), float_dtype())
    if a[0] == "soft" or b[0] == "soft":
        other = b if a[0] == "soft" else a
        if other[0] == "soft" or other[2] == jnp.bool_:
            return ("soft", a[1], dtype)
    if {a[0], b[0]} & {"soft", "count"}:   # truth values and expected counts mixed with integers: counts
        if all(s[0] in ("soft", "count") or not jnp.issubdtype(s[2], jnp.inexact) for s in (a, b)):
            return ("count", a[1], dtype)
        return ("array", a[1], dtype)
    return ("array", a[1], jnp.promote_types(a[2], b[2]))


def _join_heaps(a: tuple, b: tuple, name: str) -> tuple:
    if a[0] != "heap":
        a, b = b, a
    if b[0] in ("array", "seq") or (b[0] == "static" and isinstance(b[1], list)):   # a list: it becomes the heap
        return a
    if b[0] != "heap" or a[3] is not b[3] or len(a[2]) != len(b[2]):
        _fail(name, a, b)
    integral = a[4] if a[4] is not None else b[4]   # soft when either is
    dtypes = tuple(map(jnp.promote_types, a[2], b[2]))
    if integral is not None:
        dtypes = tuple(jnp.promote_types(d, float_dtype()) for d in dtypes)
    return ("heap", (max(a[1][0], b[1][0]),), dtypes, a[3], integral)


def _join_positions(a: tuple, b: tuple, name: str) -> tuple:
    ranges = [_position_range(s) for s in (a, b)]
    shapes = {_element_shape(s) for s in (a, b)}
    if None not in ranges and len(shapes) == 1:
        lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
        shape = shapes.pop()
        if "position" not in (a[0], b[0]):
            if {a[0], b[0]} == {"bounded"} and shape:   # (a scalar's bounds may grow at every trace: i + 1)
                return ("bounded", shape, jnp.promote_types(a[2], b[2]), lo, hi)
        elif positions.fits(lo, hi, shape):
            dtype = jnp.promote_types(next(s[2] for s in (a, b) if s[0] == "position"), float_dtype())
            return ("position", shape + (hi - lo + 1,), dtype, lo)
    return join(*(_without_range(s) for s in (a, b)), name)


def _element_shape(spec: tuple) -> tuple | None:
    if spec[0] == "position":
        return spec[1][:-1]
    return spec[1] if spec[0] == "bounded" else () if spec[0] == "static" else None


def _position_range(spec: tuple) -> tuple[int, int] | None:
    if spec[0] == "position":
        return spec[3], spec[3] + spec[1][-1] - 1
    if spec[0] == "bounded":
        return spec[3], spec[4]
    if spec[0] == "static" and type(spec[1]) is int:
        return spec[1], spec[1]
    return None


def _without_range(spec: tuple) -> tuple:
    """A position as its expectation (a count), a bounded int as an int array."""
    if spec[0] == "position":
        return ("count", spec[1][:-1], spec[2])
    if spec[0] == "bounded":
        return ("array", spec[1], spec[2])
    return spec


def _fail(name: str, a: tuple, b: tuple):
    raise StructureError(f"'{name}' changes from {_describe(a)} to {_describe(b)} inside a loop; a relaxed "
                     f"loop must keep the structure of its variables")


def _describe(spec: tuple) -> str:
    if spec[0] == "static":
        return f"the Python value {spec[1]!r}"
    if spec[0] == "seq":
        return f"a {spec[1].__name__} of length {len(spec[2])}"
    if spec[0] == "map":
        return f"a dict with keys {list(spec[1])}"
    if spec[0] == "heap":
        return "a heap (heapq)"
    return f"an array of shape {spec[1]} and dtype {spec[2]}"


def _mixed_rows(value: list) -> bool:
    """Whether a list holds tuples that mix floats with integers (`(dist, node)`): one array would make
    the integers floats, so they are carried as they are."""
    def floating(x: Any) -> bool:
        return isinstance(x, float) or (not isinstance(x, (int, SoftCount, SoftIndex, SoftBool)) and is_floating(x))
    return any(isinstance(row, tuple) and len({floating(x) for x in row}) > 1 for row in value)


def to_leaves(value: Any, spec: tuple) -> list:
    """The carry leaves of `value` in the layout of `spec` (zeros for a variable with no value yet)."""
    kind = spec[0]
    if kind in ("static", "undef"):
        return []
    if kind == "seq":
        if isinstance(value, Undefined):
            value = spec[1](Undefined(value.name) for _ in spec[2])
        return [leaf for v, s in zip(value, spec[2]) for leaf in to_leaves(v, s)]
    if kind == "map":
        if isinstance(value, Undefined):
            value = {k: Undefined(value.name) for k in spec[1]}
        return [leaf for k, s in zip(spec[1], spec[2]) for leaf in to_leaves(value[k], s)]
    if kind == "heap":
        empty = heaps.empty_like(spec[1][0], spec[2], spec[3], spec[4])
        h = empty if isinstance(value, Undefined) else heaps.as_heap(value, like=empty)
        if spec[4] is not None:
            h = heaps.softened(h, spec[4])
        h = heaps.widened(h, spec[1][0], spec[2])
        if h.soft:
            return [*h.columns, h.presence]
        return [*h.columns, jnp.asarray(h.size, jnp.int32), jnp.asarray(h.count, jnp.int32)]
    if isinstance(value, Undefined):
        return [jnp.zeros(spec[1], spec[2])]
    if isinstance(value, list):
        value = as_array(value)
    if kind == "position":
        lo = spec[3]
        weights = positions.distribution(value, lo, lo + spec[1][-1] - 1, spec[2])
        return [jnp.broadcast_to(weights, spec[1])]
    if isinstance(value, (SoftBool, SoftCount, BoundedInt, SoftIndex)):
        value = unwrap(value)
    return [jnp.broadcast_to(jnp.asarray(value, spec[2]), spec[1])]


def from_leaves(spec: tuple, leaves: Iterator) -> Any:
    """Rebuild a state value from carry leaves (consumes them from the iterator)."""
    kind = spec[0]
    if kind == "static":
        return spec[1]
    if kind == "undef":
        return Undefined(spec[1])
    if kind == "seq":
        return spec[1](from_leaves(s, leaves) for s in spec[2])
    if kind == "map":
        return {k: from_leaves(s, leaves) for k, s in zip(spec[1], spec[2])}
    if kind == "heap":
        columns = [next(leaves) for _ in spec[2]]
        if spec[4] is not None:
            return Heap(columns, None, None, spec[3], next(leaves), spec[4])
        return Heap(columns, next(leaves), next(leaves), spec[3])
    leaf = next(leaves)
    if kind == "position":
        return SoftIndex(leaf, spec[3])
    if kind == "bounded":
        return BoundedInt(leaf, spec[3], spec[4])
    return SoftBool(leaf) if kind == "soft" else SoftCount(leaf) if kind == "count" else leaf


def flatten(values: tuple, specs: tuple) -> list:
    """The leaves of a whole state tuple."""
    return [leaf for v, s in zip(values, specs) for leaf in to_leaves(v, s)]


def unflatten(specs: tuple, leaves: list) -> tuple:
    """The state tuple back from its leaves."""
    it = iter(leaves)
    return tuple(from_leaves(s, it) for s in specs)


def join_states(specs: tuple, values: tuple, names: tuple[str, ...]) -> tuple:
    """Specs widened to also hold `values`."""
    return tuple(join(s, spec_of(v), n) for s, v, n in zip(specs, values, names))


def same_specs(a: tuple, b: tuple) -> bool:
    """Whether two state specs are identical."""
    return len(a) == len(b) and all(map(_same, a, b))
