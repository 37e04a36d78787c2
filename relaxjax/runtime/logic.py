"""Comparisons, truth values and `not` (`and` / `or` are conditional expressions: conditionals.py).

| source | static | hard traced | soft traced (relaxed mode) |
| --- | --- | --- | --- |
| `a < b` (`lt`) | Python | `jnp.less` | `SoftBool(sigmoid(beta * (b - a)))` (the noise's CDF) |
| `a == b` (`eq`) | Python | `jnp.equal` | `SoftBool(sech(beta * (a - b) / 2) ** 2)` (its density / density at 0) |
| integers, one an expected count (`SoftCount`) | Python | exact | at half-integers: `k >= c` as `P(k > c - 1/2)`, `k == c` as `P(abs(k - c) < 1/2)` |
| `p == q` for truth values | Python | `jnp.equal` | `p q + (1 - p)(1 - q)` (`!=`: exclusive or) |
| `not p` | Python | `~p` | `1 - p` |
| `p & q`, `p | q`, `p ^ q` | Python | JAX (logical on bools) | `p q`, `p + q - p q`, `p + q - 2 p q` |
| `x is True` (`is_`) | Python | `x` for a bool `x` | `p` (`x is False`: `1 - p`); `is None` static |
| `a and b` | Python (short-circuit) | `b if a else a` | the same, as an expectation: `p * q` for bools |
| `a or b` | Python (short-circuit) | `a if a else b` | `p + q - p * q` for bools |

A comparison is soft when one operand is a floating traced value and the mode is "relaxed"; in
mode "sampled" it is a bool drawn with that probability (sampling.py).
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import jax.numpy as jnp

from relaxjax.runtime import context, heaps, positions, relaxations, sampling
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.values import (BoundedInt, Heap, SoftBool, SoftCount, SoftIndex, Undefined, as_float, is_boollike,
                                     is_floating, is_integral, is_static, is_traced, static_bounds, unwrap)


def _compare(op: Callable, soft: Callable, a: Any, b: Any, same: Any = False, counted: Callable | None = None) -> Any:
    """`op(a, b)`; relaxed by `soft`, or by `counted` when both operands are integers one of which is an
    expectation (a `SoftCount`): integers tie for real, so their comparisons relax at the half-integers.
    `same`: whether the two operands are one value (a bool, or a bool array: the same element of one
    array at run time); there the comparison is exact, since under the relaxation's model each value is
    perturbed once."""
    if isinstance(a, Undefined) or isinstance(b, Undefined):
        (a if isinstance(a, Undefined) else b).fail()
    if is_static(a) and is_static(b):
        return op(a, b)
    opts = context.current()
    if (not opts.hard or opts.sampled) and (is_floating(a) or is_floating(b)):
        exact = op(0, 0)
        if a is b or same is True:
            return exact
        p = positions.probability(op, a, b) if isinstance(a, SoftIndex) or isinstance(b, SoftIndex) else None
        if p is not None:   # a distribution over positions: the weight of those where `op` holds
            return sampling.draw(p) if opts.sampled else SoftBool(p)
        if counted is not None and (isinstance(a, SoftCount) or isinstance(b, SoftCount)) \
                and is_integral(a) and is_integral(b):
            soft = counted
        p = soft(jnp.asarray(unwrap(a)), jnp.asarray(unwrap(b)), opts.beta, opts.dist)
        if same is not False:
            p = jnp.where(same, jnp.asarray(float(exact), p.dtype), p)
        return sampling.draw(p) if opts.sampled else SoftBool(p)
    return op(jnp.asarray(unwrap(a)), jnp.asarray(unwrap(b)))


def same_place(a: Any, p: tuple, q: tuple) -> Any:
    """Whether the index paths `p` and `q` (`(i, j)` of `a[i][j]`) name the same element of `a` (`-1` and
    `len(a) - 1` do): a bool, or a bool array for traced hard indices; False where it cannot tell
    (slices, soft indices, a list of lists)."""
    shape = _shape(a)
    if shape is None or len(p) != len(q) or len(p) > len(shape):
        return False
    tests = []
    for x, y, size in zip(p, q, shape):
        if x is y:
            continue
        if not (_plain_index(x) and _plain_index(y)):
            return False
        x, y = (v + size if is_static(v) and v < 0 else v for v in (x, y))
        if is_static(x) and is_static(y):
            if x != y:
                return False
            continue
        apart = _apart(x, y)
        if apart is not None:
            if apart:
                return False
            continue
        x, y = (jnp.asarray(unwrap(v)) for v in (x, y))
        x, y = (jnp.where(v < 0, v + size, v) for v in (x, y))
        tests.append(jnp.equal(x, y))
    if not tests:
        return True
    out = tests[0]
    for t in tests[1:]:
        out = jnp.logical_and(out, t)
    return out if out.ndim == 0 else False


def _shape(a: Any) -> tuple | None:
    """The shape of an array, or of a rectangular list of lists; None for a ragged list."""
    if is_traced(a):
        return jnp.shape(unwrap(a))
    if isinstance(a, (list, tuple)):
        inner = [_shape(x) for x in a]
        if any(s is None or s != inner[0] for s in inner):
            return None
        return (len(a),) + (inner[0] if inner else ())
    return ()


def _apart(x: Any, y: Any) -> bool | None:
    """Whether two indices of which one is traced are statically known to differ (True) or to be equal
    (False): `j` and `j + 1` of one loop index, or static bounds that do not overlap; None if unknown.
    Negative values wrap, so only bounds within `0..` decide."""
    bx, by = static_bounds(x), static_bounds(y)
    if bx is not None and by is not None and min(bx[0], by[0]) >= 0 and (bx[1] < by[0] or by[1] < bx[0]):
        return True
    if isinstance(x, BoundedInt) and isinstance(y, BoundedInt) and x.origin[0] is y.origin[0] \
            and x.origin[1] == y.origin[1] and min(x.lo, y.lo) >= 0:
        return x.origin[2] != y.origin[2]
    return None


def _plain_index(x: Any) -> bool:
    """A static int or a hard traced integer (not a slice, a soft index, a tuple)."""
    if isinstance(x, bool) or isinstance(x, Undefined):
        return False
    if isinstance(x, int):
        return True
    return is_traced(x) and not is_floating(x) and jnp.ndim(unwrap(x)) == 0


def _shifted(half: float, flip: bool) -> Callable:
    """P(x + half < y) (or, `flip`, P(y + half < x)): a comparison of integers moved to a half-integer."""
    def p(x: Any, y: Any, beta: Any, dist: Any) -> Any:
        if flip:
            x, y = y, x
        return relaxations.p_less(x + half, y, beta, dist)
    return p


def lt(a: Any, b: Any, same: Any = False) -> Any:
    """`a < b`; relaxed: P(a < b) = sigmoid(beta * (b - a)); False where `same` (one value). Integers one
    of which is an expected count: `a < b - 1/2`."""
    return _compare(operator.lt, relaxations.p_less, a, b, same, _shifted(0.5, False))


def le(a: Any, b: Any, same: Any = False) -> Any:
    """`a <= b`; relaxed: the same value as `a < b` (ties are 1/2); True where `same`. Integers one of
    which is an expected count: `a < b + 1/2`."""
    return _compare(operator.le, relaxations.p_less, a, b, same, _shifted(-0.5, False))


def gt(a: Any, b: Any, same: Any = False) -> Any:
    """`a > b`; relaxed: sigmoid(beta * (a - b)); False where `same`. Integers one of which is an
    expected count: `a > b + 1/2`."""
    return _compare(operator.gt, lambda x, y, beta, dist: relaxations.p_less(y, x, beta, dist), a, b, same,
                    _shifted(0.5, True))


def ge(a: Any, b: Any, same: Any = False) -> Any:
    """`a >= b`; relaxed: the same value as `a > b`; True where `same`. Integers one of which is an
    expected count: `a > b - 1/2`."""
    return _compare(operator.ge, lambda x, y, beta, dist: relaxations.p_less(y, x, beta, dist), a, b, same,
                    _shifted(-0.5, True))


def truth_probability(x: Any) -> Any:
    """The probability of a truth value: a SoftBool's, a bool's or bool array's (as a float), and the
    static numbers 0 and 1 (Python's `True == 1`); None for anything else."""
    if isinstance(x, SoftBool):
        return x.prob
    if is_static(x) and isinstance(x, (int, float)) and x in (0, 1):   # bools too: `p == True` stays static
        return float(x)
    if is_boollike(x):
        return as_float(x)
    return None


def _truth_values_equal(a: Any, b: Any) -> Any:
    """`p == q` where a side is a SoftBool and the other a truth value: the probability that the two
    (independent) events agree, `p q + (1 - p)(1 - q)` (`p == True` is p itself). None otherwise."""
    if not (isinstance(a, SoftBool) or isinstance(b, SoftBool)):
        return None
    p, q = truth_probability(a), truth_probability(b)
    if p is None or q is None:
        other = b if isinstance(a, SoftBool) else a
        return False if is_static(other) and isinstance(other, (int, float)) else None   # True == 2: False
    if is_static(a):
        a, b, p, q = b, a, q, p
    if is_static(b):   # `p == True`, `p == 1`: p itself; `p == 0`: 1 - p
        return a if q == 1 else SoftBool(1 - p)
    return SoftBool(relaxations.mix(p, q, 1 - q))


def eq(a: Any, b: Any, same: Any = False) -> Any:
    """`a == b`; relaxed: sech(beta * (a - b) / 2) ** 2, 1 at equality; True where `same`. Between truth
    values: the probability that they agree (`(a > t) == (b > t)`), so `!=` is their exclusive or."""
    special = _truth_values_equal(a, b)
    if special is not None:
        return special
    return _compare(operator.eq, relaxations.p_equal, a, b, same, relaxations.p_same_integer)


def ne(a: Any, b: Any, same: Any = False) -> Any:
    """`a != b`; relaxed: 1 - (a == b); False where `same`."""
    return not_(eq(a, b, same))


def truth(x: Any) -> Any:
    """The truth value of `x` as Python reads it: a static bool, a hard bool array or a SoftBool.

    A number means `x != 0` (relaxed like any other `!=` when it is soft); a SoftBool is its probability;
    an array, which stands for a list, is true when it is non-empty (known from its shape); an array of
    truth values (elementwise comparisons of lists) is ambiguous, an error.
    """
    if isinstance(x, Undefined):
        x.fail()
    if isinstance(x, SoftBool):
        if jnp.ndim(x.prob) != 0:
            _ambiguous(jnp.shape(x.prob))
        return x
    if isinstance(x, Heap):   # a heap of traced values: whether it holds an item, known at run time
        return heaps.truth(x)
    if is_static(x):
        return bool(x)
    if isinstance(x, SoftCount) and jnp.ndim(x.value) == 0:
        return ne(x, 0)
    x = jnp.asarray(unwrap(x))
    if x.ndim != 0 and x.dtype == jnp.bool_:   # comparisons made element by element (`a == b` of lists)
        _ambiguous(x.shape)
    if x.ndim != 0:   # a list (relaxjax holds lists as arrays): non-empty, as Python reads it
        return x.shape[0] > 0
    if x.dtype == jnp.bool_:
        return x
    return ne(x, 0)


def _ambiguous(shape: tuple) -> None:
    raise RelaxError(f"the truth value of comparisons made element by element (shape {shape}) is "
                     f"ambiguous: lists are arrays inside a relaxed function, so `a == b` compares their "
                     f"elements; compare single elements in a loop, or use `all(...)` / `any(...)` over them")


def not_(x: Any) -> Any:
    """`not x`; relaxed: 1 - P(x)."""
    t = truth(x)
    if isinstance(t, SoftBool):
        return SoftBool(1 - t.prob)
    if isinstance(t, bool):
        return not t
    return jnp.logical_not(t)


def _identity(a: Any, b: Any, negate: bool) -> Any:
    for x in (a, b):
        if isinstance(x, Undefined):
            x.fail()
    if (is_static(a) and is_static(b)) or a is None or b is None:
        return (a is not b) if negate else (a is b)   # a traced value is never None
    if isinstance(a, bool):
        a, b = b, a
    if isinstance(b, bool) and is_boollike(a):
        return truth(a) if b != negate else not_(a)   # CPython's answer for a bool `a`
    kinds = " and ".join(type(x).__name__ for x in (a, b))
    word = "is not" if negate else "is"
    raise RelaxError(f"`{word}` compares the identity of a traced value ({kinds}), which has no meaning "
                     f"while tracing; relaxjax supports `x {word} True`, `x {word} False` for a truth "
                     f"value `x` and `x {word} None`: compare values with `==` or `!=` instead")


def is_(a: Any, b: Any) -> Any:
    """`a is b`: Python's identity for static values and `None`; `x is True` / `x is False` for a truth
    value `x` (hard or soft) mean `x` / `not x`, as CPython gives for bools. Anything else on a traced
    value is an error."""
    return _identity(a, b, negate=False)


def is_not(a: Any, b: Any) -> Any:
    """`a is not b`: the negation of `is_`."""
    return _identity(a, b, negate=True)


def _bitwise(op: Callable, relaxed: Callable, symbol: str) -> Callable:
    def apply(a: Any, b: Any) -> Any:
        if is_static(a) and is_static(b):
            return op(a, b)
        if isinstance(a, SoftBool) or isinstance(b, SoftBool):
            p, q = truth_probability(a), truth_probability(b)
            if p is None or q is None:
                raise RelaxError(f"`{symbol}` between a soft truth value and a number: relaxjax relaxes `&`, `|` "
                                 f"and `^` between truth values (as `and`, `or` and exclusive or)")
            return SoftBool(relaxed(p, q))
        return op(unwrap(a), unwrap(b))
    apply.__doc__ = (f"`a {symbol} b`: Python's for static values, JAX's (bitwise; logical on bools) for traced "
                     f"ones; between truth values one of which is soft, the probability of the event.")
    return apply


bitand = _bitwise(operator.and_, lambda p, q: p * q, "&")
bitor = _bitwise(operator.or_, lambda p, q: p + q - p * q, "|")
bitxor = _bitwise(operator.xor, lambda p, q: p + q - 2 * p * q, "^")
