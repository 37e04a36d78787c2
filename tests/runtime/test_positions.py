"""Positions chosen under soft tests held as distributions (positions.py), without the compiler."""
import itertools
import operator

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import BoundedInt, SoftBool, SoftCount, SoftIndex, getitem, merge, setitem
from relaxjax.runtime.carry import from_leaves, join, spec_of, to_leaves
from relaxjax.runtime.context import options
from relaxjax.runtime.logic import eq, ge, lt, ne
from relaxjax.runtime.positions import on_axis

P = SoftBool(jnp.asarray(0.25))


def _weights(x):
    return dict(zip(range(x.offset, x.offset + x.weights.shape[-1]), np.asarray(x.weights)))


def test_a_soft_merge_of_positions_is_their_distribution():
    i = BoundedInt(jnp.asarray(3), 0, 4)
    best = merge(P, i, -1)
    assert isinstance(best, SoftIndex)
    assert _weights(best) == {-1: 0.75, 0: 0.0, 1: 0.0, 2: 0.0, 3: 0.25, 4: 0.0}
    again = merge(SoftBool(jnp.asarray(0.5)), 2, best)   # merged again: the weights mix, the range widens
    assert _weights(again) == {-1: 0.375, 0: 0.0, 1: 0.0, 2: 0.5, 3: 0.125, 4: 0.0}


def test_a_hard_merge_with_a_distribution_picks_its_weights():
    best = merge(P, 1, 0)
    out = merge(jnp.asarray(False), 2, best)
    assert isinstance(out, SoftIndex) and _weights(out) == {0: 0.75, 1: 0.25, 2: 0.0}


def test_the_expected_reading_keeps_an_expected_count():
    with options(positions="expected"):
        best = merge(P, BoundedInt(jnp.asarray(3), 0, 4), 1)
    assert isinstance(best, SoftCount) and float(best.value) == 1.5


def test_other_numbers_mixed_with_a_position_give_its_expectation():
    best = merge(P, 4, 0)
    assert float(merge(P, best, SoftCount(jnp.asarray(2.0))).value) == 0.25 * 1.0 + 0.75 * 2.0
    assert isinstance(best + 1, SoftCount) and float((best + 1).value) == 2.0


def test_reads_and_writes_weigh_positions_never_chosen_zero_even_at_infinite_values():
    a = jnp.asarray([-jnp.inf, 1.0, 2.0, jnp.inf])
    best = merge(P, 1, 2)
    assert float(getitem(a, best)) == 0.25 * 1.0 + 0.75 * 2.0
    written = setitem(a, (best,), -jnp.inf)
    assert np.asarray(written).tolist() == [-np.inf, -np.inf, -np.inf, np.inf]
    grad = jax.grad(lambda x: getitem(x, merge(SoftBool(jax.nn.sigmoid(x[1])), 1, 2)))(a.at[1].set(0.5))
    assert np.isfinite(np.asarray(grad)).all()


def test_negative_positions_count_from_the_end_and_past_the_end_clamps():
    w = on_axis(SoftIndex(jnp.asarray([0.5, 0.0, 0.25, 0.25]), -1), 2)   # places -1, 0, 1, 2 on an axis of 2
    assert np.asarray(w).tolist() == [0.0, 1.0]
    assert float(getitem(jnp.asarray([10.0, 20.0, 30.0]), SoftIndex(jnp.asarray([0.5, 0.5]), -1))) == 20.0


@pytest.mark.parametrize("op, relation", [(lt, operator.lt), (ge, operator.ge), (eq, operator.eq),
                                          (ne, operator.ne)])
def test_comparisons_with_integers_read_the_weights(op, relation):
    best = SoftIndex(jnp.asarray([0.125, 0.5, 0.0, 0.375]), -1)   # places -1..2
    other = SoftIndex(jnp.asarray([0.25, 0.75]), 1)               # places 1..2
    places = {-1: 0.125, 0: 0.5, 1: 0.0, 2: 0.375}
    for k in (-1, 0, 2, 5, jnp.asarray(1), BoundedInt(jnp.asarray(2), 0, 3)):
        v = int(k.value if isinstance(k, BoundedInt) else k)
        assert float(op(best, k).prob) == pytest.approx(sum(w for j, w in places.items() if relation(j, v)))
        assert float(op(k, best).prob) == pytest.approx(sum(w for j, w in places.items() if relation(v, j)))
    expected = sum(places[j] * w for (j, w) in itertools.product(places, [0.25, 0.75])
                   if relation(j, 1 if w == 0.25 else 2))
    assert float(op(best, other).prob) == pytest.approx(expected)


def test_a_comparison_with_a_float_is_relaxed_on_the_expected_position():
    best = SoftIndex(jnp.asarray([0.5, 0.5]))
    with options(beta=1e4):
        assert float(lt(best, 0.4).prob) == pytest.approx(0.0, abs=1e-6)
        assert float(lt(best, 0.6).prob) == pytest.approx(1.0, abs=1e-6)


def test_carry_specs_widen_to_every_position_and_round_trip():
    spec = spec_of(merge(P, 2, 3))
    assert spec[0] == "position" and spec[3] == 2 and spec[1] == (2,)
    wide = join(join(spec, ("static", -1)), spec_of(BoundedInt(jnp.asarray(0), 0, 5)))
    assert wide[0] == "position" and wide[3] == -1 and wide[1] == (7,)
    value = from_leaves(wide, iter(to_leaves(merge(P, 2, 3), wide)))
    assert isinstance(value, SoftIndex) and _weights(value)[3] == 0.75 and _weights(value)[-1] == 0.0
    assert join(spec, ("array", (), jnp.dtype(jnp.int32)))[0] == "count"   # an int of unknown range
    assert join(spec, ("array", (), jnp.result_type(float)))[0] == "array"   # a float
    assert join(spec_of(BoundedInt(jnp.asarray(0), 0, 3)), spec_of(BoundedInt(jnp.asarray(1), 1, 4)))[0] == "array"
