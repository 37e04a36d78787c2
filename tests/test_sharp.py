"""relaxjax.sharp(expr, beta=b): one expression relaxed at its own inverse temperature."""
import jax
import numpy as np
import pytest

import relaxjax
from relaxjax import relax, sharp


def pick(x, t, b):
    if sharp(x > t, beta=b):
        y = x
    else:
        y = t
    return y + min(x, t)          # min at the function's beta


def pick_positional(x, t):
    return relaxjax.sharp(x > t, 50.0)


def climb(x, t, b):
    while sharp(x < t, beta=b):
        x = x + 1.0
    return x


def climb_plain(x, t):
    while x < t:
        x = x + 1.0
    return x


def zero_beta(x):
    return sharp(x > 0.0, beta=0.0)


def my_sharp(value, beta):
    return value * beta


def not_relaxjax_sharp(x):
    sharp = my_sharp
    return sharp(x, beta=3.0)


def test_plain_python_returns_the_value():
    assert sharp(1.5, beta=3.0) == 1.5 and pick(2.0, 1.0, 5.0) == 3.0


def test_the_expression_uses_its_beta_and_the_rest_the_functions():
    f = relax(pick, beta=1.0)
    for x, t, b in [(0.3, 0.1, 20.0), (-1.0, 0.5, 3.0), (0.2, 0.2, 100.0)]:
        p = jax.nn.sigmoid(b * (x - t))
        q = jax.nn.sigmoid(1.0 * (t - x))          # P(x < t) at the function's beta: min's weight on x
        want = p * x + (1 - p) * t + q * x + (1 - q) * t
        np.testing.assert_allclose(f(x, t, b), want, rtol=1e-6)
        grad = jax.grad(lambda x: f(x, t, b))(x)
        want_grad = jax.grad(lambda x: (lambda p, q: p * x + (1 - p) * t + q * x + (1 - q) * t)(
            jax.nn.sigmoid(b * (x - t)), jax.nn.sigmoid(t - x)))(x)
        np.testing.assert_allclose(grad, want_grad, rtol=1e-5)
    assert f.trace_count == 1   # a traced beta: no recompilation per value


def test_a_while_test_at_its_own_beta_is_the_loop_at_that_beta():
    b = 4.0
    got = relax(climb, beta=0.5)(0.2, 2.5, b)
    np.testing.assert_allclose(got, relax(climb_plain, beta=b)(0.2, 2.5), rtol=1e-6)
    assert abs(float(got) - float(relax(climb_plain, beta=0.5)(0.2, 2.5))) > 1e-3


def test_positional_beta_hard_mode_and_other_functions_named_sharp():
    np.testing.assert_allclose(relax(pick_positional, beta=1.0)(0.05, 0.0), jax.nn.sigmoid(50.0 * 0.05), rtol=1e-6)
    assert float(relax(pick, mode="hard")(2.0, 1.0, 5.0)) == pick(2.0, 1.0, 5.0)
    assert float(relax(not_relaxjax_sharp)(2.0)) == 6.0


def test_a_static_beta_must_be_positive():
    with pytest.raises(ValueError, match="beta > 0"):
        relax(zero_beta)(1.0)
