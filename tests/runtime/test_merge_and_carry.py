"""The merge of branch states and the widening of loop carries."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import RelaxError, SoftBool, SoftCount, Undefined, UndefinedVariableError, getitem, merge, setitem
from relaxjax.runtime.carry import join, spec_of
from relaxjax.runtime.relaxations import mix
from relaxjax.runtime.trace import maybe_skipped

P = SoftBool(jnp.asarray(0.25))
HARD = jnp.asarray(True)


def test_equal_static_values_stay_static():
    assert merge(P, 3, 3) == 3 and isinstance(merge(P, 3, 3), int)


def test_soft_merge_of_bools_is_a_softbool_and_of_ints_an_expected_count():
    b = merge(P, True, False)
    assert isinstance(b, SoftBool) and float(b.prob) == 0.25
    n = merge(P, jnp.asarray(4), 0)   # an int of no known range (two static ints are positions: test_positions)
    assert isinstance(n, SoftCount) and jnp.issubdtype(n.value.dtype, jnp.floating) and float(n.value) == 1.0
    assert isinstance(merge(P, n, jnp.asarray(3)), SoftCount)   # a count stays a count
    assert isinstance(merge(jnp.asarray(True), n, 2), SoftCount)   # under a hard test too
    assert not isinstance(merge(P, n, 0.5), SoftCount)   # with a float: an expectation of no integer


def test_hard_merge_selects_and_keeps_integer_dtype():
    out = merge(HARD, 4, 0)
    assert jnp.issubdtype(out.dtype, jnp.integer) and int(out) == 4


def test_lists_merge_elementwise_and_must_keep_length():
    out = merge(P, [1.0, 2.0], [3.0, 2.0])
    assert float(out[0]) == 2.5 and out[1] == 2.0
    with pytest.raises(RelaxError, match="length"):
        merge(P, [1.0], [1.0, 2.0], "xs")


def test_a_value_undefined_on_one_path_is_undefined():
    out = merge(P, 1.0, Undefined("y"))
    assert isinstance(out, Undefined)
    with pytest.raises(UndefinedVariableError, match="'y'"):
        out + 1


def test_mix_is_exact_at_certainty_even_with_infinities():
    inf = jnp.inf
    assert float(mix(1.0, 2.0, inf)) == 2.0
    assert float(mix(0.0, inf, 2.0)) == 2.0
    assert float(mix(0.5, inf, 2.0)) == inf
    assert float(mix(0.5, inf, inf)) == inf


def test_join_widens_int_to_float_and_bool_to_softbool():
    assert join(spec_of(0), spec_of(jnp.asarray(0.5)))[0] == "array"
    assert join(spec_of(0), spec_of(jnp.asarray(0.5)))[2] == jnp.result_type(float)
    assert join(spec_of(True), spec_of(P))[0] == "soft"
    assert join(spec_of(Undefined("t")), spec_of(jnp.asarray(1)))[0] == "array"


def test_join_keeps_expected_counts_apart_from_floats():
    count = SoftCount(jnp.asarray(0.5))
    assert join(spec_of(0), spec_of(count))[0] == "count"
    assert join(spec_of(0), spec_of(P))[0] == "count"   # an int that takes a truth value counts
    assert join(spec_of(count), spec_of(jnp.asarray(2)))[0] == "count"
    assert join(spec_of(count), spec_of(0.5))[0] == "array"
    assert join(spec_of(count), spec_of(P))[2] == jnp.result_type(float)


def test_join_rejects_shape_changes():
    with pytest.raises(RelaxError, match="shape"):
        join(spec_of(jnp.zeros(2)), spec_of(jnp.zeros(3)), "a")


def test_a_list_in_a_carry_becomes_one_array():
    assert spec_of([[0.0, 1.0], [2.0, 3.0]])[:2] == ("array", (2, 2))
    np.testing.assert_array_equal(spec_of([1, 2])[1], (2,))


def test_merging_an_array_with_a_few_writes_equals_the_full_merge():
    from relaxjax.runtime import setitem
    from relaxjax.runtime.provenance import history
    base = jnp.array([1.0, 2.0, 3.0, 4.0])
    swapped = setitem(setitem(base, (1,), 3.0), (2,), 2.0)
    assert history(swapped)[0] is base and len(history(swapped)[1]) == 2
    np.testing.assert_allclose(merge(P, swapped, base), 0.25 * swapped + 0.75 * base, rtol=1e-12)
    np.testing.assert_allclose(merge(P, base, swapped), 0.25 * base + 0.75 * swapped, rtol=1e-12)
    assert merge(jnp.asarray(False), swapped, base).tolist() == base.tolist()
    ints = jnp.array([1, 2, 3])
    out = merge(P, setitem(ints, (0,), 5), ints)   # an int array merged softly becomes an expectation
    assert isinstance(out, SoftCount)   # of integers: an array of expected counts
    np.testing.assert_allclose(out.value, [0.25 * 5 + 0.75, 2.0, 3.0], rtol=1e-6)
    assert jnp.issubdtype(out.dtype, jnp.floating)


@pytest.mark.parametrize("i, j", [(1, 1), (1, 2), (3, 0)])
def test_merging_writes_to_places_that_may_coincide_takes_the_last_write(i, j):
    from relaxjax.runtime import setitem
    from relaxjax.runtime.provenance import history, value_at

    @jax.jit
    def merged_and_dense(base, i, j):
        written = setitem(setitem(setitem(base, (i,), 10.0), (j,), 20.0), (i,), base[3] + 30.0)
        root, indices, values = history(written)
        return (merge(P, written, base), 0.25 * written + 0.75 * base,
                jnp.stack([value_at(root, indices, values, i) for i in indices]),
                written[tuple(jnp.stack([i.vector for i in indices]).T)])

    sparse, dense, recorded, held = merged_and_dense(jnp.array([1.0, 2.0, 3.0, 4.0]), i, j)
    np.testing.assert_allclose(sparse, dense, rtol=1e-12)
    np.testing.assert_array_equal(recorded, held)


@pytest.mark.parametrize("i, j", [(1, 1), (0, 2)])
def test_merging_two_write_sequences_from_one_root_equals_the_full_merge(i, j):
    from relaxjax.runtime import setitem

    @jax.jit
    def merged_and_dense(grid, i, j):
        first = setitem(grid, (i, j), 10.0)                     # the state after one soft if ...
        both = setitem(setitem(first, (j, i), 20.0), (2, 1), 30.0)   # ... and after the next one
        other = setitem(grid, (j, j), -1.0)                     # a sibling branch, same root
        return (merge(P, both, first), 0.25 * both + 0.75 * first,
                merge(P, both, other), 0.25 * both + 0.75 * other)

    grid = jnp.arange(9.0).reshape(3, 3)
    sparse, dense, sparse_siblings, dense_siblings = merged_and_dense(grid, i, j)
    np.testing.assert_allclose(sparse, dense, rtol=1e-12)
    np.testing.assert_allclose(sparse_siblings, dense_siblings, rtol=1e-12)


def test_a_merge_that_keeps_the_old_array_keeps_it_at_out_of_range_places():
    """A masked step of a loop past its real range (`range(c, w, -1)` scanned at its largest trip count)
    reads, writes and merges at an index out of range; keeping the old state must change nothing,
    whichever element the out-of-range read returned (knapsack once lost values this way)."""
    a = jnp.arange(8.0)

    @jax.jit
    def step(w, keep):
        new = setitem(a, (w,), getitem(a, w) + 100.0)
        return merge(keep, a, new)

    for w in (-20, -9, -1, 3, 8, 12):
        np.testing.assert_array_equal(step(w, True), a)


def _scatters(fn, *args):
    """The scatters that make `fn`'s results (a merge's writes, not the branches' own)."""
    jaxpr = jax.make_jaxpr(fn)(*args).jaxpr
    return [e for e in jaxpr.eqns if e.primitive.name == "scatter" and e.outvars[0] in jaxpr.outvars]


