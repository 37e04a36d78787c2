"""Comparisons, truth values and boolean operators, dispatched on static / hard / soft values."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import (RelaxError, SoftBool, SoftCount, and_, bitand, bitor, bitxor, eq, ge, gt, is_, is_not, le, lt, ne,
                              not_, options, or_, same_place, truth)
from relaxjax.runtime.relaxations import p_equal, p_less
from tests.helpers import x64


def test_static_operands_compare_in_python():
    assert lt(1, 2) is True and eq(2.0, 2.0) is True and ne(1, 1) is False


def test_hard_operands_compare_exactly_even_in_relaxed_mode():
    out = lt(jnp.array([1, 3]), 2)
    assert out.dtype == jnp.bool_ and out.tolist() == [True, False]


def test_float_operands_are_soft_in_relaxed_mode_and_exact_in_hard_mode():
    with options(beta=3.0):
        p = gt(jnp.asarray(0.5), 0.0)
        assert isinstance(p, SoftBool)
        np.testing.assert_allclose(p.prob, jax.nn.sigmoid(1.5), rtol=1e-6)
    with options(mode="hard"):
        assert gt(jnp.asarray(0.5), 0.0).dtype == jnp.bool_


def test_ties_are_one_half_and_equality_is_one():
    with options(beta=7.0):
        assert float(lt(jnp.asarray(2.0), 2.0).prob) == 0.5
        assert float(eq(jnp.asarray(2.0), 2.0).prob) == pytest.approx(1.0)


def test_infinities_compare_without_nan():
    inf = jnp.inf
    assert float(p_less(jnp.asarray(inf), jnp.asarray(inf), 10.0)) == 0.5
    assert float(p_less(jnp.asarray(1.0), jnp.asarray(inf), 10.0)) == 1.0
    assert float(p_equal(jnp.asarray(1.0), jnp.asarray(inf), 10.0)) == 0.0
    g = jax.grad(lambda a: p_less(a, jnp.asarray(inf), 10.0))(1.0)
    assert np.isfinite(g)


@pytest.mark.parametrize("beta", [1e-3, 1.0, 1e3, 1e6])
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_equality_is_stable_at_any_beta(beta, dtype):
    if dtype == jnp.float64 and not x64():
        pytest.skip("float64 needs x64")
    a = jnp.asarray([0.0, 1e-6, 1.0, 1e6], dtype)
    p = p_equal(a, jnp.zeros_like(a), beta)
    g = jax.grad(lambda x: p_equal(x, jnp.zeros_like(x), beta).sum())(a)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(g))
    assert np.all((p >= 0) & (p <= 1))


def test_relaxed_and_or_not_follow_independence():
    with options(beta=2.0):
        a, b = gt(jnp.asarray(0.3), 0.0), lt(jnp.asarray(0.1), 0.0)
        p, q = a.prob, b.prob
        np.testing.assert_allclose(and_(a, lambda: b).prob, p * q, rtol=1e-6)
        np.testing.assert_allclose(or_(a, lambda: b).prob, p + q - p * q, rtol=1e-6)
        np.testing.assert_allclose(not_(a).prob, 1 - p, rtol=1e-6)


def test_static_and_or_short_circuit_like_python():
    def boom():
        raise AssertionError("evaluated")
    assert and_(False, boom) is False
    assert or_(3, boom) == 3
    assert and_(1, lambda: 0) == 0


def test_a_number_as_truth_value_means_not_zero():
    assert truth(0.0) is False
    with options(mode="hard"):
        assert bool(truth(jnp.asarray(2.0)))
    with options(beta=4.0):
        np.testing.assert_allclose(truth(jnp.asarray(0.5)).prob, 1 - p_equal(0.5, 0.0, 4.0), rtol=1e-6)


def test_softbool_compared_with_true_is_its_probability():
    s = SoftBool(jnp.asarray(0.3))
    assert eq(s, True) is s
    np.testing.assert_allclose(eq(s, False).prob, 0.7)


def test_is_true_and_is_false_on_truth_values_mean_the_value_and_its_negation():
    with options(beta=2.0):
        p = gt(jnp.asarray(0.5), 0.0)
        assert is_(p, True) is p
        np.testing.assert_allclose(is_(False, p).prob, 1 - p.prob)
        np.testing.assert_allclose(is_not(p, True).prob, 1 - p.prob)
        np.testing.assert_allclose(is_not(p, False).prob, p.prob)
    hard = jnp.array(True)
    assert bool(is_(hard, True)) and not bool(is_(hard, False)) and bool(is_not(hard, False))


def test_is_keeps_python_identity_for_static_values_and_none():
    marker = object()
    assert is_(marker, marker) is True and is_not(marker, None) is True
    assert is_(jnp.asarray(1.0), None) is False and is_not(jnp.asarray(1.0), None) is True


@pytest.mark.parametrize("a, b", [(jnp.asarray(1.0), True), (jnp.asarray(1.0), jnp.asarray(1.0)),
                                  (jnp.asarray(1), 1)])
def test_is_on_a_traced_number_is_an_error(a, b):
    with pytest.raises(RelaxError, match="compares the identity"):
        is_(a, b)


def test_the_truth_value_of_an_array_is_whether_it_is_non_empty():
    assert truth(jnp.zeros(3)) is True and truth(jnp.zeros((0,))) is False
    assert truth(jnp.zeros((1, 0))) is True   # [[]] is a non-empty list
    with options(beta=2.0):
        assert isinstance(truth(jnp.asarray(0.5)), SoftBool)   # a 0-d value is still `x != 0`
    assert and_(jnp.zeros((0,)), lambda: 1 / 0).shape == (0,)   # `[] and ...` is `[]`, unevaluated
    assert or_(jnp.zeros((0,)), lambda: 7) == 7


def test_an_element_compared_with_itself_is_decided_exactly():
    x = jnp.asarray(0.3)
    with options(beta=2.0):
        assert lt(x, x) is False and le(x, x) is True and eq(x, x) is True and ne(x, x) is False
        a = jnp.array([0.3, 0.1])
        same = same_place(a, (jnp.asarray(1),), (jnp.asarray(1),))
        np.testing.assert_allclose(lt(a[1], a[1] + 0.0, same).prob, 0.0)
        np.testing.assert_allclose(ge(a[1], a[1] + 0.0, same).prob, 1.0)
        other = same_place(a, (jnp.asarray(0),), (jnp.asarray(1),))
        np.testing.assert_allclose(lt(a[0], a[1], other).prob, p_less(0.3, 0.1, 2.0), rtol=1e-6)


def test_same_place_normalises_negative_indices_and_refuses_what_it_cannot_tell():
    a = jnp.zeros((3, 2))
    assert same_place(a, (-1, 0), (2, 0)) is True
    assert same_place(a, (0, 1), (0, 0)) is False
    assert bool(same_place(a, (jnp.asarray(-1),), (jnp.asarray(2),)))
    assert same_place(a, (slice(0, 2),), (slice(0, 2),)) is False
    assert same_place(a, (jnp.asarray(1.0),), (jnp.asarray(1.0),)) is False   # a soft index
    assert same_place([[1.0], [1.0, 2.0]], (0, 0), (0, 0)) is False   # ragged: no shape


def test_same_place_gives_gradients_like_the_comparison_it_replaces_elsewhere():
    def f(a, i, j):
        with options(beta=3.0):
            return lt(a[i], a[j], same_place(a, (i,), (j,))).prob
    a = jnp.array([0.2, 0.5])
    g = jax.grad(f)(a, jnp.asarray(0), jnp.asarray(1))
    np.testing.assert_allclose(g, jax.grad(lambda a: p_less(a[0], a[1], 3.0))(a), rtol=1e-6)
    assert np.all(jax.grad(f)(a, jnp.asarray(1), jnp.asarray(1)) == 0)


def test_truth_values_compared_with_each_other_agree_or_differ_as_independent_events():
    with options(beta=2.0):
        p, q = gt(jnp.asarray(0.4), 0.0), gt(jnp.asarray(-0.3), 0.0)
        agree = p.prob * q.prob + (1 - p.prob) * (1 - q.prob)
        np.testing.assert_allclose(eq(p, q).prob, agree, rtol=1e-6)
        np.testing.assert_allclose(ne(p, q).prob, 1 - agree, rtol=1e-6)
        assert eq(p, 1).prob is p.prob and eq(p, 2) is False
        np.testing.assert_allclose(eq(p, jnp.array(False)).prob, 1 - p.prob, rtol=1e-6)
        np.testing.assert_allclose(bitand(p, q).prob, p.prob * q.prob, rtol=1e-6)
        np.testing.assert_allclose(bitor(p, q).prob, p.prob + q.prob - p.prob * q.prob, rtol=1e-6)
        np.testing.assert_allclose(bitxor(p, q).prob, 1 - agree, rtol=1e-6)
        with pytest.raises(RelaxError, match="between a soft truth value and a number"):
            bitand(p, jnp.asarray(3))
    assert bitand(6, 3) == 2 and bitxor(jnp.asarray(6), 3).tolist() == 5
    assert bitor(jnp.array([True, False]), jnp.array([False, False])).tolist() == [True, False]
    # a Python bool stays static under jit (it became a traced 1.0, and `q == 1` a bool of a tracer)
    assert float(jax.jit(lambda v: ne(SoftBool(v), True).prob)(jnp.asarray(0.25))) == 0.75



@pytest.mark.parametrize("beta", [0.5, 5.0, 1e3])
def test_an_expected_count_that_is_an_integer_compares_with_integers_at_half_integers(beta):
    k = SoftCount(jnp.asarray(2.0))
    with options(beta=beta):
        tie, off = float(jax.nn.sigmoid(beta / 2)), float(jax.nn.sigmoid(-beta / 2))   # P(2 > 1.5), P(2 > 2.5)
        for name, op, want in (("ge", ge, tie), ("le", le, tie), ("gt", gt, off), ("lt", lt, off)):
            for c in (2, jnp.asarray(2), SoftCount(jnp.asarray(2.0))):
                np.testing.assert_allclose(op(k, c).prob, want, rtol=1e-6, err_msg=name)
        np.testing.assert_allclose(eq(k, 2).prob, 2 * tie - 1, rtol=1e-6)   # P(|e| < 1/2)
        np.testing.assert_allclose(ne(k, 2).prob, 2 * off, rtol=1e-6, atol=1e-15)
        np.testing.assert_allclose(ge(k, 1).prob, jax.nn.sigmoid(1.5 * beta), rtol=1e-6)
        np.testing.assert_allclose(gt(k, 2.0).prob, 0.5)   # a float: ties stay 1/2
        np.testing.assert_allclose(truth(SoftCount(jnp.asarray(0.0))).prob, 2 * off, rtol=1e-6, atol=1e-15)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
@pytest.mark.parametrize("beta", [1.0, 1e3, 1e8])
def test_equal_counts_are_stable_and_differentiable_far_from_a_tie(beta, dtype):
    if dtype == jnp.float64 and not x64():
        pytest.skip("float64 needs x64")
    from relaxjax.runtime.relaxations import p_same_integer
    d = jnp.asarray([-1e30, -1e3, -3.0, -0.5, 0.0, 0.5, 3.0, 1e3, 1e30], dtype)
    p = p_same_integer(d, jnp.zeros_like(d), beta)
    g = jax.vmap(jax.grad(lambda x: p_same_integer(x, jnp.zeros_like(x), beta)))(d)
    assert jnp.all(jnp.isfinite(p)) and jnp.all(jnp.isfinite(g))
    assert jnp.all((p >= 0) & (p <= 1)) and float(p[4]) == pytest.approx(float(2 * jax.nn.sigmoid(beta / 2) - 1))
    np.testing.assert_allclose(p, p[::-1], rtol=1e-6)   # symmetric in the difference


@pytest.mark.skipif(not x64(), reason="finite differences need float64")
def test_count_comparisons_match_finite_differences():
    from relaxjax.runtime.relaxations import p_same_integer
    for f in (lambda x: ge(SoftCount(x), 2).prob, lambda x: eq(SoftCount(x), 2).prob,
              lambda x: lt(3, SoftCount(x)).prob, lambda x: p_same_integer(x, 2.0, 1.7)):
        for x0 in (1.2, 2.0, 2.3, 2.7):
            with options(beta=1.7):
                g = jax.grad(f)(x0)
                fd = (f(x0 + 1e-6) - f(x0 - 1e-6)) / 2e-6
            np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-9)
