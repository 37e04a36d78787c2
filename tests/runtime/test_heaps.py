"""Soft heaps (heaps.py): `heapq` on floating values in relaxed mode, without the compiler."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import SoftBool, SoftCount, heaps, merge
from relaxjax.runtime.carry import from_leaves, join, spec_of, to_leaves
from relaxjax.runtime.context import options


def _heap(items, presence):
    """A soft heap holding `items` with the probabilities `presence`, built by pushes and merges."""
    h = heaps.as_heap([], first=items[0])
    for item, p in zip(items, presence):
        h = merge(SoftBool(jnp.asarray(p)), heaps.push(h, item), h, "h")
    return h


def test_a_relaxed_heap_of_floats_is_soft_and_a_heap_of_ints_exact():
    with options(beta=2.0):
        assert heaps.as_heap([1.0, 2.0]).soft and not heaps.as_heap([1, 2]).soft
        h = heaps.as_heap([(0.5, 3)])
        assert h.soft and h.integral == (False, True)
    with options(mode="hard"):
        assert not heaps.as_heap([1.0, 2.0]).soft
    with options(mode="sampled"), pytest.raises(Exception, match="mode \"sampled\""):
        heaps.as_heap([1.0])


def test_a_soft_push_mixes_into_the_least_present_slot():
    with options(beta=2.0):
        h = _heap([2.0, 1.0], [1.0, 0.3])
        np.testing.assert_allclose(h.presence[:3], [1.0, 0.3, 0.0], rtol=1e-6)
        np.testing.assert_allclose([h.columns[0][0], h.columns[0][1]], [2.0, 1.0])
        assert isinstance(heaps.length(h), SoftCount) and float(heaps.length(h).value) == pytest.approx(1.3)
        assert float(heaps.truth(h).prob) == 1.0
        h = heaps.push(h, 5.0)   # the first empty slot
        np.testing.assert_allclose(h.presence[:3], [1.0, 0.3, 1.0], rtol=1e-6)


def test_pop_weighs_each_slot_by_its_presence_and_the_items_present_below_it():
    beta = 1.5
    with options(beta=beta):
        h = _heap([2.0, 1.0, 3.0], [1.0, 0.3, 0.6])
        new, item = heaps.pop(h)
    p_less = lambda a, b: 1 / (1 + np.exp(-beta * (b - a)))   # P(a < b)
    x, pres = [2.0, 1.0, 3.0], [1.0, 0.3, 0.6]
    bound = [pres[j] * (1 - sum(pres[k] * p_less(x[k], x[j]) for k in range(3) if k != j)) for j in range(3)]
    w = np.clip(bound, 0, None) / np.sum(np.clip(bound, 0, None))
    assert float(item) == pytest.approx(float(np.dot(w, x)), rel=1e-5)
    np.testing.assert_allclose(new.presence[:3], np.array(pres) - w * 1.0, rtol=1e-5, atol=1e-7)


def test_items_tied_in_their_float_share_their_pops_and_leave_nothing_behind():
    with options(beta=1e3):
        h = heaps.as_heap([2.0, 2.0, 3.0, 2.0])
        popped = []
        for _ in range(4):
            h, item = heaps.pop(h)
            popped.append(float(item))
    assert popped == pytest.approx([2.0, 2.0, 2.0, 3.0])
    assert float(heaps.length(h).value) == pytest.approx(0.0, abs=1e-6)


def test_rows_compare_integer_places_exactly_and_the_first_float_place_softly():
    with options(beta=1e3):
        h = heaps.as_heap([(1, 5.0, 0), (0, 9.0, 1), (1, 4.0, 2)])
        h, first = heaps.pop(h)
        h, second = heaps.pop(h)
    assert [float(v) if not isinstance(v, SoftCount) else float(v.value) for v in first] == pytest.approx([0, 9.0, 1])
    assert isinstance(second[2], SoftCount) and float(second[2].value) == pytest.approx(2.0)


def test_a_soft_merge_mixes_presences_by_the_branch_and_items_by_their_share():
    with options(beta=2.0):
        a = heaps.push(heaps.as_heap([], first=1.0), 4.0)
        b = heaps.push(heaps.as_heap([], first=1.0), 2.0)
        h = merge(SoftBool(jnp.asarray(0.25)), a, b, "h")
        assert float(h.presence[0]) == pytest.approx(1.0)
        assert float(h.columns[0][0]) == pytest.approx(0.25 * 4.0 + 0.75 * 2.0)
        half = merge(SoftBool(jnp.asarray(0.25)), a, heaps.as_heap([], like=a), "h")
        assert float(half.presence[0]) == pytest.approx(0.25) and float(half.columns[0][0]) == 4.0


def test_a_soft_heap_is_carried_and_an_exact_one_joined_with_it_becomes_soft():
    with options(beta=2.0):
        soft = _heap([(1.0, 0), (2.0, 1)], [1.0, 0.5])
        exact = heaps.as_heap([(0, 0)])
        spec = join(spec_of(soft), spec_of(exact), "h")
        assert spec[4] == (False, True)
        back = from_leaves(spec, iter(to_leaves(exact, spec)))
        assert back.soft and float(jnp.sum(back.presence)) == 1.0
        again = from_leaves(spec, iter(to_leaves(soft, spec)))
        assert again.capacity == max(soft.capacity, exact.capacity)   # the larger: the exact heap's 101
        np.testing.assert_array_equal(again.presence, jnp.pad(soft.presence, (0, again.capacity - soft.capacity)))


def test_gradients_of_pops_are_finite_down_to_an_empty_heap():
    def total(x):
        with options(beta=3.0):
            h = heaps.as_heap([x[0], x[1]])
            out = 0.0
            for k in range(4):   # two pops more than it holds
                h, item = heaps.pop(h)
                out = out + (k + 1) * item
            return out + heaps.length(h).value
    g = jax.grad(total)(jnp.asarray([0.3, 0.2]))
    assert bool(jnp.isfinite(g).all()) and float(jnp.abs(g).sum()) > 0


def test_an_infinite_item_never_below_the_others_weighs_exactly_nothing():
    with options(beta=2.0):
        h = heaps.as_heap([(float("inf"), 0), (1.0, 1), (3.0, 2)])
        h, (d, u) = heaps.pop(h)
    assert np.isfinite(float(d)) and 1.0 < float(d) < 3.0 and 1.0 < float(u.value) < 2.0