@pytest.mark.parametrize("shifts, lo, hi, unique", [
    ((0, 1), 0, 2, True),      # a[j], a[j + 1] with j in 0..2 of 4: in range and apart
    ((0, 1), 0, 3, False),     # j = 3 puts j + 1 past the end: CPython raises, the places may coincide
    ((-1, 0), 0, 2, False),    # j - 1 is -1 at j = 0: not known to be in range
    ((0, 4), 0, 0, False),     # apart as numbers, but a[4] is out of range
])
def test_a_merge_writes_with_a_unique_scatter_only_where_the_places_are_known_apart(shifts, lo, hi, unique):
    from relaxjax.runtime import BoundedInt

    def swap(a, j):
        j = BoundedInt(j, lo, hi)
        u, v = j + shifts[0], j + shifts[1]
        with maybe_skipped():   # a branch of an `if`: where an index may be out of range, it clamps
            swapped = setitem(setitem(a, (u,), getitem(a, v)), (v,), getitem(a, u))
        return merge(P, swapped, a)

    base, j = jnp.array([1.0, 2.0, 3.0, 4.0]), jnp.asarray(min(hi, 1))
    [scatter] = _scatters(swap, base, j)
    assert scatter.params["unique_indices"] is unique
    u, v = int(j) + shifts[0], int(j) + shifts[1]
    dense = base.at[u].set(base[v]).at[v].set(base[u]) if v < 4 else None
    if dense is not None:
        np.testing.assert_allclose(jax.jit(swap)(base, j), 0.25 * dense + 0.75 * base, rtol=1e-6)


def test_static_places_are_apart_when_they_differ_and_unknown_traced_ones_never_are():
    def write(a, i):
        return merge(P, setitem(setitem(a, (0,), 5.0), (2,), 6.0), a), merge(
            P, setitem(setitem(a, (i,), 5.0), (2,), 6.0), a)

    static, traced = _scatters(write, jnp.zeros(4), jnp.asarray(1))
    assert static.params["unique_indices"] and not traced.params["unique_indices"]
