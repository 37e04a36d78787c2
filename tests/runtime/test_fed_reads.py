"""Reads a loop is fed instead of reading by index (runtime/fed_reads.py): the fed elements equal the
reads they replace, and only the reads they stand for are replaced or recorded."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import fed_reads
from relaxjax.runtime.indexing import getitem
from relaxjax.runtime.values import BoundedInt

B = jnp.arange(12.0).reshape(6, 2)


def _read_by_index(b, positions, c):
    """What each step's traced read `b[p + c]` gives (out of range: from the end, then clamped)."""
    read = jax.jit(lambda i: b[i])
    return jnp.stack([read(jnp.asarray(p + c)) for p in positions])


@pytest.mark.parametrize("positions", [range(6), range(1, 6, 2), range(5, -1, -1), range(2, 4), range(3, 4)],
                         ids=str)
@pytest.mark.parametrize("c", [-8, -7, -2, -1, 0, 1, 2, 5, 9])
def test_fed_elements_are_the_reads_they_replace(positions, c):
    expected = _read_by_index(B, positions, c)
    np.testing.assert_array_equal(fed_reads.elements(B, np.asarray(positions), c), expected)
    traced = jax.jit(lambda p: fed_reads.elements(B, p, c))(jnp.asarray(positions))
    np.testing.assert_array_equal(traced, expected)


def test_a_read_at_the_fed_shift_of_the_fed_array_gets_the_fed_element():
    base = jnp.asarray(2)
    item = BoundedInt(base, 1, 2)   # so that every index below stays in range for every j
    element, other = jnp.asarray([7.0, 8.0]), jnp.asarray([9.0, 9.0])
    copy = B + 0.0
    with fed_reads.feeding(base, [(B, 1), (B, -1)], [element, other]):
        assert getitem(B, item + 1) is element
        assert getitem(B, item - 1) is other
        assert float(getitem(B, (item + 1, 1))) == 8.0       # b[j + 1, 1]: the fed row's element
        np.testing.assert_array_equal(getitem(B, item), B[2])          # shift 0 was not fed
        np.testing.assert_array_equal(getitem(copy, item + 1), B[3])   # an equal array, not the fed one
        np.testing.assert_array_equal(getitem(B, item * 2 + 1), B[5])  # 2j + 1 is not j + c
        np.testing.assert_array_equal(getitem(B, BoundedInt(jnp.asarray(2), 0, 4) + 1), B[3])   # another j
    np.testing.assert_array_equal(getitem(B, item + 1), B[3])


def test_looking_records_the_candidates_reads_at_the_loop_variable_plus_a_constant():
    base = jnp.asarray(1)
    item, other_item = BoundedInt(base, 1, 3), BoundedInt(jnp.asarray(1), 0, 2)
    not_a_candidate = B + 1.0
    with fed_reads.looking(base, [B]) as look:
        getitem(B, item - 1)
        getitem(B, (item + 2, 0))
        getitem(B, item - 1)
        getitem(B, other_item + 3)
        getitem(B, 3)
        getitem(not_a_candidate, item)
    assert sorted(c for _, c in look.found.values()) == [-1, 2]
    assert all(b is B for b, _ in look.found.values())
    with fed_reads.looking(base, []) as look:
        getitem(B, item)
    assert not look.found
