"""Loops with independent iterations run at once (runtime/loops/vectorised.py), with the result of running
them one after another."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import context, loops
from relaxjax.runtime.loops import vectorised
from relaxjax.runtime.loops import put_slots, take_slots
from relaxjax.runtime.logic import gt
from relaxjax.runtime.conditionals import if_stmt
from relaxjax.runtime.values import BoundedInt, SoftBool
from tests.helpers import StrategyOver


def _AtOnce(iterable, accumulators, slots, reads=()):
    return StrategyOver(loops.Independent(accumulators, slots, reads), iterable)


def _swap_body(j, a, swaps):
    """`if a[j] > a[j + 1]: swap them; swaps += 1.0`, as the loop_strategies pass writes it."""
    x, y = take_slots(a, j, (0, 1))
    x, y, swaps = if_stmt(gt(x, y), lambda x, y, s: (y, x, s + 1.0), lambda x, y, s: (x, y, s),
                          (x, y, swaps), ("x", "y", "swaps"))
    return put_slots(a, j, (0, 1), (x, y)), swaps


def _both_ways(iterable, body, state, names, mode="relaxed"):
    """The loop run at once and run one iteration after another."""
    with context.options(mode=mode, beta=2.0):
        at_once = _AtOnce(iterable, ("swaps",), (("a", (0, 1)),)).run_or_none(body, state, names)
        one_by_one = loops.for_stmt(iterable, body, state, names)
    return at_once, one_by_one


@pytest.mark.parametrize("mode", ["relaxed", "hard"])
def test_a_static_range_at_once_equals_the_loop(mode):
    a = jnp.asarray([3.0, 1.0, -2.0, 5.0, 4.0, 4.5, 0.0])
    at_once, one_by_one = _both_ways(range(0, 6, 2), _swap_body, (a, 0.0), ("a", "swaps"), mode)
    assert at_once is not None
    for x, y in zip(at_once, one_by_one):
        np.testing.assert_allclose(x, y, rtol=1e-6)


@pytest.mark.parametrize("start", [0, 1])
def test_steps_past_a_traced_bound_write_nothing_and_add_nothing(start):
    a = jnp.asarray([3.0, 1.0, -2.0, 5.0, 4.0, 4.5, 0.0, -1.0])

    @jax.jit
    def run(first):
        rng = loops.TracedRange(BoundedInt(first, 0, 1), 7, 2)   # j = first, first + 2, ... < 7
        return _both_ways(rng, _swap_body, (a, 0.0), ("a", "swaps"), "hard")

    at_once, one_by_one = run(jnp.asarray(start))
    np.testing.assert_array_equal(at_once[0], one_by_one[0])
    assert float(at_once[1]) == float(one_by_one[1])
    expected = [float(v) for v in a]
    swaps = 0.0
    for j in range(start, 7, 2):
        if expected[j] > expected[j + 1]:
            expected[j], expected[j + 1] = expected[j + 1], expected[j]
            swaps += 1.0
    np.testing.assert_array_equal(at_once[0], expected)
    assert float(at_once[1]) == swaps


def test_increments_are_added_in_iteration_order():
    dtype = jnp.result_type(float)
    big = float(2 / jnp.finfo(dtype).eps)   # big + 1 == big, so the order of the sum shows
    steps = [big, 1.0, -big, 1.0, 1.0, big, -big]
    expected = 0.0
    for s in steps:
        expected = float(np.asarray(expected, dtype) + np.asarray(s, dtype))

    def body(j, total):
        (total,) = (total + jnp.asarray(steps, dtype)[j.value],)
        return (total,)

    with context.options(mode="hard"):
        out = _AtOnce(range(len(steps)), ("total",), ()).run_or_none(body, (0.0,), ("total",))
    assert float(out[0]) == expected
    other_order = 0.0
    for s in sorted(steps):
        other_order = float(np.asarray(other_order, dtype) + np.asarray(s, dtype))
    assert other_order != expected   # the order matters for these


def test_elements_that_may_fall_outside_the_array_run_the_loop_as_written():
    a = jnp.arange(10.0)
    with context.options(mode="relaxed"):
        # j + 1 reaches 10 at j = 9: CPython raises IndexError there; the runtime does not guess
        assert _AtOnce(range(1, 10, 2), ("swaps",), (("a", (0, 1)),)).run_or_none(
            _swap_body, (a, 0.0), ("a", "swaps")) is None
        # a negative place reads from the end in Python: no longer one element per iteration
        assert _AtOnce(range(0, 10, 2), ("swaps",), (("a", (-1, 0)),)).run_or_none(
            _swap_body, (a, 0.0), ("a", "swaps")) is None


def test_a_probability_written_into_a_bool_array_runs_the_loop_as_written():
    def body(j, a, x):
        (old,) = take_slots(a, j, (0,))
        return put_slots(a, j, (0,), (SoftBool(jax.nn.sigmoid(x[j.value if isinstance(j, BoundedInt) else j])),)), x

    x = jnp.arange(6.0) - 3.0
    with context.options(mode="relaxed"):
        plan = _AtOnce(range(6), (), (("a", (0,)),))
        assert plan.run_or_none(body, (jnp.zeros(6, bool), x), ("a", "x")) is None
        floats = plan.run_or_none(body, (jnp.zeros(6), x), ("a", "x"))   # a float array holds probabilities
    np.testing.assert_allclose(floats[0], jax.nn.sigmoid(x))


def test_gradients_match_the_loop():
    a = jnp.asarray([3.0, 1.0, -2.0, 5.0, 4.0, 4.5])

    def total(a, at_once):
        with context.options(mode="relaxed", beta=1.5):
            rng = range(0, 5, 2)
            if at_once:
                out = _AtOnce(rng, ("swaps",), (("a", (0, 1)),)).run_or_none(_swap_body, (a, 0.0), ("a", "swaps"))
            else:
                out = loops.for_stmt(rng, _swap_body, (a, 0.0), ("a", "swaps"))
        return jnp.sum(out[0] * jnp.arange(6.0)) + out[1]

    np.testing.assert_allclose(jax.grad(total)(a, True), jax.grad(total)(a, False), rtol=1e-6, atol=1e-7)


def test_the_operators_read_and_write_elements_when_run_one_by_one():
    a = jnp.arange(5.0)
    assert [float(v) for v in take_slots(a, 2, (0, 1))] == [2.0, 3.0]
    np.testing.assert_array_equal(put_slots(a, 1, (0, 2), (10.0, 30.0)), [0.0, 10.0, 2.0, 30.0, 4.0])
    assert vectorised.take_slots(vectorised.Slots((7.0,)), 0, (0,)) == (7.0,)
