"""Indexing (static, hard, soft), writes, and the relaxed builtins."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests.helpers import x64
from relaxjax.runtime import (BoundedInt, RelaxError, abs_, getitem, len_, max_, min_, options, range_,
                              setitem)
from relaxjax.runtime.loops import TracedRange
from relaxjax.runtime.relaxations import index_weights, p_less

A = jnp.array([10.0, 20.0, 30.0, 40.0])


def test_static_indexing_keeps_python_lists():
    assert getitem([1, 2, 3], 1) == 2
    assert setitem([[1, 2], [3, 4]], (1, 0), 9) == [[1, 2], [9, 4]]


def test_hard_traced_index_reads_and_writes_exactly():
    i = jnp.asarray(2)
    assert float(getitem(A, i)) == 30.0
    assert setitem(A, (i,), 0.0).tolist() == [10.0, 20.0, 0.0, 40.0]
    assert float(getitem([1.0, 2.0, 3.0], i)) == 3.0


def test_writing_a_float_into_ints_promotes_instead_of_truncating():
    out = setitem(jnp.array([1, 2, 3]), (jnp.asarray(0),), 0.5)
    assert out.tolist() == [0.5, 2.0, 3.0]


def test_soft_index_weights_are_a_distribution_that_sharpens_with_beta():
    w = index_weights(jnp.asarray(1.3), 4, 5.0)
    np.testing.assert_allclose(w.sum(), 1.0, rtol=1e-6)
    assert int(jnp.argmax(w)) == 1
    np.testing.assert_allclose(index_weights(jnp.asarray(1.3), 4, 1e4), [0, 1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(w[0], jax.nn.sigmoid(5.0 * (0.5 - 1.3)), rtol=1e-6)


def test_soft_read_and_write_use_the_weights():
    with options(beta=3.0):
        i = jnp.asarray(2.4)
        w = index_weights(i, 4, 3.0)
        np.testing.assert_allclose(getitem(A, i), w @ A, rtol=1e-6)
        np.testing.assert_allclose(setitem(A, (i,), 0.0), (1 - w) * A, rtol=1e-6)
        m = jnp.arange(8.0).reshape(4, 2)
        np.testing.assert_allclose(setitem(m, (i, 1), 0.0)[:, 0], m[:, 0])   # column 0 untouched


def test_min_max_abs_in_each_mode():
    with options(beta=2.0):
        a = jnp.asarray(1.0)
        np.testing.assert_allclose(min_(a, 3.0), p_less(1.0, 3.0, 2.0) * 1 + p_less(3.0, 1.0, 2.0) * 3, rtol=1e-6)
        np.testing.assert_allclose(max_(A), jax.nn.softmax(2.0 * A) @ A, rtol=1e-6)
        np.testing.assert_allclose(abs_(jnp.asarray(-0.5)), 0.5 * np.tanh(0.5), rtol=1e-6)
    with options(mode="hard"):
        assert float(min_(A)) == 10.0 and float(max_(jnp.asarray(1.0), 3.0, 2.0)) == 3.0
    assert min_(3, 1, 2) == 1 and abs_(-2) == 2 and len_(A) == 4


def test_softmin_ignores_infinite_values():
    with options(beta=1.0):
        assert float(min_(jnp.asarray(jnp.inf), 2.0)) == 2.0
        assert float(min_(jnp.asarray(jnp.inf), jnp.inf)) == jnp.inf


@pytest.mark.parametrize("scale", [1.0, 1e6])
def test_softmin_at_extreme_logits_under_jit_is_exact_and_finite(scale):
    """beta * x up to 1e12 in float32: no NaN from a fused multiply-add rounding differently."""
    from relaxjax.runtime.relaxations import softmin_weights
    x = jnp.asarray([0.3, -1.2, 0.3], jnp.float32) * scale
    weights = jax.jit(softmin_weights)(-x, jnp.float32(1e6))
    np.testing.assert_array_equal(weights, [0.5, 0.0, 0.5])
    grads = jax.jit(jax.jacobian(lambda v: softmin_weights(v, jnp.float32(1e6))))(-x)
    assert np.all(np.isfinite(grads))


def test_softmin_gradient_at_a_tie_is_the_smooth_one():
    from relaxjax.runtime.relaxations import softmin_weights
    jac = jax.jacobian(lambda v: softmin_weights(v, 2.0))(jnp.asarray([1.0, 1.0]))
    np.testing.assert_allclose(jac, [[-0.5, 0.5], [0.5, -0.5]], rtol=1e-6)   # -beta w (1 - w)


@pytest.mark.parametrize("values", [[0.3, -1.2, 2.0], [jnp.inf, 1.0, 2.0], [jnp.inf, jnp.inf, jnp.inf],
                                    [-jnp.inf, 1.0, -jnp.inf]])
def test_softmin_derivatives_are_the_softmax_ones_and_finite_with_infinite_values(values):
    """In beta and in the values, against the derivatives of softmax(-beta * v) over the finite values
    (infinite ones hold weight 0, or share the weight and take no derivative)."""
    from relaxjax.runtime.relaxations import softmin_weights
    v = jnp.asarray(values)
    moment = jnp.arange(1.0, 4.0)
    beta_grad, value_grad = jax.grad(lambda b, x: softmin_weights(x, b) @ moment, argnums=(0, 1))(2.0, v)
    moving = np.isfinite(values) & (np.asarray(softmin_weights(v, 2.0)) > 0)
    expected_beta, expected_values = 0.0, np.zeros(3)
    if moving.any():
        expected_beta, sub = jax.grad(lambda b, x: jax.nn.softmax(-b * x) @ moment[moving], argnums=(0, 1))(
            2.0, v[moving])
        expected_values[moving] = sub
    tol = 1e-10 if x64() else 1e-5
    np.testing.assert_allclose(beta_grad, expected_beta, rtol=tol, atol=tol)
    np.testing.assert_allclose(value_grad, expected_values, rtol=tol, atol=tol)


def test_range_of_soft_data_is_an_error_and_of_hard_data_is_traced():
    with pytest.raises(RelaxError, match="soft"):
        range_(jnp.asarray(3.0))
    assert isinstance(range_(jnp.asarray(3)), TracedRange)
    assert range_(4) == range(4)


def test_bounded_int_propagates_bounds_through_affine_arithmetic():
    i = BoundedInt(jnp.asarray(2), 0, 7)
    j = 7 - 1 - i
    assert (j.lo, j.hi) == (-1, 6) and int(j.value) == 4
    k = (i + 1) % 2
    assert (k.lo, k.hi) == (0, 1) and int(k.value) == 1


def test_a_soft_read_over_an_infinite_entry_has_finite_gradients():
    def read(i, a):
        with options(beta=0.5):
            return getitem(a, i)
    a = jnp.array([1.0, jnp.inf, 2.0])
    assert float(read(jnp.asarray(0.2), a)) == jnp.inf
    gi, ga = jax.grad(read, argnums=(0, 1))(jnp.asarray(0.2), a)
    assert np.isfinite(gi) and np.all(np.isfinite(ga))


def test_argmin_is_a_distribution_that_indexing_uses_directly():
    from relaxjax.runtime import SoftIndex, argmin_
    from relaxjax.runtime.relaxations import softmin_weights
    with options(beta=2.0):
        k = argmin_(A / 10)
        assert isinstance(k, SoftIndex)
        w = softmin_weights(A / 10, 2.0)
        np.testing.assert_allclose(getitem(A, k), w @ A, rtol=1e-6)
        np.testing.assert_allclose((k + 0).value, w @ jnp.arange(4.0), rtol=1e-6)   # as a number: expected position
        np.testing.assert_allclose(setitem(A, (k,), 0.0), (1 - w) * A, rtol=1e-6)
    with options(mode="hard"):
        assert int(argmin_(A)) == 0


def test_a_copy_by_comprehension_is_the_array_itself_and_other_lists_keep_their_order():
    from relaxjax.runtime.indexing import as_array

    @jax.jit
    def copies(a):
        whole = as_array([[getitem(getitem(a, r), c) for c in range(3)] for r in range(2)])
        assert whole is a                     # no traced read per element
        row = as_array([getitem(a, (1, c)) for c in range(3)])
        shuffled = as_array([[getitem(getitem(a, r), c) for c in (2, 0, 1)] for r in range(2)])
        part = as_array([getitem(getitem(a, 0), c) for c in range(2)])
        return whole, row, shuffled, part

    a = jnp.arange(6.0).reshape(2, 3)
    whole, row, shuffled, part = copies(a)
    np.testing.assert_array_equal(whole, a)
    np.testing.assert_array_equal(row, a[1])
    np.testing.assert_array_equal(shuffled, a[:, [2, 0, 1]])
    np.testing.assert_array_equal(part, a[0, :2])


def test_a_list_of_python_numbers_becomes_one_constant():
    from relaxjax.runtime.indexing import as_array
    jaxpr = jax.make_jaxpr(lambda x: x + as_array([[1e6] * 4] * 4))(1.0)
    assert len(jaxpr.eqns) <= 2
    assert as_array([1, 2]).dtype == jnp.asarray(1).dtype and as_array([True, False]).dtype == jnp.bool_


def test_a_chain_of_integer_subscripts_is_one_read_of_the_source():
    """`d[i][j]` reads `d[i, j]` directly (no row materialised in between), with traced and static
    indices in any order; the values are Python's, negative indices included."""
    d = jnp.arange(24.0).reshape(2, 3, 4)

    def read(i, j, k):
        return [getitem(getitem(getitem(d, i), j), k), getitem(getitem(d, 1), j), getitem(getitem(d, i), -1)]

    for i, j, k in [(0, 1, 2), (1, -1, -4), (-2, 2, 3)]:
        want = np.asarray(d)
        np.testing.assert_array_equal(jax.jit(read)(i, j, k)[0], want[i][j][k])
        np.testing.assert_array_equal(jax.jit(read)(i, j, k)[1], want[1][j])
        np.testing.assert_array_equal(jax.jit(read)(i, j, k)[2], want[i][-1])
    jaxpr = jax.make_jaxpr(read)(0, 1, 2).jaxpr
    made_by = {v: e for e in jaxpr.eqns for v in e.outvars}
    for out in jaxpr.outvars:   # each result: a squeeze of one slice of d itself (rows read first are dead)
        sliced = made_by[made_by[out].invars[0]]
        assert sliced.primitive.name in ("dynamic_slice", "slice", "gather"), jaxpr
        assert sliced.invars[0].aval.shape == d.shape, jaxpr


