"""Bad input to the API: a clear error that names what is wrong, and nothing changed afterwards; a
loop cut off at max_iter is reported."""
import inspect
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import MaxIterWarning, RelaxError, relax
from relaxjax.runtime import context
from tests.corpus import bubble_swaps


def reads_rows(s, t):
    return s[0][0] + t[0][1]   # the line test_wrong_rank expects


@pytest.mark.parametrize("args, kwargs, error, pattern", [
    (([1.0], [2.0]), {}, TypeError, r"bubble_swaps\(\): too many positional arguments"),
    (([1.0],), {"temperature": 2}, TypeError, r"bubble_swaps\(\): got an unexpected keyword argument 'temperature'"),
    ((np.array([1j, 2.0]),), {}, TypeError, r"argument a is complex128 array"),
    (([1.0, object()],), {}, TypeError, r"argument a\[1\] is a value of type object"),
    (([1.0, 2.0],), {"beta": "hot"}, TypeError, r"beta must be a positive number or a scalar float array"),
    (([1.0, 2.0],), {"beta": 0.0}, ValueError, r"beta must be > 0"),
    (([1.0, 2.0],), {"beta": float("nan")}, ValueError, r"beta must be > 0"),
    (([1.0, 2.0],), {"beta": jnp.ones(2)}, TypeError, r"scalar float array"),
])
def test_bad_arguments_name_what_is_wrong_before_tracing(args, kwargs, error, pattern):
    f = relax(bubble_swaps)
    with pytest.raises(error, match=pattern):
        f(*args, **kwargs)
    assert f.trace_count == 0


def test_wrong_rank_names_the_users_line_and_the_argument_shapes():
    line = inspect.getsourcelines(reads_rows)[1] + 1
    with pytest.raises(IndexError) as err:
        relax(reads_rows)([1.0, 2.0], [[1.0, 2.0]])
    note = "\n".join(getattr(err.value, "__notes__", []))
    assert "reads_rows(float" in note and "[2]" in note and f"test_bad_input.py:{line}" in note


def test_an_error_changes_nothing():
    f = relax(bubble_swaps, beta=3.0)
    with pytest.raises(RelaxError):
        f(np.ones((3, 3)))   # swaps changes shape inside the loop
    assert context.current() == context.Options()
    x = [3.0, 1.0, 2.0]
    np.testing.assert_allclose(f(x)[1], relax(bubble_swaps, beta=3.0)(x)[1], rtol=1e-6)


def test_relax_rejects_what_is_not_a_function():
    with pytest.raises(TypeError, match="function defined with `def`, got 3"):
        relax(3)


def halve(x):
    n = 0
    while x > 1.0:   # the line test_max_iter expects
        x = x / 2.0
        n += 1
    return x, n


def count_to(k):
    t = 0.0
    for _ in range(k):   # the line test_max_iter expects
        t += 1.0
    return t


@pytest.mark.parametrize("mode", ["relaxed", "hard"])
def test_a_loop_cut_off_at_max_iter_is_reported_never_silent(mode):
    f = relax(halve, mode=mode, max_iter=4)
    line = inspect.getsourcelines(halve)[1] + 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f(3.0)
        jax.effects_barrier()
        assert caught == []           # halts after 2 passes
        jax.vmap(f)(jnp.array([3.0, 1e6]))
        jax.effects_barrier()
    assert len(caught) == 1 and caught[0].category is MaxIterWarning
    assert f"test_bad_input.py:{line}: this `while` loop stopped after max_iter=4" in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MaxIterWarning)   # or stop: the user's choice
        with pytest.raises(Exception, match="max_iter"):
            f(1e6)
            jax.effects_barrier()


def test_a_range_bound_known_only_at_run_time_is_reported_when_cut():
    f = relax(count_to, mode="hard", max_iter=5)
    line = inspect.getsourcelines(count_to)[1] + 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert float(f(np.int32(3))) == 3.0
        jax.effects_barrier()
        assert caught == []
        assert float(f(np.int32(9))) == 5.0
        jax.effects_barrier()
    assert len(caught) == 1 and f"test_bad_input.py:{line}: this `for` loop" in str(caught[0].message)
