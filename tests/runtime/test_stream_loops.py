"""Loops run as a stream (runtime/loops/stream.py) give the result of running them as written."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax.runtime import context, loops
from tests.helpers import StrategyOver
from relaxjax.runtime.arithmetic import add, mul
from relaxjax.runtime.conditionals import if_stmt
from relaxjax.runtime.loops import put_slots, take_slots
from relaxjax.runtime.logic import gt
from relaxjax.runtime.values import BoundedInt, SoftBool

SWAP = (("a", (0, 1)),)


def _StreamOver(iterable, slots, reads=()):
    return StrategyOver(loops.Streamed(slots, reads), iterable)


def _swap_body(j, a, swaps):
    """`if a[j] > a[j + 1]: swap them; swaps += 1.0`, as the pass writes bubble sort's inner loop."""
    x, y = take_slots(a, j, (0, 1))
    x, y, swaps = if_stmt(gt(x, y), lambda x, y, s: (y, x, s + 1.0), lambda x, y, s: (x, y, s),
                          (x, y, swaps), ("x", "y", "swaps"))
    return put_slots(a, j, (0, 1), (x, y)), swaps


def _both_ways(iterable, body, state, names, slots=SWAP, mode="relaxed"):
    """The loop run as a stream and as written."""
    with context.options(mode=mode, beta=2.0):
        streamed = _StreamOver(iterable, slots).run_or_none(body, state, names)
        as_written = loops.for_stmt(iterable, body, state, names)
    return streamed, as_written


