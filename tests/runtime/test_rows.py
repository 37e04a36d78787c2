"""hoist_rows / row_key / restore_rows, run directly (no compiler)."""
import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import BoundedInt, SoftBool, getitem, hoist_rows, restore_rows, row_key, setitem


def _roundtrip(d, keys, offsets, write_to):
    """Hoist, write 7 at column 0 of the row of key `write_to`, read every key's row, write back."""
    rows, plan = hoist_rows(d, lambda: keys, offsets)
    rows = setitem(rows, (row_key(plan, write_to, keys[write_to]), 0), 7.0)
    reads = [getitem(rows, row_key(plan, k, key)) for k, key in enumerate(keys)]
    return plan.hoisted, restore_rows(d, rows, plan), reads


def _expected(d, keys, write_to):
    d = np.array(d)
    d[keys[write_to], 0] = 7.0
    return d, [d[k] for k in keys]


def test_distinct_rows_are_hoisted_and_give_what_the_loop_as_written_gives():
    d = jnp.arange(12.0).reshape(4, 3)

    @jax.jit
    def traced(i):
        i = BoundedInt(i, 1, 3)
        return _roundtrip(d, (i, i - 1), (0, -1), 1)[1:]

    for i in (1, 2, 3):
        whole, reads = traced(i)
        want, want_reads = _expected(d, (i, i - 1), 1)
        np.testing.assert_array_equal(whole, want)
        for got, w in zip(reads, want_reads):
            np.testing.assert_array_equal(got, w)
    hoisted, whole, _ = _roundtrip(d, (0, -1), (0, -1), 0)
    assert hoisted
    np.testing.assert_array_equal(whole, _expected(d, (0, -1), 0)[0])


def test_rows_that_may_coincide_are_not_hoisted_and_the_loop_runs_as_written():
    d = jnp.arange(12.0).reshape(4, 3)
    for keys, offsets in [((0, -4), (0, -4)),   # static, one row
                          ((1, 1), None),        # static, the same key twice
                          ((5,), (0,))]:         # out of range: the loop as written raises IndexError
        assert not hoist_rows(d, lambda: keys, offsets)[1].hoisted, keys

    @jax.jit
    def same_modulo_size(i):          # i and i - 4 are one row of a 4-row table
        i = BoundedInt(i, 0, 3)
        return _roundtrip(d, (i, i - 4), (0, -4), 0)

    @jax.jit
    def unrelated(i, j):              # nothing is known about i and j
        return _roundtrip(d, (i, j), None, 0)

    for hoisted, whole, reads in (same_modulo_size(1), unrelated(1, 1)):
        assert not hoisted
        want, want_reads = _expected(d, (1, 1), 0)
        np.testing.assert_array_equal(whole, want)
        np.testing.assert_array_equal(reads[1], want_reads[1])   # sees the write through the other key


def test_soft_keys_soft_arrays_and_lists_are_not_hoisted():
    d = jnp.ones((3, 2))
    assert not hoist_rows(d, lambda: (jnp.asarray(0.5),), (0,))[1].hoisted
    assert not hoist_rows(SoftBool(jnp.full((3, 2), 0.5)), lambda: (0,), (0,))[1].hoisted
    assert not hoist_rows([[1.0, 2.0], [3.0, 4.0]], lambda: (0,), (0,))[1].hoisted
    assert not hoist_rows(d, lambda: (True,), (0,))[1].hoisted
