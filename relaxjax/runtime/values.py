"""The kinds of value a relaxed program holds, and the small types that mark them.

- static: Python values (ints, floats, bools, lists of them, shapes). Decisions on them are plain Python.
- hard traced: JAX integer or bool arrays. Decisions on them are exact.
- soft traced: floating JAX arrays. Decisions on them are relaxed.

`SoftBool` is a truth value known only as a probability; `SoftCount` an integer known only as its
expectation (a counter that soft `if`s update); `HardFloat` a float computed from hard integers alone
(`i / 2`), decided exactly; `BoundedInt` is a traced loop index that knows its static range (so
`range(n - 1 - i)` has a known largest trip count); `Undefined` stands for a variable that has no value
on some path.
"""
from __future__ import annotations

import numbers
import operator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.generated_names import RESULT
from relaxjax.runtime.errors import RelaxError, UndefinedVariableError


def is_traced(x: Any) -> bool:
    """True for JAX arrays (concrete or tracers) and NumPy arrays, the values that are not static."""
    return isinstance(x, (jax.Array, np.ndarray, np.generic, Heap) + MARKERS)


def is_static(x: Any) -> bool:
    """True for Python values whose decisions run as plain Python while tracing."""
    return not is_traced(x) and not isinstance(x, Undefined)


def is_floating(x: Any) -> bool:
    """True for a traced floating value (soft data in relaxed mode)."""
    if isinstance(x, (SoftBool, SoftIndex, SoftCount)):
        return True
    if isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return jnp.issubdtype(x.dtype, jnp.floating)
    return False


def is_boollike(x: Any) -> bool:
    """Python bools, bool arrays and SoftBools: values that merge into probabilities."""
    if isinstance(x, (bool, np.bool_, SoftBool)):
        return True
    return isinstance(x, (jax.Array, np.ndarray)) and x.dtype == jnp.bool_


def is_number(x: Any) -> bool:
    """Python numbers (bools included) and numeric arrays."""
    if isinstance(x, (numbers.Number,) + MARKERS):
        return True
    return isinstance(x, (jax.Array, np.ndarray, np.generic))


def is_integral(x: Any) -> bool:
    """True for values that hold integers or expectations of integers: Python ints and bools, integer
    and bool arrays, loop indices, `SoftCount`s, `SoftIndex`es and `SoftBool`s (the expectation of a 0/1
    value)."""
    if isinstance(x, (SoftCount, SoftBool, SoftIndex, BoundedInt, numbers.Integral)):
        return True
    if isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return not jnp.issubdtype(x.dtype, jnp.inexact)
    return False


def unwrap(x: Any) -> Any:
    """The plain value behind a marker type (`SoftBool` -> probability, `BoundedInt` -> its array,
    `SoftIndex` -> the expected position, `SoftCount` -> the expectation, `HardFloat` -> its float)."""
    if isinstance(x, SoftBool):
        return x.prob
    if isinstance(x, (SoftCount, HardFloat)):
        return x.value
    if isinstance(x, SoftIndex):
        return x.expected()
    if isinstance(x, BoundedInt):
        return x.value
    if isinstance(x, Undefined):
        x.fail()
    return x


_COUNTING = (operator.add, operator.sub, operator.mul, operator.floordiv, operator.mod)


def _binary(op, reflected=False):
    def method(self, other):
        a, b = (other, self) if reflected else (self, other)
        return arithmetic(op, a, b)
    return method


def arithmetic(op: Any, a: Any, b: Any, compute: Any = None) -> Any:
    """`op(a, b)` (computed by `compute` where given) on the plain values behind markers; a sum,
    difference, product, floor quotient or remainder of integers one of which is known as its
    expectation (`SoftCount`, `SoftBool`) is a `SoftCount`: its comparisons know that integers tie."""
    out = (compute or op)(unwrap(a), unwrap(b))
    if op in _COUNTING and (isinstance(a, EXPECTED) or isinstance(b, EXPECTED)) \
            and is_integral(a) and is_integral(b):
        return SoftCount(out)
    return out


class _NumberLike:
    """Arithmetic on a marker acts on the plain value behind it (as Python's `True + 1 == 2`)."""

    __slots__ = ()
    __add__, __radd__ = _binary(operator.add), _binary(operator.add, True)
    __sub__, __rsub__ = _binary(operator.sub), _binary(operator.sub, True)
    __mul__, __rmul__ = _binary(operator.mul), _binary(operator.mul, True)
    __truediv__, __rtruediv__ = _binary(operator.truediv), _binary(operator.truediv, True)
    __floordiv__, __rfloordiv__ = _binary(operator.floordiv), _binary(operator.floordiv, True)
    __mod__, __rmod__ = _binary(operator.mod), _binary(operator.mod, True)
    __pow__, __rpow__ = _binary(operator.pow), _binary(operator.pow, True)

    def __neg__(self):
        return arithmetic(operator.sub, 0, self)

    def __pos__(self):
        return arithmetic(operator.add, 0, self)

    def __invert__(self):   # ~x is -1 - x for an int, and so for the expectation of a truth value
        value = unwrap(self)
        return arithmetic(operator.sub, -1, self) if jnp.issubdtype(jnp.result_type(value), jnp.floating) \
            else ~value

    def __jax_array__(self):
        return jnp.asarray(unwrap(self))

    @property
    def shape(self):
        return jnp.shape(unwrap(self))

    @property
    def dtype(self):
        return jnp.result_type(unwrap(self))


