"""The draws of mode="sampled" (runtime/sampling.py), without the compiler."""
import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import sampling
from relaxjax.runtime.distributions import GAUSSIAN, LOGISTIC


def test_positions_follow_the_weights_and_never_take_a_weight_of_zero():
    weights = jnp.asarray([0.0, 0.2, 0.0, 0.5, 0.3, 0.0])

    def one(key):
        with sampling.drawing(key):
            return sampling.draw_position(weights)

    drawn = np.asarray(jax.vmap(one)(jax.random.split(jax.random.key(0), 40000)))
    counts = np.bincount(drawn, minlength=6) / drawn.size
    assert counts[[0, 2, 5]].sum() == 0.0
    np.testing.assert_allclose(counts, weights, atol=5 * 0.5 / np.sqrt(drawn.size))


def test_draws_are_independent_across_places_and_scan_steps():
    def one(key):
        with sampling.drawing(key):
            first, second = sampling.draw(jnp.full(3, 0.5)), sampling.draw(jnp.full(3, 0.5))
            loop_key = sampling.loop()

            def body(c, k):
                with sampling.step(loop_key, k):
                    return c, sampling.draw(jnp.asarray(0.5))
            return first, second, jax.lax.scan(body, 0, jnp.arange(6))[1]

    first, second, steps = jax.vmap(one)(jax.random.split(jax.random.key(1), 20000))
    bits = np.concatenate([np.asarray(first), np.asarray(second), np.asarray(steps)], axis=1).astype(float)
    correlation = np.corrcoef(bits.T)
    off_diagonal = correlation[~np.eye(12, dtype=bool)]
    assert np.abs(off_diagonal).max() < 5 / np.sqrt(20000), off_diagonal
    np.testing.assert_allclose(bits.mean(axis=0), 0.5, atol=5 * 0.5 / np.sqrt(20000))


def test_the_drawn_minimum_takes_the_softmin_weights_or_the_fold():
    values = jnp.asarray([[0.0], [0.4], [0.9]])

    def picks(key, dist):
        with sampling.drawing(key):
            return sampling.draw_extremum(values, 2.0, dist)[0]

    keys = jax.random.split(jax.random.key(2), 40000)
    logistic = np.bincount(np.asarray(jax.vmap(lambda k: picks(k, LOGISTIC))(keys)), minlength=3) / 40000
    np.testing.assert_allclose(logistic, jax.nn.softmax(-2.0 * values[:, 0]), atol=5 * 0.5 / np.sqrt(40000))
    # the fold `m = x0; if x1 < m: m = x1; if x2 < m: m = x2`, each comparison drawn: P(pick 2) is
    # P(x2 beats whichever of x0, x1 won)
    p01 = GAUSSIAN.cdf(2.0 * (0.0 - 0.4))   # x1 < x0
    p2 = p01 * GAUSSIAN.cdf(2.0 * (0.4 - 0.9)) + (1 - p01) * GAUSSIAN.cdf(2.0 * (0.0 - 0.9))
    gaussian = np.bincount(np.asarray(jax.vmap(lambda k: picks(k, GAUSSIAN))(keys)), minlength=3) / 40000
    np.testing.assert_allclose(gaussian[2], p2, atol=5 * 0.5 / np.sqrt(40000))
    np.testing.assert_allclose(gaussian[1], p01 * (1 - GAUSSIAN.cdf(2.0 * (0.4 - 0.9))), atol=5 * 0.5 / np.sqrt(40000))


def test_draw_sign_is_abs_with_the_test_drawn():
    def one(key):
        with sampling.drawing(key):
            return sampling.draw_sign(jnp.asarray(0.3), 2.0, LOGISTIC)

    drawn = np.asarray(jax.vmap(one)(jax.random.split(jax.random.key(3), 20000)))
    np.testing.assert_allclose(np.abs(drawn), 0.3, rtol=1e-6)
    np.testing.assert_allclose((drawn > 0).mean(), jax.nn.sigmoid(0.6), atol=5 * 0.5 / np.sqrt(20000))


def test_inactive_outside_a_sampled_trace():
    assert not sampling.active()
    with sampling.drawing(jax.random.key(0)):
        assert sampling.active()
    assert not sampling.active()
