"""Calls from a relaxed function: user functions are converted too, libraries pass through."""
import inspect
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import RelaxError, relax
from tests.helpers import flat, run_python


def compare_swap(a, i, j):
    if a[i] > a[j]:
        a[i], a[j] = a[j], a[i]
    return a


def sort_with_helper(a):
    n = len(a)
    for i in range(n):
        for j in range(n - 1 - i):
            a = compare_swap(a, j, j + 1)
    return a


def squash(x):
    return jnp.tanh(x) + math.pi * 0.0


def uses_library(a):
    total = 0.0
    for x in a:
        total += squash(x) if x > 0 else jnp.exp(x) - 1.0
    return total


def ping(x):
    return pong(x)


def pong(x):
    if x > 0:
        x = ping(x - 1.0)
    return x


@pytest.mark.parametrize("fn", [sort_with_helper, uses_library])
def test_helpers_are_converted_and_match_cpython_in_hard_mode(fn):
    rng = np.random.default_rng(0)
    for _ in range(5):
        a = [float(v) for v in rng.normal(size=6)]
        np.testing.assert_allclose(flat(relax(fn, mode="hard")(a)), flat(run_python(fn, (a,))), rtol=1e-6)


def test_helper_comparisons_are_relaxed_with_the_callers_options():
    a = jnp.array([0.3, 0.1])
    out = relax(sort_with_helper, beta=3.0)(a)
    p = jax.nn.sigmoid(3.0 * 0.2)
    np.testing.assert_allclose(out, [p * 0.1 + (1 - p) * 0.3, p * 0.3 + (1 - p) * 0.1], rtol=1e-6)
    g = jax.grad(lambda v: relax(sort_with_helper, beta=3.0)(v)[0])(a)
    assert np.all(np.isfinite(g))


def test_mutual_recursion_is_an_error_naming_the_chain():
    with pytest.raises(RelaxError, match="ping -> pong -> ping"):
        relax(ping)(2.0)


def prints_values(a):
    total = 0.0
    for x in a:
        total += x
    print("total", total, 3)
    return total


def test_print_of_traced_values_works_like_jax_debug_print(capfd):
    out = relax(prints_values, mode="hard")(jnp.array([1.0, 2.0]))
    jax.effects_barrier()
    assert float(out) == 3.0
    assert "total 3.0 3" in capfd.readouterr().out


def sorts_soft(a):
    b = [a[0], a[1]]
    b.sort()
    return b


def pops(a):
    b = [1.0, 2.0]
    b.pop()
    return b


def test_in_place_list_methods_are_rewritten_or_rejected_with_the_line():
    from relaxjax import ConversionError
    assert relax(sorts_soft, mode="hard")([2.0, 1.0]).tolist() == [1.0, 2.0]
    q = float(jax.nn.sigmoid(2.0 * (2.0 - 1.0)))   # relaxed: the one compare-swap, mixed by P(2 > 1)
    np.testing.assert_allclose(relax(sorts_soft, beta=2.0)([2.0, 1.0]), [q + (1 - q) * 2, q * 2 + (1 - q)],
                               rtol=1e-6)
    with pytest.raises(ConversionError, match=r"`b.pop\(...\)` changes a list in place"):
        relax(pops)


def changes_in_place(a):
    a[0] = 9.0


def changes_and_returns(a):
    a[0] = 9.0
    return a


def calls_for_the_side_effect(a):
    changes_in_place(a)   # the line test_in_place expects
    return a


def takes_the_result_back(a):
    a = changes_and_returns(a)
    return a


def passes_a_fresh_list(a):
    b = changes_and_returns([a[0], a[1]])
    return b


def test_a_helper_that_changes_an_argument_the_caller_still_holds_is_an_error():
    line = inspect.getsourcelines(calls_for_the_side_effect)[1] + 1
    with pytest.raises(RelaxError, match=rf"test_calls.py:{line}: changes_in_place\(\) changes its argument 'a'"):
        relax(calls_for_the_side_effect, mode="hard")([1.0, 2.0])


@pytest.mark.parametrize("fn", [takes_the_result_back, passes_a_fresh_list])
def test_a_helper_may_change_what_only_its_result_passes_back(fn):
    import copy
    x = [1.0, 2.0]
    np.testing.assert_allclose(np.asarray(relax(fn, mode="hard")(x), dtype=float), fn(copy.deepcopy(x)))


def test_the_benchmarks_programs_are_user_code_wherever_installed():
    """An installed copy of `relaxjax.benchmarks` (pip install without -e) lives among the libraries;
    its programs and their helpers are converted all the same, other installed code is not."""
    import sysconfig
    from relaxjax.calls import user_function
    installed = sysconfig.get_paths()["purelib"] + "/somewhere/programs.py"
    namespace = {}
    exec(compile("def helper(x):\n    return x\n", installed, "exec"), namespace)
    helper = namespace["helper"]
    for module, converted in (("relaxjax.benchmarks.algorithms", True), ("somelibrary.programs", False),
                              ("relaxjax.runtime.builtins", False)):
        helper.__module__ = module
        assert user_function(helper) is converted, module
