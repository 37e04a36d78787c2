"""relax(fn, dist=...) on corpus algorithms: every distribution gives finite-difference gradients,
approaches hard mode as beta grows, and stays finite at extreme betas and inputs."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from relaxjax import relax
from tests.corpus import CORPUS
from tests.helpers import flat, x64
from tests.test_corpus_relaxed import _split

# comparisons and swaps, min of three, a soft index, a `while`, max, shortest paths from inf, abs
NAMES = ("bubble_swaps", "edit_distance", "binary_search", "grow_until", "knapsack", "bellman_ford",
         "mean_abs_deviation")
CASES = [a for a in CORPUS if a.name in NAMES]
DISTS = ("gaussian", "cauchy", "laplace")


def test_the_cases_exist():
    assert len(CASES) == len(NAMES)


@pytest.mark.skipif(not x64(), reason="finite differences need float64")
@pytest.mark.parametrize("dist", DISTS)
@pytest.mark.parametrize("alg", CASES, ids=lambda a: a.name)
def test_gradients_match_finite_differences(alg, dist):
    f = relax(alg.fn, beta=alg.grad_beta, max_iter=alg.max_iter, dist=dist)
    args = alg.inputs(np.random.default_rng(7))
    with_soft, soft_values = _split(args, alg.soft)
    g = with_soft(lambda *a: jax.tree_util.tree_map(lambda x: jnp.asarray(x, jnp.float64), f(*a)))
    check_grads(g, soft_values, order=1, modes=("rev",), atol=1e-4, rtol=1e-4)


@pytest.mark.filterwarnings("ignore::relaxjax.MaxIterWarning")
@pytest.mark.parametrize("dist", DISTS)
@pytest.mark.parametrize("alg", CASES, ids=lambda a: a.name)
def test_large_beta_approaches_hard_mode_and_extremes_stay_finite(alg, dist):
    f = relax(alg.fn, max_iter=alg.max_iter, dist=dist)
    if alg.separated is not None:
        args = alg.separated(np.random.default_rng(3))
        hard = flat(relax(alg.fn, mode="hard", max_iter=alg.max_iter)(*args))
        # the Cauchy's tails are heavy: P(wrong) ~ 1 / (pi * beta * gap)
        np.testing.assert_allclose(flat(f(*args, beta=1e5 if dist == "cauchy" else 1e3)), hard, atol=1e-2, rtol=0)
    args = list(alg.inputs(np.random.default_rng(11)))
    for scale in (1e-6, 1e6):
        scaled = list(args)
        for k in alg.soft:
            scaled[k] = np.asarray(args[k], dtype=float) * scale
        with_soft, soft_values = _split(scaled, alg.soft)
        for beta in (1e-3, 1e6):
            assert np.all(np.isfinite(flat(f(*scaled, beta=beta))))
            loss = with_soft(lambda *a: sum(jnp.sum(x) for x in jax.tree_util.tree_leaves(f(*a, beta=beta))))  # noqa: B023
            grads = jax.grad(loss, argnums=tuple(range(len(soft_values))))(*soft_values)
            assert all(np.all(np.isfinite(np.asarray(g))) for g in grads), (scale, beta, grads)
