"""The provenance shortcuts (merging only written elements, reassembling copies by comprehension)
change the cost, never the result: every relaxed corpus algorithm gives the same outputs and
gradients with the records switched off (every merge then mixes whole arrays)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import relax
from relaxjax.runtime import provenance
from tests.corpus import CORPUS
from tests.helpers import x64

SOFT = [a for a in CORPUS if a.soft]


def _value_and_grads(alg, args):
    f = relax(alg.fn, beta=alg.grad_beta, max_iter=alg.max_iter)
    float_type = jnp.result_type(float)

    def total(*soft_values):
        full = list(args)
        for k, v in zip(alg.soft, soft_values):
            full[k] = v
        leaves = jax.tree_util.tree_leaves(f(*full))
        return sum(jnp.sum(jnp.asarray(x, float_type)) for x in leaves)

    soft_values = [jnp.asarray(args[k], float_type) for k in alg.soft]
    value, grads = jax.value_and_grad(total, argnums=tuple(range(len(soft_values))))(*soft_values)
    return [value, *grads]


@pytest.mark.parametrize("alg", SOFT, ids=lambda a: a.name)
def test_results_do_not_depend_on_the_provenance_records(alg, monkeypatch):
    args = alg.inputs(np.random.default_rng(5))
    with_records = _value_and_grads(alg, args)
    monkeypatch.setattr(provenance, "remember", lambda *a: None)
    monkeypatch.setattr(provenance, "remember_read", lambda *a: None)
    without = _value_and_grads(alg, args)
    tol = 1e-10 if x64() else 1e-4
    for a, b in zip(with_records, without):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
