"""Rounding of soft values to integers (runtime/rounding.py, relaxations.expected_floor)."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import SoftCount, options
from relaxjax.runtime.distributions import BUILTIN
from relaxjax.runtime.relaxations import expected_floor
from relaxjax.runtime.rounding import to_integer
from tests.helpers import x64

XS = [-2.3, -0.5, 0.0, 0.2, 0.99, 7.5]


def _direct_sum(x, beta, cdf, terms=20000):
    """E[floor(x + e / beta)] summed over 40,001 integers (the reference)."""
    k = np.arange(-terms, terms + 1)
    return float(np.sum(cdf(beta * (x - k[k >= 1]))) - np.sum(cdf(beta * (k[k <= 0] - x))))


@pytest.mark.skipif(not x64(), reason="compared to 1e-6 of a sum of 40,001 terms")
@pytest.mark.parametrize("name", ["logistic", "gaussian", "laplace"])
@pytest.mark.parametrize("beta", [0.05, 0.3, 1.0, 3.0, 30.0, 1e4])
def test_expected_floor_equals_the_sum_over_every_integer(name, beta):
    dist = BUILTIN[name]
    cdf = lambda z: np.asarray(dist.cdf(jnp.asarray(z)))   # noqa: E731
    for x in XS:
        assert float(expected_floor(x, beta, dist)) == pytest.approx(_direct_sum(x, beta, cdf), rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
@pytest.mark.parametrize("beta", [1e-3, 1.0, 1e8])
def test_expected_floor_is_finite_with_finite_gradients_and_keeps_infinities(dtype, beta):
    if dtype == jnp.float64 and not x64():
        pytest.skip("float64 needs x64")
    x = jnp.asarray([-1e6, -3.5, 0.0, 0.5, 2.25, 1e6, jnp.inf, -jnp.inf], dtype)
    out = expected_floor(x, beta)
    g = jax.vmap(jax.grad(lambda v: expected_floor(v, beta)))(x)
    assert bool(jnp.all(jnp.isfinite(out[:6]))) and out[6] == jnp.inf and out[7] == -jnp.inf
    assert bool(jnp.all(jnp.isfinite(g)))


@pytest.mark.parametrize("kind, python", [("floor", math.floor), ("ceil", math.ceil), ("trunc", math.trunc),
                                          ("round", round)])
def test_rounding_converges_to_pythons_and_is_exact_when_hard(kind, python):
    for x in (2.3, -1.7, 0.2, -0.4, 7.8):
        with options(beta=1e4):
            out = to_integer(kind, jnp.asarray(x))
            assert isinstance(out, SoftCount) and float(out.value) == pytest.approx(python(x), abs=1e-6)
        with options(mode="hard"):
            assert int(to_integer(kind, jnp.asarray(x))) == python(x)
        assert to_integer(kind, x) == python(x)


def test_integers_and_counts_round_to_themselves():
    count = SoftCount(jnp.asarray(2.3))
    with options(beta=2.0):
        assert to_integer("floor", count) is count
        assert to_integer("round", jnp.asarray(3)).dtype == jnp.result_type(int)


@pytest.mark.skipif(not x64(), reason="finite differences need float64")
def test_relaxed_rounding_has_finite_difference_gradients():
    for kind in ("floor", "ceil", "trunc", "round"):
        def f(x):
            with options(beta=1.7):
                return to_integer(kind, jnp.asarray(x)).value
        for x0 in (-0.6, 0.0, 0.4, 2.5):
            fd = (f(x0 + 1e-6) - f(x0 - 1e-6)) / 2e-6
            assert float(jax.grad(f)(x0)) == pytest.approx(float(fd), rel=1e-5, abs=1e-9)


def rounded(x):
    return int(x), math.floor(x), round(x)


@pytest.mark.parametrize("dist", ["logistic", "gaussian", "laplace"])
def test_sampled_rounding_averages_to_the_expected_rounding(dist):
    from relaxjax import relax
    closed = relax(rounded, beta=1.5, dist=dist)(0.3)
    drawn = relax(rounded, beta=1.5, dist=dist, mode="sampled", samples=20000)(0.3, key=jax.random.key(0))
    np.testing.assert_allclose(np.asarray(drawn, float), np.asarray(closed, float), atol=0.02)
