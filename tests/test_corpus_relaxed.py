"""Relaxed mode on the corpus: gradients equal finite differences, large beta approaches hard mode,
and outputs and gradients stay finite at every beta from 1e-3 to 1e6, in float32 and float64, on
inputs of magnitude 1e-6 to 1e6, all tied, or with repeated values."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from relaxjax import relax
from tests.corpus import CORPUS
from tests.helpers import flat, x64

SOFT = [a for a in CORPUS if a.soft]


def _split(args, soft):
    """A function of the soft arguments only (the others fixed) and the soft arguments as arrays."""
    def with_soft(f):
        def call(*soft_values, **kw):
            full = list(args)
            for k, v in zip(soft, soft_values):
                full[k] = v
            return f(*full, **kw)
        return call
    return with_soft, [jnp.asarray(args[k], dtype=jnp.result_type(float)) for k in soft]


def _float_outputs(out):
    return jax.tree_util.tree_map(lambda x: jnp.asarray(x, jnp.result_type(float)), out)


def _check_gradients(f, alg, ties):
    rng = np.random.default_rng(7)
    for _ in range(2):
        args = alg.inputs(rng)
        with_soft, soft_values = _split(args, alg.soft)
        if ties:
            soft_values = [jnp.round(v) for v in soft_values]
        g = with_soft(lambda *a: _float_outputs(f(*a)))
        check_grads(g, soft_values, order=1, modes=("rev",), atol=1e-4, rtol=1e-4)


@pytest.mark.skipif(not x64(), reason="finite differences need float64")
@pytest.mark.parametrize("alg", SOFT, ids=lambda a: a.name)
def test_gradients_match_finite_differences_on_drawn_and_on_tied_values(alg):
    """Drawn inputs, then the same inputs rounded so that compared values are equal: the relaxation is
    smooth there too, and its gradient is the smooth one (a comparison's derivative at a tie is not 0).
    One relaxed function for both: they share its compilation."""
    f = relax(alg.fn, beta=alg.grad_beta, max_iter=alg.max_iter)
    _check_gradients(f, alg, ties=False)
    if alg.name != "closest_with_jnp":   # it calls jnp.abs(a - t) itself: a kink where an element equals t
        _check_gradients(f, alg, ties=True)


@pytest.mark.parametrize("alg", [a for a in SOFT if a.separated], ids=lambda a: a.name)
def test_large_beta_approaches_hard_mode(alg):
    rng = np.random.default_rng(3)
    args = alg.separated(rng)
    hard = flat(relax(alg.fn, mode="hard", max_iter=alg.max_iter)(*args))
    soft = flat(relax(alg.fn, beta=1e3, max_iter=alg.max_iter)(*args))
    np.testing.assert_allclose(soft, hard, atol=1e-2, rtol=0)


VARIANTS = {   # the drawn soft inputs, rescaled or made to tie (same shapes: one compile for all)
    "as drawn": lambda x: x,
    "magnitude 1e6": lambda x: x * 1e6,
    "magnitude 1e-6": lambda x: x * 1e-6,
    "all tied": lambda x: np.full_like(x, x.flat[0]),
    "repeated values": lambda x: np.round(x),
}


@pytest.mark.filterwarnings("ignore::relaxjax.MaxIterWarning")   # counting to 1e6 by ones: cut, and said so
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("alg", SOFT, ids=lambda a: a.name)
def test_finite_outputs_and_gradients_at_every_beta(alg, dtype):
    if dtype == "float64" and not x64():
        pytest.skip("float64 needs x64")
    if dtype == "float32" and x64():
        pytest.skip("float32 runs in the suite's float32 pass, with x64 off as most users have it")
    f = relax(alg.fn, max_iter=alg.max_iter)
    rng = np.random.default_rng(11)
    drawn = list(alg.inputs(rng))
    for variant, change in VARIANTS.items():
        args = list(drawn)
        for k in alg.soft:
            args[k] = change(np.asarray(drawn[k], dtype=dtype))
        with_soft, _ = _split(args, alg.soft)
        soft_values = [jnp.asarray(args[k]) for k in alg.soft]
        for beta in (1e-3, 1.0, 1e3, 1e6):
            out = f(*args, beta=beta)
            assert np.all(np.isfinite(flat(out))), (variant, beta, out)
            loss = with_soft(lambda *a: sum(jnp.sum(jnp.asarray(x, dtype)) for x in jax.tree_util.tree_leaves(
                f(*a, beta=beta))))   # noqa: B023 (called at once)
            grads = jax.grad(loss, argnums=tuple(range(len(soft_values))))(*soft_values)
            assert all(np.all(np.isfinite(np.asarray(g))) for g in grads), (variant, beta, grads)