class SoftBool(_NumberLike):
    """A truth value held as the probability that it is true (a floating array in [0, 1])."""

    __slots__ = ("prob",)

    def __init__(self, prob: Any):
        self.prob = prob

    def __bool__(self):
        raise RelaxError("a soft truth value (a probability) was used where Python needs a concrete "
                         "bool; relaxjax converts `if`, `while`, `and`, `or` and `not` for you, but not "
                         "calls into other code that branch on it")

    def __repr__(self):
        return f"SoftBool({self.prob!r})"


class _Marked(_NumberLike):
    """A plain array (`value`) marked with what relaxjax knows about it."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self):
        return f"{type(self).__name__}({self.value!r})"


class SoftCount(_Marked):
    """An integer known as its expectation (a floating array): a counter that soft `if`s update
    (`votes += 1`), a sum of truth values, an index moved under soft tests (`lo = mid + 1`).

    Arithmetic with integers keeps the mark; comparisons with integers relax at the half-integers
    (`k >= 2` as `k > 1.5`), so a count that is exactly 2 passes `k >= 2` at every `beta`.
    """


class HardFloat(_Marked):
    """A float computed from hard integers alone (`i / 2` of a loop index): hard data, whose comparisons
    and rounding are exact in every mode. Further arithmetic gives a plain float."""


class BoundedInt(_NumberLike):
    """A traced integer with static bounds `lo <= value <= hi` (a loop index over a static range).

    Adding, subtracting or multiplying by static ints keeps the bounds, so a dependent range such as
    `range(n - 1 - i)` knows its largest trip count while tracing.
    """

    __slots__ = ("value", "lo", "hi", "origin")

    def __init__(self, value: Any, lo: int, hi: int, origin: tuple | None = None):
        self.value, self.lo, self.hi = value, lo, hi
        self.origin = origin if origin is not None else (value, 1, 0)   # value == base * scale + shift

    def _affine(self, scale: int, shift: int, value: Any) -> "BoundedInt":
        a, b = self.lo * scale + shift, self.hi * scale + shift
        base, s, t = self.origin
        return BoundedInt(value, min(a, b), max(a, b), (base, s * scale, t * scale + shift))

    def __add__(self, other):
        if _is_static_int(other):
            return self._affine(1, other, self.value + other)
        if isinstance(other, BoundedInt):
            return BoundedInt(self.value + other.value, self.lo + other.lo, self.hi + other.hi)
        return arithmetic(operator.add, self.value, other)

    __radd__ = __add__

    def __sub__(self, other):
        if _is_static_int(other):
            return self._affine(1, -other, self.value - other)
        if isinstance(other, BoundedInt):
            return BoundedInt(self.value - other.value, self.lo - other.hi, self.hi - other.lo)
        return arithmetic(operator.sub, self.value, other)

    def __rsub__(self, other):
        if _is_static_int(other):
            return self._affine(-1, other, other - self.value)
        return arithmetic(operator.sub, other, self.value)

    def __mul__(self, other):
        if _is_static_int(other):
            return self._affine(other, 0, self.value * other)
        return arithmetic(operator.mul, self.value, other)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if _is_static_int(other) and other > 0:
            return BoundedInt(self.value // other, self.lo // other, self.hi // other)
        return arithmetic(operator.floordiv, self.value, other)

    def __mod__(self, other):
        if _is_static_int(other) and other > 0:
            return BoundedInt(self.value % other, 0, other - 1)
        return arithmetic(operator.mod, self.value, other)

    def __neg__(self):
        return self._affine(-1, 0, -self.value)

    def __repr__(self):
        return f"BoundedInt({self.value!r}, lo={self.lo}, hi={self.hi})"


class SoftIndex(_NumberLike):
    """A position known as a distribution: `weights` (over the last axis) of the integers `offset`,
    `offset + 1`, ...: what a relaxed `argmin` or `argmax` returns, and a variable assigned positions
    under soft tests (`best = i`). Indexing with it and comparing it with integers use the weights; in
    arithmetic it is the expected position (a `SoftCount`)."""

    __slots__ = ("weights", "offset")

    def __init__(self, weights: Any, offset: int = 0):
        self.weights, self.offset = weights, offset

    def expected(self) -> Any:
        """sum_j (offset + j) * w_j."""
        places = jnp.arange(self.offset, self.offset + self.weights.shape[-1], dtype=self.weights.dtype)
        return self.weights @ places

    def __repr__(self):
        return f"SoftIndex({self.weights!r}, offset={self.offset})"


MARKERS = (SoftBool, SoftCount, BoundedInt, SoftIndex, HardFloat)   # the types that stand for a plain value
EXPECTED = (SoftBool, SoftCount, SoftIndex)


def _is_static_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def static_bounds(x: Any) -> tuple[int, int] | None:
    """Static `(lo, hi)` of an integer while tracing: a static int's value twice, a `BoundedInt`'s bounds;
    None when unknown."""
    if isinstance(x, BoundedInt):
        return x.lo, x.hi
    return (x, x) if _is_static_int(x) else None


class Heap:
    """A list that `heapq` keeps as a heap, once it holds traced values: `capacity` slots (arrays in
    `columns`, one per place of an item: `(dist, node)` has two), the first `size` of them in use, and
    `count` items in all (more than `size` once it overflowed: heaps.py). `template` is the type of an
    item (`float` for numbers, `tuple` or `list` for rows).

    A soft heap (modes "relaxed" and "sampled" with floating items) has `presence` instead of a size: the
    probability that each slot holds its item (its columns then floating; `integral` says which were
    integers), and `size` and `count` are None."""

    __slots__ = ("columns", "size", "count", "template", "presence", "integral")

    def __init__(self, columns: tuple, size: Any, count: Any, template: type, presence: Any = None,
                 integral: tuple | None = None):
        self.columns, self.size, self.count, self.template = tuple(columns), size, count, template
        self.presence, self.integral = presence, integral

    @property
    def soft(self) -> bool:
        """Whether the heap holds items with probabilities (`presence`)."""
        return self.presence is not None

    @property
    def capacity(self) -> int:
        """The number of slots."""
        return self.columns[0].shape[0]

    def fail(self, *_args: Any, **_kwargs: Any) -> Any:
        """Raise the error for a use of a heap other than through heapq, `h[0]`, `len(h)` and its truth."""
        raise RelaxError("a heap of traced values (a list that heapq changed) is used as a list: its items and "
                         "their number are known only at run time, and its order is heapq's own. Use it through "
                         "heapq (`x = heapq.heappop(h)`), `h[0]`, `len(h)` and `while h:`; to return or loop over "
                         "its items, pop them into a list of static length")

    __iter__ = __jax_array__ = __float__ = __int__ = __index__ = fail

    def __repr__(self):
        return f"Heap({self.columns!r}, size={self.size!r}, count={self.count!r})"


class Undefined:
    """The value of a variable that has not been assigned on the path that reaches a use.

    Any use raises `UndefinedVariableError` naming the variable and the user's line; `where` is the
    `if` or loop (file:line) after which it has no value on every path, when known.
    """

    __slots__ = ("name", "where")

    def __init__(self, name: str, where: str | None = None):
        self.name, self.where = name, where

    def fail(self, *_args, **_kwargs):
        after = f" after {self.where}" if self.where else ""
        if self.name == RESULT:
            raise UndefinedVariableError(
                f"a path of the function ends without `return`{after}; a relaxed function with early "
                f"returns must return a value on every path (CPython would return None there)")
        raise UndefinedVariableError(
            f"variable '{self.name}' is used where it has no value on every path{after} (it is assigned "
            f"only in some branches, or only inside a loop that may run no step); assign it before this point")

    __bool__ = __len__ = __iter__ = __getitem__ = __call__ = __jax_array__ = fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = fail
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = fail
    __lt__ = __le__ = __gt__ = __ge__ = __index__ = __float__ = __int__ = fail

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self.fail()

    def __repr__(self):
        return f"Undefined({self.name!r})"


jax.tree_util.register_pytree_node(SoftBool, lambda s: ((s.prob,), None), lambda _, c: SoftBool(c[0]))
jax.tree_util.register_pytree_node(SoftCount, lambda s: ((s.value,), None), lambda _, c: SoftCount(c[0]))
jax.tree_util.register_pytree_node(SoftIndex, lambda s: ((s.weights,), s.offset),
                                   lambda offset, c: SoftIndex(c[0], offset))
jax.tree_util.register_pytree_node(Heap, lambda h: ((h.columns, h.size, h.count, h.presence),
                                                    (h.template, h.integral)),
                                   lambda aux, c: Heap(c[0], c[1], c[2], aux[0], c[3], aux[1]))
jax.tree_util.register_pytree_node(HardFloat, lambda s: ((s.value,), None), lambda _, c: HardFloat(c[0]))


def float_dtype() -> Any:
    """The default floating dtype (float64 with `jax_enable_x64`, else float32)."""
    return jnp.result_type(float)


def as_float(x: Any) -> Any:
    """`x` as a floating array (ints and bools become their value, a SoftBool its probability)."""
    x = jnp.asarray(unwrap(x))
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(float_dtype())