def test_one_element_read_twice_is_read_once():
    """`a[j + 1]` twice (two index objects of one value) is one slice of `a`: each read would cost a
    pass over `a` in the backward pass. Reads at other places, or of another array, stay apart."""
    a = jnp.arange(5.0)

    def f(j):
        j = BoundedInt(j, 0, 3)
        return getitem(a, j + 1), getitem(a, j + 1), getitem(a, j), getitem(a * 2, j + 1)

    for j in range(4):
        np.testing.assert_array_equal(jax.jit(f)(j), [j + 1.0, j + 1.0, j, 2.0 * (j + 1)])
    slices = [e for e in jax.make_jaxpr(f)(0).eqns if e.primitive.name in ("dynamic_slice", "gather")]
    assert len(slices) == 3, slices


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (jnp.inf, jnp.inf), (0.0, 0.5)])
def test_a_comparison_has_the_logistic_derivative_at_a_tie_too(a, b):
    """d/da P(a < b) = -beta s(1 - s), s = sigmoid(beta (b - a)): -beta / 4 at a tie (not 0), finite at a
    tie of infinities."""
    beta = 2.0
    s = 0.5 if a == b else float(jax.nn.sigmoid(beta * (b - a)))
    da, db = jax.grad(lambda x, y: p_less(x, y, beta), argnums=(0, 1))(a, b)
    np.testing.assert_allclose([da, db], [-beta * s * (1 - s), beta * s * (1 - s)], rtol=1e-6)
