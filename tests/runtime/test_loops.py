"""for and while operators, run directly on Python callables (no compiler)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tests.helpers import x64
from relaxjax.runtime import SoftBool, SoftCount, for_stmt, getitem, gt, if_stmt, lt, options, range_, while_stmt


def _count_positive(xs, iterable):
    def body(i, count):
        return if_stmt(gt(getitem(xs, i), 0.0), lambda c: (c + 1,), lambda c: (c,), (count,), ("count",))
    return for_stmt(iterable, body, (0,), ("count",))[0]


def test_scanned_and_unrolled_loops_agree_and_counters_become_expectations():
    xs = jnp.linspace(-1, 1, 9)
    with options(beta=3.0):
        scanned = _count_positive(xs, range(9))           # a scan: 9 > iteration.UNROLL_MAX
        unrolled = sum(float(jax.nn.sigmoid(3.0 * x)) for x in xs)
    assert isinstance(scanned, SoftCount)   # an int counter becomes an expected count, in the carry too
    np.testing.assert_allclose(scanned.value, unrolled, rtol=1e-5)
    assert jnp.issubdtype(scanned.value.dtype, jnp.floating)


def test_a_dependent_range_is_masked_at_its_largest_trip_count():
    def outer(i, total):
        def inner(j, t):
            return (t + 1,)
        return for_stmt(range_(9 - i), inner, (total,), ("t",))
    out = jax.jit(lambda: for_stmt(range(9), outer, (0,), ("total",))[0])()
    assert int(out) == sum(9 - i for i in range(9))


@pytest.mark.parametrize("start, stop, step", [((0, 1), 7, 2), ((5, 7), -1, -3), (0, 7, 2)])
def test_a_masked_range_keeps_its_variable_within_its_bounds_at_every_step(start, stop, step):
    from relaxjax.runtime import BoundedInt
    from relaxjax.runtime.loops.iteration import masked_steps

    def steps(first):
        begin = BoundedInt(first, *start) if isinstance(start, tuple) else start
        xs, item_and_active, _ = masked_steps(range_(begin, BoundedInt(jnp.asarray(stop), stop, stop), step))
        item, active = item_and_active(xs)
        return item.value, active, item.lo, item.hi

    for first in ([start] if isinstance(start, int) else range(start[0], start[1] + 1)):
        values, active, lo, hi = steps(jnp.asarray(first))
        assert lo <= int(values.min()) and int(values.max()) <= hi
        assert list(values[active]) == list(range(first, stop, step))   # the steps the range reaches


def test_while_returns_the_state_expected_over_the_halting_step():
    beta, x0 = 0.7, 0.0
    with options(beta=beta, max_iter=40):
        out = while_stmt(lambda x: lt(x, 3.0), lambda x: (x + 1.0,), (jnp.asarray(x0),), ("x",))[0]
    # closed form: sum_t P(continue 0..t-1) * P(stop at t) * x_t, plus what is still running at the end
    c = [float(jax.nn.sigmoid(beta * (3.0 - t))) for t in range(41)]
    expected, alive = 0.0, 1.0
    for t in range(40):
        expected += alive * (1 - c[t]) * t
        alive *= c[t]
    expected += alive * 40
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_while_with_a_static_test_is_plain_python():
    calls = []

    def body(n):
        calls.append(n)
        return (n - 1,)
    assert while_stmt(lambda n: n > 0, body, (3,), ("n",)) == (0,)
    assert calls == [3, 2, 1]


def test_while_bool_flag_becomes_a_probability():
    with options(beta=2.0):
        flag = SoftBool(jnp.asarray(0.5))
        out = while_stmt(lambda f, k: f, lambda f, k: (False, k + 1), (flag, 0), ("f", "k"))
    assert isinstance(out[1], SoftCount)
    np.testing.assert_allclose(out[1].value, 0.5)   # one more step with probability 1/2


@pytest.mark.skipif(not x64(), reason="finite differences need float64")
def test_gradients_flow_through_a_scanned_while():
    def f(x0):
        with options(beta=1.5):
            return while_stmt(lambda x: lt(x, 4.0), lambda x: (x + 1.0,), (jnp.asarray(x0),), ("x",))[0]
    g = jax.grad(f)(0.3)
    eps = 1e-4
    fd = (f(0.3 + eps) - f(0.3 - eps)) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-3)


@pytest.mark.parametrize("n", [3, 20])
def test_hard_while_on_traced_ints_is_exact(n):
    with options(mode="hard"):
        out = jax.jit(lambda m: while_stmt(lambda k, s: lt(k, m), lambda k, s: (k + 1, s + k),
                                           (0, 0), ("k", "s")))(n)
    assert [int(v) for v in out] == [n, n * (n - 1) // 2]


def test_a_scanned_loop_whose_return_is_statically_never_taken_has_no_return_exit():
    from relaxjax.runtime.loops import exit_, go, if_outcome

    def body(i, total):   # `if c > 5: return total` with c = 0 static, in a loop over range(3)
        return if_outcome(gt(0, 5), lambda t: exit_((t,), "return"), lambda t: go((t + 1.0,)),
                          (total,), ("total",))
    out = for_stmt(range(3), body, (jnp.asarray(0.0),), ("total",), exits=True, returns=True)
    assert out.exits == {} and float(out.going[0]) == 3.0


@pytest.mark.parametrize("den", [1e-30, 1e-200, 0.0, 0.3])
def test_conditional_probability_of_an_exit_has_finite_gradients_at_any_mass(den):
    from relaxjax.runtime.loops.outcomes import _ratio
    if den == 1e-200 and not x64():
        pytest.skip("float64 needs x64")
    d = jnp.asarray(den)
    value, grad = jax.value_and_grad(lambda d: _ratio(0.25 * d, d).prob)(d)
    assert np.isfinite(value) and np.isfinite(grad)
    assert float(value) == (0.25 if den > np.sqrt(np.finfo(d.dtype).tiny) else 0.5)


def test_a_pass_that_may_break_mixes_the_later_passes_and_its_break_by_its_probability():
    from relaxjax.runtime.loops.outcomes import exit_, go, level, mix
    names = ("x",)
    out = mix(SoftBool(jnp.asarray(0.3)), go((jnp.asarray(1.0),)), exit_((jnp.asarray(5.0),)), names)
    assert not isinstance(out.probability("break"), (bool, SoftBool))   # a float, as `mix` leaves it
    np.testing.assert_allclose(level(out, go((jnp.asarray(2.0),)), names).going[0], 0.3 * 2.0 + 0.7 * 5.0,
                               rtol=1e-6)
    hard = mix(jnp.asarray(False), go((1,)), exit_((5,)), names)   # a hard test: exactly the break state
    assert int(level(hard, go((2,)), names).going[0]) == 5
