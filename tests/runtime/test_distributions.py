"""The noise distributions (`relax(fn, dist=...)`): each relaxation, for every built-in distribution."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import distributions, relaxations
from relaxjax.runtime.distributions import BUILTIN, Distribution

DISTS = sorted(BUILTIN)


@pytest.mark.parametrize("name", DISTS)
def test_a_less_than_b_is_monotone_in_b_minus_a_and_one_half_at_a_tie(name):
    d = BUILTIN[name]
    gaps = jnp.concatenate([-jnp.logspace(6, -6, 60), jnp.zeros(1), jnp.logspace(-6, 6, 60)])
    for beta in (1e-3, 1.0, 1e3):
        p = relaxations.p_less(jnp.zeros_like(gaps), gaps, beta, d)
        assert bool(jnp.all(jnp.diff(p) >= 0)) and bool(jnp.all((p >= 0) & (p <= 1))), (name, beta, p)
    assert float(relaxations.p_less(1.5, 1.5, 7.0, d)) == 0.5
    assert float(relaxations.p_less(-jnp.inf, jnp.inf, 1.0, d)) == 1.0
    assert float(relaxations.p_less(jnp.inf, jnp.inf, 1.0, d)) == 0.5


@pytest.mark.parametrize("name", DISTS)
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_gradients_are_finite_at_large_beta_and_large_inputs(name, dtype):
    if dtype == jnp.float64 and not jax.config.jax_enable_x64:
        pytest.skip("float64 needs x64")
    d = BUILTIN[name]
    xs = jnp.asarray([-1e6, -3.0, -1e-6, 0.0, 1e-6, 2.0, 1e6, jnp.inf], dtype)
    for beta in (1.0, 1e3, 1e6, 1e30):
        for f in (lambda a: relaxations.p_less(a, 0.5, beta, d), lambda a: relaxations.p_equal(a, 0.5, beta, d),
                  lambda a: relaxations.soft_abs(a, beta, d),
                  lambda a: relaxations.index_weights(a, 5, beta, d)[2]):
            values, grads = jax.vmap(jax.value_and_grad(f))(xs[:-1])
            assert bool(jnp.all(jnp.isfinite(values))) and bool(jnp.all(jnp.isfinite(grads))), (name, beta, f)
        g = jax.grad(lambda a: relaxations.p_less(a, 0.5, beta, d))(xs[-1])
        assert bool(jnp.isfinite(g)), (name, beta)


@pytest.mark.parametrize("name", DISTS)
def test_equality_abs_and_index_weights(name):
    d = BUILTIN[name]
    z = jnp.linspace(-4, 4, 17)
    eq = relaxations.p_equal(jnp.zeros_like(z), z, 2.0, d)
    assert float(relaxations.p_equal(0.3, 0.3, 2.0, d)) == 1.0
    np.testing.assert_allclose(eq, eq[::-1], rtol=1e-6)                         # symmetric
    assert bool(jnp.all((eq > 0) & (eq <= 1)))
    np.testing.assert_allclose(d.density_ratio(z), d.density(z) / d.density(jnp.zeros_like(z)), rtol=1e-5)
    a = relaxations.soft_abs(z, 3.0, d)
    assert bool(jnp.all(a <= jnp.abs(z) + 1e-6)) and bool(jnp.all(a >= 0))
    np.testing.assert_allclose(relaxations.soft_abs(z, 1e6, d), jnp.abs(z), rtol=1e-5)
    w = relaxations.index_weights(jnp.asarray([-2.0, 0.4, 1.5, 9.0]), 4, 2.0, d)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-6)
    assert bool(jnp.all(w >= 0))


@pytest.mark.parametrize("name", [n for n in DISTS if n != "logistic"])
def test_min_of_many_values_is_the_relaxed_loop(name):
    """Weights of min over n values: the `if` form folded left (ties keep the first value, +inf never
    wins), so min(a) relaxes as `m = a[0]; for v in a[1:]: if v < m: m = v` does."""
    d = BUILTIN[name]
    x = jnp.asarray([0.3, jnp.inf, -0.2, 0.5, -0.2])
    w = relaxations.softmin_weights(x, 2.0, dist=d)
    low, want = x[0], jnp.eye(5)[0]
    for k in range(1, 5):
        keep = relaxations.p_less(low, x[k], 2.0, d)
        low = relaxations.mix(keep, low, x[k])
        want = keep * want + (1 - keep) * jnp.eye(5)[k]
    np.testing.assert_allclose(w, want, rtol=1e-6)
    assert float(w[1]) == 0.0
    np.testing.assert_allclose(relaxations.weighted_sum(w, x), low, rtol=1e-6)


def test_a_distribution_of_ones_own_and_the_names():
    mine = Distribution("my logistic", jax.nn.sigmoid, lambda z: jax.nn.sigmoid(z) * jax.nn.sigmoid(-z))
    z = jnp.linspace(-30, 30, 13)
    np.testing.assert_allclose(relaxations.p_equal(0.0, z, 1.0, mine),
                               relaxations.p_equal(0.0, z, 1.0, distributions.LOGISTIC), rtol=1e-5)
    assert distributions.resolve(mine) is mine and distributions.resolve("cauchy") is distributions.CAUCHY
    with pytest.raises(ValueError, match="cauchy"):
        distributions.resolve("student")
