"""A position merged by several tests in a row, held deferred (deferred_positions.py), against the same
merges mixed in full, without the compiler."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import BoundedInt, SoftBool, SoftIndex, merge
from relaxjax.runtime.context import options
from relaxjax.runtime.deferred_positions import MOST_STEPS, DeferredIndex

OFF = ("deferred_positions",)


def _chain(probs, start, hard=None):
    """`for j: if test_j: best = position_j`, each such `if` inside a hard `if` (`hard[j]`) when given."""
    best = start
    for j, p in enumerate(probs):
        soft = merge(SoftBool(p), BoundedInt(jnp.asarray(j + 2), 0, 9), best)
        best = soft if hard is None else merge(hard[j], soft, best)
    return best


@pytest.mark.parametrize("hard", [None, [True, False, True, True, False]])
def test_merges_in_a_row_are_the_full_mix_with_its_gradient(hard):
    start = SoftIndex(jnp.asarray([0.2, 0.5, 0.3]), offset=-1)
    probs = jnp.asarray([0.3, 0.9, 0.0, 0.5, 1.0])
    hard = None if hard is None else [jnp.asarray(h) for h in hard]
    deferred = _chain(probs, start, hard)
    assert isinstance(deferred, DeferredIndex)
    with options(off=OFF):
        full = _chain(probs, start, hard)
    assert not isinstance(full, DeferredIndex)
    assert (deferred.offset, deferred.weights.shape) == (full.offset, full.weights.shape)
    np.testing.assert_allclose(deferred.weights, full.weights, atol=1e-6)
    assert float(jnp.sum(deferred.weights)) == pytest.approx(1.0)

    def read(p, off):
        with options(off=off):
            return _chain(p, start, hard).weights @ jnp.arange(-1.0, 10.0) ** 2
    np.testing.assert_allclose(jax.grad(read)(probs, ()), jax.grad(read)(probs, OFF), rtol=1e-5, atol=1e-6)


def test_an_array_of_positions_merges_element_by_element():
    start = SoftIndex(jax.nn.softmax(jnp.arange(12.0).reshape(4, 3)), offset=0)
    probs = jnp.asarray([[0.1, 0.6, 1.0, 0.0], [0.5, 0.5, 0.2, 0.9]])
    points = [BoundedInt(jnp.asarray([3, 1, 4, 0]), 0, 4), 2]

    def chain():
        best = start
        for p, q in zip(probs, points):
            best = merge(SoftBool(p), q, best)
        return best
    deferred = chain()
    with options(off=OFF):
        full = chain()
    assert isinstance(deferred, DeferredIndex) and deferred.weights.shape == (4, 5)
    np.testing.assert_allclose(deferred.weights, full.weights, atol=1e-6)


def test_it_leaves_a_trace_or_a_loop_as_a_plain_distribution():
    best = merge(SoftBool(jnp.asarray(0.25)), 3, SoftIndex(jnp.asarray([0.5, 0.5])))
    leaves, tree = jax.tree_util.tree_flatten(best)
    out = jax.tree_util.tree_unflatten(tree, leaves)
    assert type(out) is SoftIndex and out.offset == 0
    np.testing.assert_allclose(out.weights, [0.375, 0.375, 0.0, 0.25])


def test_more_steps_than_it_holds_or_two_starting_distributions_are_mixed_in_full():
    best = SoftIndex(jnp.asarray([1.0]))
    for j in range(MOST_STEPS + 1):
        best = merge(SoftBool(jnp.asarray(0.5)), BoundedInt(jnp.asarray(j), 0, MOST_STEPS), best)
    assert not isinstance(best, DeferredIndex)
    np.testing.assert_allclose(jnp.sum(best.weights), 1.0, rtol=1e-6)
    other = merge(SoftBool(jnp.asarray(0.5)), 1, SoftIndex(jnp.asarray([0.0, 1.0])))
    mixed = merge(SoftBool(jnp.asarray(0.5)), merge(SoftBool(jnp.asarray(0.5)), 2, SoftIndex(jnp.asarray([1.0]))), other)
    assert not isinstance(mixed, DeferredIndex)
    np.testing.assert_allclose(mixed.weights, [0.25, 0.5, 0.25])