def _assert_same(streamed, as_written, exact):
    assert streamed is not None
    for s, w in zip(streamed, as_written):
        assert jnp.asarray(s).dtype == jnp.asarray(w).dtype
        if exact:
            np.testing.assert_array_equal(s, w)
        else:
            np.testing.assert_allclose(s, w, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("mode", ["relaxed", "hard"])
def test_a_pass_of_bubble_sort_as_a_stream_equals_the_loop(mode):
    a = jnp.asarray([3.0, 1.0, -2.0, 5.0, 4.0, 4.5, 0.0])
    for rng in (range(2, 6), range(1, 4), range(6)):
        streamed, as_written = _both_ways(rng, _swap_body, (a, 0.0), ("a", "swaps"), mode=mode)
        _assert_same(streamed, as_written, exact=mode == "hard")
    if mode == "hard":   # a whole pass: the largest value bubbles to the end, as in Python
        assert [float(v) for v in streamed[0]] == [1.0, -2.0, 3.0, 4.0, 4.5, 0.0, 5.0]


@pytest.mark.parametrize("mode", ["relaxed", "hard"])
def test_steps_past_a_traced_bound_pass_their_elements_through(mode):
    a = jnp.asarray([3.0, 1.0, -2.0, 5.0, 4.0, 4.5, 0.0, -1.0])

    def run(stop, stream):
        with context.options(mode=mode, beta=2.0):
            rng = loops.TracedRange(0, BoundedInt(stop, 1, 7), 1)
            if stream:
                out = _StreamOver(rng, SWAP).run_or_none(_swap_body, (a, 0.0), ("a", "swaps"))
                assert out is not None
                return out
            return loops.for_stmt(rng, _swap_body, (a, 0.0), ("a", "swaps"))

    for stop in (1, 3, 7):
        streamed = jax.jit(run, static_argnums=1)(stop, True)
        as_written = jax.jit(run, static_argnums=1)(stop, False)
        _assert_same(streamed, as_written, exact=mode == "hard")


def test_a_running_value_with_one_slot_and_an_int_array_that_becomes_float():
    def body(j, a, total):
        (x,) = take_slots(a, j, (0,))
        total = add(total, mul(x, 0.5))
        return put_slots(a, j, (0,), (total,)), total

    a = jnp.arange(6)
    streamed, as_written = _both_ways(range(1, 6), body, (a, 0.0), ("a", "total"), slots=(("a", (0,)),), mode="hard")
    _assert_same(streamed, as_written, exact=True)
    assert streamed[0].dtype == jnp.result_type(float)


def test_gradients_match_the_loop():
    a = jnp.asarray([3.0, 1.0, -2.0, 5.0, 4.0, 4.5])

    def total(a, stream):
        with context.options(mode="relaxed", beta=1.5):
            if stream:
                out = _StreamOver(range(5), SWAP).run_or_none(_swap_body, (a, 0.0), ("a", "swaps"))
            else:
                out = loops.for_stmt(range(5), _swap_body, (a, 0.0), ("a", "swaps"))
        return jnp.sum(out[0] * jnp.arange(6.0)) + out[1]

    np.testing.assert_allclose(jax.grad(total)(a, True), jax.grad(total)(a, False), rtol=1e-6, atol=1e-7)


def test_what_a_stream_cannot_show_runs_the_loop_as_written():
    a = jnp.arange(6.0)
    with context.options(mode="relaxed"):
        # j + 1 reaches 6 at j = 5: CPython raises IndexError there; the runtime does not guess
        assert _StreamOver(range(6), SWAP).run_or_none(_swap_body, (a, 0.0), ("a", "swaps")) is None
        assert _StreamOver(range(0, 5, 2), SWAP).run_or_none(_swap_body, (a, 0.0), ("a", "swaps")) is None
        assert _StreamOver(range(1), SWAP).run_or_none(_swap_body, (a, 0.0), ("a", "swaps")) is None
        # a traced start: the steps past the range would not be at fixed places
        rng = loops.TracedRange(BoundedInt(jnp.asarray(1), 0, 1), 5, 1)
        assert _StreamOver(rng, SWAP).run_or_none(_swap_body, (a, 0.0), ("a", "swaps")) is None

        def soft_write(j, a, x):
            (old,) = take_slots(a, j, (0,))
            return put_slots(a, j, (0,), (SoftBool(jax.nn.sigmoid(x)),)), x
        assert _StreamOver(range(4), (("a", (0,)),)).run_or_none(
            soft_write, (jnp.zeros(6), jnp.asarray(0.5)), ("a", "x")) is None
        assert _StreamOver(range(4), (("a", (0,)),)).run_or_none(
            soft_write, (jnp.zeros(6, bool), jnp.asarray(0.5)), ("a", "x")) is None


def _weighted_running_sum(j, a, total, b):
    """`a[j] = a[j - 1] + b[j] * b[j + 1]` (a written at offsets -1 and 0, b only read at 0 and 1)."""
    prev, cur = take_slots(a, j, (-1, 0))
    here, after = take_slots(b, j, (0, 1))
    cur = add(prev, mul(here, after))
    return put_slots(a, j, (-1, 0), (prev, cur)), add(total, cur)


@pytest.mark.parametrize("mode", ["relaxed", "hard"])
def test_an_array_the_loop_only_reads_is_fed_in_with_the_result_of_reading_it(mode):
    a, b = jnp.zeros(6), jnp.asarray([1.0, -2.0, 3.0, 0.5, 4.0, -1.0, 2.0])

    def run(b, stream):
        body = lambda j, a, total: _weighted_running_sum(j, a, total, b)   # noqa: E731 (b by closure, as generated)
        with context.options(mode=mode, beta=2.0):
            if stream:
                return _StreamOver(range(1, 6), (("a", (-1, 0)),), ((b, (0, 1)),)).run_or_none(
                    body, (a, 0.0), ("a", "total"))
            return loops.for_stmt(range(1, 6), body, (a, 0.0), ("a", "total"))

    _assert_same(run(b, True), run(b, False), exact=True)
    expected = np.cumsum(np.asarray(b[1:6]) * np.asarray(b[2:7]))
    np.testing.assert_allclose(run(b, True)[0][1:], expected, rtol=1e-6)
    step = jax.make_jaxpr(lambda b: run(b, True))(b).jaxpr
    scan = [e for e in step.eqns if e.primitive.name == "scan"]
    assert len(scan) == 1
    assert not [e for e in scan[0].params["jaxpr"].jaxpr.eqns if e.primitive.name in ("dynamic_slice", "gather")]


def test_a_read_array_past_the_range_is_read_by_index():
    a, b = jnp.zeros(6), jnp.arange(6.0)   # b[j + 1] reaches 6 at j = 5: not fed, read as written
    body = lambda j, a, total: _weighted_running_sum(j, a, total, b)   # noqa: E731
    with context.options(mode="hard"):
        streamed = _StreamOver(range(1, 6), (("a", (-1, 0)),), ((b, (0, 1)),)).run_or_none(body, (a, 0.0), ("a", "total"))
        as_written = loops.for_stmt(range(1, 6), body, (a, 0.0), ("a", "total"))
    _assert_same(streamed, as_written, exact=True)


def test_gradients_through_a_fed_array_match_the_loop():
    def total(b, stream):
        a = jnp.zeros(6)
        body = lambda j, a, t: _weighted_running_sum(j, a, t, b)   # noqa: E731
        with context.options(mode="relaxed"):
            if stream:
                out = _StreamOver(range(1, 6), (("a", (-1, 0)),), ((b, (0, 1)),)).run_or_none(body, (a, 0.0), ("a", "t"))
            else:
                out = loops.for_stmt(range(1, 6), body, (a, 0.0), ("a", "t"))
        return jnp.sum(out[0] * jnp.arange(6.0)) + out[1]

    b = jnp.asarray([1.0, -2.0, 3.0, 0.5, 4.0, -1.0, 2.0])
    np.testing.assert_allclose(jax.grad(total)(b, True), jax.grad(total)(b, False), rtol=1e-6)
