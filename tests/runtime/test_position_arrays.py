"""Arrays of positions (position_arrays.py): `came[v] = u` under soft tests, read back by `v = came[v]`,
without the compiler."""
import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import BoundedInt, SoftBool, SoftCount, SoftIndex, getitem, merge, setitem
from relaxjax.runtime.carry import from_leaves, join, spec_of, to_leaves
from relaxjax.runtime.indexing import as_array
from relaxjax.runtime.loops.vectorised import independent, put_slots, take_slots
from relaxjax.runtime.loops.statements import for_stmt

P = SoftBool(jnp.asarray(0.25))


def _rows(x):
    """Each element's distribution as a dict position -> weight (nonzero weights only)."""
    w = np.asarray(x.weights).reshape(-1, x.weights.shape[-1])
    return [{x.offset + j: float(v) for j, v in enumerate(row) if v} for row in w]


def test_a_list_of_ints_carried_by_a_loop_keeps_its_bounds_and_becomes_distributions_when_mixed():
    spec = spec_of([0, 0, 0])
    came = from_leaves(spec, iter(to_leaves([0, 0, 0], spec)))
    assert isinstance(came, BoundedInt) and (came.lo, came.hi) == (0, 0)
    written = setitem(came, (1,), BoundedInt(jnp.asarray(5), 4, 6))   # an exact write keeps bounds
    assert isinstance(written, BoundedInt) and (written.lo, written.hi) == (0, 6)
    mixed = merge(P, written, came)   # element by element
    assert isinstance(mixed, SoftIndex) and _rows(mixed) == [{0: 1.0}, {0: 0.75, 5: 0.25}, {0: 1.0}]
    assert isinstance(getitem(mixed, 1), SoftIndex) and _rows(getitem(mixed, 1)) == [{0: 0.75, 5: 0.25}]


def test_a_read_at_a_distribution_is_the_mixture_of_the_rows():
    came = SoftIndex(jnp.asarray([[1.0, 0, 0], [0, 0.5, 0.5], [0, 0, 1.0]]))
    v = SoftIndex(jnp.asarray([0.0, 0.4, 0.6]))
    step = getitem(came, v)   # sum_u P(v = u) came[u]
    np.testing.assert_allclose(step.weights, [0.0, 0.2, 0.8])
    back = setitem(came, (v,), 0)   # came[u] = P(v = u) onehot(0) + (1 - P(v = u)) came[u]
    np.testing.assert_allclose(back.weights, [[1.0, 0, 0], [0.4, 0.3, 0.3], [0.6, 0, 0.4]])


def test_anything_but_a_position_gives_the_expectation():
    came = SoftIndex(jnp.asarray([[0.5, 0.5], [0.0, 1.0]]))
    assert isinstance(setitem(came, (0,), 0.5), jnp.ndarray)   # a float written: expected positions
    counted = setitem(came, (0,), jnp.asarray(1))   # an int of unknown range
    assert isinstance(counted, SoftCount) and np.allclose(counted.value, [1.0, 1.0])
    assert np.allclose((came + 1).value, [1.5, 2.0])


def test_a_list_of_positions_is_one_array_and_the_carry_widens_its_range():
    parts = [merge(P, 2, 0), 1, BoundedInt(jnp.asarray(3), 3, 4)]
    stacked = as_array(parts)
    assert isinstance(stacked, SoftIndex) and _rows(stacked) == [{0: 0.75, 2: 0.25}, {1: 1.0}, {3: 1.0}]
    spec = join(spec_of([0, 0, 0]), spec_of(stacked))
    assert spec[0] == "position" and spec[1] == (3, 5) and spec[3] == 0
    back = from_leaves(spec, iter(to_leaves([0, 0, 0], spec)))
    assert _rows(back) == [{0: 1.0}] * 3
    assert join(spec_of([0, 0]), spec_of(jnp.asarray([1, 2])))[0] == "array"   # ints of unknown range


def test_an_exact_element_read_drops_its_bounds_so_counters_settle():
    count = BoundedInt(jnp.asarray([0, 0]), 0, 0)
    assert not isinstance(getitem(count, 0), BoundedInt)


def test_independent_iterations_write_distributions_into_their_slots():
    probs = jnp.asarray([0.9, 0.2, 0.5])

    def body(i, came):   # if probs[i] holds: came[i] = i + 2
        slot, = take_slots(came, i, (0,))
        return (put_slots(came, i, (0,), (merge(SoftBool(getitem(probs, i)), i + 2, slot),)),)

    at_once = for_stmt(range(3), body, ([0, 0, 0],), ("came",), independent((), (("came", (0,)),)))[0]
    one_by_one = for_stmt(range(3), body, ([0, 0, 0],), ("came",))[0]
    expected = [{0: 0.1, 2: 0.9}, {0: 0.8, 3: 0.2}, {0: 0.5, 4: 0.5}]
    for out in (at_once, one_by_one):
        assert isinstance(out, SoftIndex)
        assert [{k: round(v, 6) for k, v in row.items()} for row in _rows(out)] == expected


def test_a_flattened_copy_of_an_array_of_positions_is_the_array_itself():
    # `[came[r][c] for r ... for c ...]` as `came` reshaped, not one read per element stacked again
    def flat(weights):
        came = SoftIndex(weights, -1)
        listed = as_array([getitem(getitem(came, r), c) for r in range(2) for c in range(3)])
        assert isinstance(listed, SoftIndex) and listed.offset == -1
        return listed.weights
    weights = jax.nn.softmax(jnp.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(flat(weights), weights.reshape(6, 4))
    assert not {"stack", "concatenate"} & {e.primitive.name for e in jax.make_jaxpr(flat)(weights).eqns}

    def swapped(weights):   # not in order: stacked again
        return as_array([getitem(SoftIndex(weights, 0), r) for r in (1, 0)]).weights
    np.testing.assert_array_equal(swapped(weights), weights[::-1])
    assert "stack" in {e.primitive.name for e in jax.make_jaxpr(swapped)(weights).eqns}
