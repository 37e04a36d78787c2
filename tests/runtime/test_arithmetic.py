"""Arithmetic on truth values counts them as ints, as CPython does (runtime/arithmetic.py)."""
import operator
import warnings

import jax.numpy as jnp
import pytest

from relaxjax.runtime import arithmetic
from relaxjax.runtime.values import SoftBool

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
    assert float(arithmetic.add(SoftBool(jnp.asarray(0.25)), SoftBool(jnp.asarray(0.5)))) == 0.75
    assert float(arithmetic.invert(SoftBool(jnp.asarray(0.25)))) == -1.25   # E[~b] = -1 - P(b)
