"""The optimisations (`relaxjax.api.OPTIMISATIONS`: running independent iterations at once, a loop as a
stream, feeding reads in, hoisting rows, and the provenance records that merge only written elements)
change the cost, never the result: every corpus algorithm gives the same hard result and the same
relaxed values and gradients with all of them switched off, and the corpus does run loops at once."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import relaxjax
from relaxjax import relax
from relaxjax.api import OPTIMISATIONS
from tests.corpus import CORPUS
from tests.helpers import flat, value_and_grads, x64


@pytest.mark.parametrize("alg", CORPUS, ids=lambda a: a.name)
def test_results_do_not_depend_on_the_optimisations(alg):
    args = alg.inputs(np.random.default_rng(7))
    hard = flat(relax(alg.fn, mode="hard", max_iter=alg.max_iter)(*args))
    relaxed = value_and_grads(alg, args) if alg.soft else []
    off = OPTIMISATIONS   # all at once: a failure names no single one; switch them off one by one to find it
    # Hard results agree to the last bit or two: XLA on CPU divides a vector by a value the iterations
    # share as a multiplication by its reciprocal (so does `jnp` for `array / scalar`).
    hard_tol = 1e-12 if x64() else 1e-5
    np.testing.assert_allclose(hard, flat(relax(alg.fn, mode="hard", max_iter=alg.max_iter, off=off)(*args)),
                               rtol=hard_tol, atol=hard_tol)
    tol = 1e-10 if x64() else 1e-4
    for a, b in zip(relaxed, value_and_grads(alg, args, off) if alg.soft else []):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_the_corpus_runs_loops_at_once():
    rng = np.random.default_rng(7)
    expected = {"odd_even_sort", "odd_even_sort_counting", "pairs_from_the_end", "normalise_rows"}
    at_once = {alg.name for alg in CORPUS if alg.name in expected for _ in range(3)
               if "vectorised" in relaxjax.explain(relax(alg.fn, mode="hard", max_iter=alg.max_iter),
                                                   *alg.inputs(rng)).strategies()}
    assert at_once == expected


@pytest.mark.parametrize("alg", [a for a in CORPUS if a.name in ("neighbour_max", "grid_shortest_path")],
                         ids=lambda a: a.name)
def test_reads_at_a_shifted_loop_variable_are_fed_in_not_gathered(alg):
    # dist[rr][cc] with rr = r + dr: each step would gather, and its backward pass scatter-add; the
    # cells' writes are slice updates (a scatter's backward gathers)
    args = [np.asarray(a, np.float32) for a in alg.inputs(np.random.default_rng(7))]

    def total(*xs):
        return jnp.sum(jnp.asarray(relax(alg.fn, beta=2.0)(*xs)))
    assert "gather" not in str(jax.make_jaxpr(total)(*args))
    backward = str(jax.make_jaxpr(jax.grad(total))(*args))
    assert "scatter-add" not in backward and "gather" not in backward

    def read_by_index(*xs):
        return jnp.sum(jnp.asarray(relax(alg.fn, beta=2.0, off=("fed_reads",))(*xs)))
    assert "gather" in str(jax.make_jaxpr(read_by_index)(*args))
