"""mode="straight_through": the forward pass is the hard program (CPython's result), the backward pass
the relaxed program's gradient, through loops, early exits, soft indices and infinite values."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import relax
from relaxjax.api import straight_through
from tests.corpus import CORPUS
from tests.helpers import flat, run_python, x64

# sorting, dynamic programming, an early return, a `while`, a soft index (binary search), rows hoisted
# out of loops, and shortest paths from infinite distances
CASES = [a for a in CORPUS if a.name in ("bubble_swaps", "edit_distance", "first_above", "grow_until",
                                          "binary_search", "rows_at_fixed_places", "bellman_ford",
                                          "first_index_above", "knapsack")]


def test_the_cases_exist():
    assert len(CASES) == 9


@pytest.mark.parametrize("alg", CASES, ids=lambda a: a.name)
def test_forward_is_cpython_and_gradient_is_the_relaxed_one(alg):
    st = relax(alg.fn, mode="straight_through", beta=2.0, max_iter=alg.max_iter)
    relaxed = relax(alg.fn, beta=2.0, max_iter=alg.max_iter)
    rng = np.random.default_rng(11)
    tol = 1e-12 if x64() else 1e-5
    for _ in range(3):
        args = alg.inputs(rng)
        np.testing.assert_allclose(flat(st(*args)), flat(run_python(alg.fn, args)), rtol=tol, atol=tol)

        def loss(f, soft_values):
            full = list(args)
            for k, v in zip(alg.soft, soft_values):
                full[k] = v
            leaves = jax.tree_util.tree_leaves(f(*full))
            floats = [x for x in leaves if jnp.issubdtype(jnp.asarray(x).dtype, jnp.floating)]
            return sum(jnp.sum(jnp.where(jnp.isfinite(x), x, 0.0)) for x in floats)

        soft_values = [jnp.asarray(args[k], jnp.result_type(float)) for k in alg.soft]
        got, want = jax.grad(lambda v: loss(st, v))(soft_values), jax.grad(lambda v: loss(relaxed, v))(soft_values)
        for g, w in zip(got, want):
            assert np.all(np.isfinite(g)), (alg.name, g)
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-9)


def test_values_are_the_hard_ones_exactly_even_where_the_relaxed_ones_are_infinite():
    hard = (jnp.asarray([3.0, jnp.inf]), jnp.asarray(2), jnp.asarray(True), jnp.asarray(4))
    relaxed = (jnp.asarray([2.9, jnp.inf]), jnp.asarray(1.7), jnp.asarray(0.8), jnp.asarray(3))
    out = straight_through(hard, relaxed)
    assert out[0].tolist() == [3.0, float("inf")] and out[1] == 2.0 and out[2] == 1.0
    assert out[3].dtype == hard[3].dtype and out[3] == 4   # integer in both programs: as it is
    grad = jax.grad(lambda r: straight_through(jnp.asarray(5.0), r * 2.0))(1.0)
    assert float(grad) == 2.0
    with pytest.raises(TypeError, match="same structure"):
        straight_through((1.0, 2.0), [1.0, 2.0])
