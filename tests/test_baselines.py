"""The hand-written baselines compute what relaxjax computes from the plain Python (values and
gradients), so the speed ratios compare one algorithm with itself."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import relax
from relaxjax.benchmarks import algorithms, baselines

BETA = 3.0


def _agree(relaxed, baseline, *args):
    value, grads = jax.value_and_grad(relaxed, argnums=tuple(range(len(args))))(*args)
    value_b, grads_b = jax.value_and_grad(baseline, argnums=tuple(range(len(args))))(*args)
    tol = 1e-9 if value.dtype == jnp.float64 else 2e-4
    np.testing.assert_allclose(value, value_b, rtol=tol, atol=tol)
    for g, g_b in zip(grads, grads_b):
        np.testing.assert_allclose(g, g_b, rtol=tol, atol=tol)


@pytest.mark.parametrize("n", [2, 5])
def test_bubble_sort_baseline(n):
    x = jax.random.normal(jax.random.PRNGKey(n), (n,))
    bubble = relax(algorithms.bubble_swaps, beta=BETA)
    _agree(lambda a: bubble(a)[1], lambda a: baselines.bubble_swaps(a, BETA)[1], x)


@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("expert", [baselines.bubble_swaps_carried, baselines.bubble_swaps_carried_checkpointed])
def test_bubble_sort_carried_element_baseline(n, expert):
    x = jax.random.normal(jax.random.PRNGKey(n), (n,))
    bubble = relax(algorithms.bubble_swaps, beta=BETA)
    weights = jnp.arange(1.0, n + 1)

    def summary(result):   # the sorted array and the swap count, both checked with their gradients
        return jnp.sum(weights * jnp.asarray(result[0])) + 10.0 * result[1]
    _agree(lambda a: summary(bubble(a)), lambda a: summary(expert(a, BETA)), x)


@pytest.mark.parametrize("m", [1, 4])
def test_edit_distance_baseline(m):
    s = jax.nn.softmax(jax.random.normal(jax.random.PRNGKey(1), (m, 3)) * 3)
    t = jax.nn.softmax(jax.random.normal(jax.random.PRNGKey(2), (m, 3)) * 3)
    _agree(relax(algorithms.edit_distance, beta=BETA), lambda s, t: baselines.edit_distance(s, t, BETA), s, t)


@pytest.mark.parametrize("k", [2, 4])
def test_grid_shortest_path_baseline(k):
    cost = jax.random.uniform(jax.random.PRNGKey(k), (k, k))
    _agree(relax(algorithms.grid_shortest_path, beta=BETA), lambda c: baselines.grid_shortest_path(c, BETA), cost)


@pytest.mark.parametrize("n", [2, 5, 8])
def test_odd_even_sort_baseline(n):
    x = jax.random.normal(jax.random.PRNGKey(n), (n,))
    odd_even = relax(algorithms.odd_even_swaps, beta=BETA)
    _agree(odd_even, lambda a: baselines.odd_even_swaps(a, BETA)[1], x)
