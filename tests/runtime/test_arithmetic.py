"""Arithmetic on truth values counts them as ints, as CPython does (runtime/arithmetic.py)."""
import operator
import warnings

import jax.numpy as jnp
import pytest

from relaxjax.runtime import arithmetic
from relaxjax.runtime.values import SoftBool, SoftCount

BOOLS = (False, True)


@pytest.mark.parametrize("name, op", [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul)])
@pytest.mark.parametrize("a", BOOLS)
@pytest.mark.parametrize("b", BOOLS)
def test_binary_on_bool_arrays_is_cpythons(name, op, a, b):
    want = op(a, b)
    for left, right in ((jnp.asarray(a), jnp.asarray(b)), (a, jnp.asarray(b)), (jnp.asarray(a), b)):
        got = getattr(arithmetic, name)(left, right)
        assert jnp.issubdtype(jnp.asarray(got).dtype, jnp.integer) and int(got) == want, (name, left, right, got)
    assert getattr(arithmetic, name)(a, b) == want and type(getattr(arithmetic, name)(a, b)) is int


@pytest.mark.parametrize("name, op", [("neg", operator.neg), ("pos", operator.pos), ("invert", operator.invert)])
@pytest.mark.parametrize("a", BOOLS)
def test_unary_on_bool_arrays_is_cpythons(name, op, a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # ~True is deprecated in Python 3.12
        want = op(a)
    got = getattr(arithmetic, name)(jnp.asarray(a))
    assert jnp.issubdtype(got.dtype, jnp.integer) and int(got) == want


def test_other_operands_run_the_operator_as_written():
    x = jnp.asarray([1.5, 2.0])
    assert arithmetic.add(x, x).tolist() == [3.0, 4.0]
    assert arithmetic.mul(jnp.asarray([True, False]), x).tolist() == [1.5, 0.0]   # bool with a float
    assert arithmetic.add([1], [2]) == [1, 2] and arithmetic.add("a", "b") == "ab"
    assert arithmetic.neg(jnp.asarray(3)) == -3
    assert float(arithmetic.add(x, SoftBool(jnp.asarray(0.25)))[0]) == 1.75   # a float: no count


def test_truth_values_and_counts_add_up_to_expected_counts():
    p, q = SoftBool(jnp.asarray(0.25)), SoftBool(jnp.asarray(0.5))
    count = arithmetic.add(p, q)
    assert isinstance(count, SoftCount) and float(count.value) == 0.75
    assert float(arithmetic.invert(p).value) == -1.25   # E[~b] = -1 - P(b)
    for other in (2, jnp.asarray(2), jnp.asarray(True), count):   # integers keep the mark, either side
        assert isinstance(arithmetic.add(other, count), SoftCount)
        assert isinstance(arithmetic.sub(count, other), SoftCount)
        assert isinstance(arithmetic.mul(other, count), SoftCount)
    assert isinstance(count // 2, SoftCount) and isinstance(-count, SoftCount)
    for other in (0.5, jnp.asarray(0.5)):   # a float: an expectation of no integer
        assert not isinstance(arithmetic.add(count, other), SoftCount)
        assert not isinstance(arithmetic.mul(other, count), SoftCount)
    assert not isinstance(count / 2, SoftCount)
