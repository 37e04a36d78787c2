"""The README's statements about behaviour, one test per statement, named after the README section that
makes it (`test_<section>__<statement>`), so that the text cannot drift from the code. The README's
code blocks run in test_readme.py; these pin its prose."""
import ast
import inspect
import math
import pathlib
import re
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import ConversionError, RelaxError, relax, sharp
from tests.corpus import dijkstra_from_infinity
from tests.helpers import x64
from tests.test_real_python import dijkstra_heapq, dijkstra_heapq_without_stale_check

BETA = 1.7
REL = 1e-6 if x64() else 2e-5
s = jax.nn.sigmoid


def approx(value):
    return pytest.approx(value, rel=REL, abs=1e-7)


def p(fn, *args, beta=BETA, **kwargs):
    """The relaxed result of `fn` as floats."""
    out = relax(fn, beta=beta, **kwargs)(*args)
    return np.asarray(out, dtype=np.float64)


# ---------------------------------------------------------------- "What a relaxed program computes": the table
def less(a, b):
    return 1.0 if a < b else 0.0


def less_equal(a, b):
    return 1.0 if a <= b else 0.0


def equal(a, b):
    return 1.0 if a == b else 0.0


def logic(a, b):
    return (1.0 if not a > 0 else 0.0), (1.0 if a > 0 and b > 0 else 0.0), (1.0 if a > 0 or b > 0 else 0.0)


def truth_values_compared(a, b):
    return (1.0 if (a > 0) == (b > 0) else 0.0), (1.0 if (a > 0) != (b > 0) else 0.0)


def bitwise(a, b):
    return [1.0 if (a > 0) & (b > 0) else 0.0, 1.0 if (a > 0) | (b > 0) else 0.0, 1.0 if (a > 0) ^ (b > 0) else 0.0]


def branch(a, x, y):
    if a > 0:
        v = x
    else:
        v = y
    return v, (x if a > 0 else y)


def early_return(a, x, y):
    if a > 0:
        return x
    return y


def first_above(a, t):
    for i in range(len(a)):
        if a[i] > t:
            return i
    return -1


def number_as_truth(x):
    return 1.0 if x else 0.0


def in_list(a, x):
    return 1.0 if x in a else 0.0


def absolute(x):
    return abs(x)


def two_min(a, b):
    return min(a, b)


def read_at(a, i):
    return a[i]


def write_at(a, i, v):
    a[i] = v
    return a


def test_what_a_relaxed_program_computes__comparisons_are_sigmoids_and_ties_are_one_half():
    assert p(less, 0.3, 1.1) == approx(float(s(BETA * 0.8)))
    assert p(less, 0.7, 0.7) == approx(0.5) and p(less_equal, 0.7, 0.7) == approx(0.5)
    assert p(equal, 0.3, 1.1) == approx(float(1 / jnp.cosh(BETA * 0.4) ** 2))
    assert p(equal, 0.7, 0.7) == approx(1.0)


def test_what_a_relaxed_program_computes__not_and_or_are_independent_events():
    pa, pb = float(s(BETA * 0.4)), float(s(BETA * -0.9))
    np.testing.assert_allclose(p(logic, 0.4, -0.9), [1 - pa, pa * pb, pa + pb - pa * pb], rtol=REL)


def test_what_a_relaxed_program_computes__truth_values_compared_agree_or_differ():
    pa, pb = float(s(BETA * 0.4)), float(s(BETA * -0.9))
    agree = pa * pb + (1 - pa) * (1 - pb)
    np.testing.assert_allclose(p(truth_values_compared, 0.4, -0.9), [agree, 1 - agree], rtol=REL)
    np.testing.assert_allclose(p(bitwise, 0.4, -0.9), [pa * pb, pa + pb - pa * pb, pa + pb - 2 * pa * pb], rtol=REL)


def test_what_a_relaxed_program_computes__if_and_conditional_expressions_mix_by_the_probability():
    q = float(s(BETA * 0.3))
    np.testing.assert_allclose(p(branch, 0.3, 2.0, -1.0), [q * 2 - (1 - q)] * 2, rtol=REL)
    assert p(early_return, 0.3, 2.0, -1.0) == approx(q * 2 - (1 - q))


def test_what_a_relaxed_program_computes__return_inside_a_loop_gives_the_expected_first_index():
    a = [0.1, 0.9, 0.8]
    q = [float(s(BETA * (v - 0.5))) for v in a]
    first = [q[0], (1 - q[0]) * q[1], (1 - q[0]) * (1 - q[1]) * q[2]]
    want = sum(i * w for i, w in enumerate(first)) - (1 - sum(first))
    assert p(first_above, jnp.asarray(a), 0.5) == approx(want)


def test_what_a_relaxed_program_computes__a_number_as_truth_value_means_not_zero():
    assert p(number_as_truth, 0.4) == approx(1 - float(1 / jnp.cosh(BETA * 0.2) ** 2))


def test_what_a_relaxed_program_computes__in_is_any_equal():
    a = [0.2, 1.0]
    eqs = [float(1 / jnp.cosh(BETA * (v - 0.5) / 2) ** 2) for v in a]
    assert p(in_list, jnp.asarray(a), 0.5) == approx(1 - (1 - eqs[0]) * (1 - eqs[1]))


def test_what_a_relaxed_program_computes__min_and_abs_are_the_if_forms():
    q = float(s(BETA * (2.0 - 0.5)))   # P(0.5 < 2.0)
    assert p(two_min, 0.5, 2.0) == approx(q * 0.5 + (1 - q) * 2.0)
    assert p(absolute, -0.6) == approx(-0.6 * math.tanh(BETA * -0.6 / 2))


def test_what_a_relaxed_program_computes__a_soft_index_reads_and_writes_by_rounding_weights():
    a = jnp.asarray([1.0, 2.0, 4.0])
    i = 0.8
    w = np.array([s(BETA * (0.5 - i)), s(BETA * (1.5 - i)) - s(BETA * (0.5 - i)), 1 - s(BETA * (1.5 - i))])
    assert p(read_at, a, i) == approx(float(w @ np.asarray(a)))
    np.testing.assert_allclose(p(write_at, a, i, 9.0), w * 9.0 + (1 - w) * np.asarray(a), rtol=REL)


# ---------------------------------------------------------------- "What a relaxed program computes": consequences
def count_above(a, t):
    count = 0
    for x in a:
        if x > t:
            count += 1
    return count


def count_keeps_its_mark(a, t):
    count = count_above(a, t)
    return (1.0 if min(count, 5) >= 2 else 0.0, 1.0 if abs(count) >= 2 else 0.0, 1.0 if int(count) >= 2 else 0.0,
            1.0 if round(count) >= 2 else 0.0, 1.0 if count / 1 >= 2 else 0.0, 1.0 if count + 0.0 >= 2 else 0.0)


def loop_to_count(a, t):
    total = 0.0
    for i in range(count_above(a, t)):
        total += a[i]
    return total


def self_and_twins(a):
    return (1.0 if a[0] < a[0] else 0.0), (1.0 if a[0] < a[1] else 0.0)


def relax_from_infinity(x):
    best = math.inf
    if x < best:
        best = x
    return best, min(math.inf, x)


def uncertain_infinity(x):
    d = 1.0
    if x > 0:
        d = math.inf
    return d


def test_what_a_relaxed_program_computes__a_count_is_an_expected_integer_that_ties_as_integers_do():
    a = jnp.asarray([2.0, 3.0, -1.0])   # two above 0.5, clearly
    tie = float(s(1e3 / 2))
    assert p(count_keeps_its_mark, a, 0.5, beta=1e3).tolist()[:4] == [approx(tie)] * 4   # min, abs, int, round
    np.testing.assert_allclose(p(count_keeps_its_mark, a, 0.5, beta=1e3)[4:], 0.5, atol=1e-9)   # a float: 1/2
    assert p(loop_to_count, a, 0.5, beta=3.0) == approx(5.0)   # range(count): to its nearest integer


def test_what_a_relaxed_program_computes__a_value_compared_with_itself_is_exact_and_equal_twins_tie():
    assert p(self_and_twins, jnp.asarray([0.5, 0.5]), beta=1e6).tolist() == [0.0, 0.5]


def test_what_a_relaxed_program_computes__certain_decisions_select_infinities_exactly_with_finite_gradients():
    assert p(relax_from_infinity, 0.3).tolist() == [approx(0.3)] * 2
    assert p(uncertain_infinity, 0.3) == math.inf
    assert p(uncertain_infinity, -math.inf) == 1.0
    g = jax.grad(lambda x: relax(relax_from_infinity, beta=BETA)(x)[1])(0.3)
    assert float(g) == 1.0
    assert bool(jnp.isfinite(jax.grad(lambda x: relax(uncertain_infinity, beta=BETA)(x))(0.3)))


def tax(income, rates):
    edges = [0.0, 10000.0, 40000.0, math.inf]
    total = 0.0
    for k in range(3):
        if income > edges[k + 1]:   # certainly not taken for the top bracket: its width is infinite
            total += (edges[k + 1] - edges[k]) * rates[k]
        elif income > edges[k]:
            total += (income - edges[k]) * rates[k]
    return total


def tax_scanned(income, rates, edges):
    total = 0.0
    for k in range(len(rates)):
        if income > edges[k + 1]:
            total += (edges[k + 1] - edges[k]) * rates[k]
        elif income > edges[k]:
            total += (income - edges[k]) * rates[k]
    return total


def test_what_a_relaxed_program_computes__an_infinite_value_in_a_branch_certainly_not_taken_passes_no_nan():
    rates = jnp.asarray([0.1, 0.2, 0.4])
    assert float(relax(tax, beta=1.0)(25000.0, rates)) == approx(tax(25000.0, [0.1, 0.2, 0.4]))
    g = jax.grad(lambda r: relax(tax, beta=1.0)(25000.0, r))(rates)
    np.testing.assert_allclose(g, [10000.0, 15000.0, 0.0], rtol=REL)
    edges = jnp.asarray([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, jnp.inf])   # a scan reads the edges
    rates = jnp.linspace(0.1, 1.0, 10)
    g = jax.grad(lambda r: relax(tax_scanned, beta=1.0)(4.5, r, edges))(rates)
    assert bool(jnp.all(jnp.isfinite(g)))
    h = jax.hessian(lambda x: relax(tax, beta=1.0)(x, rates[:3]))(25000.0)   # higher derivatives too
    assert bool(jnp.isfinite(h))


def promote(a):
    a[0] = 0.5
    return a


def aliased(a):
    row = [0.0, 0.0]
    d = [row, row]
    d[0][0] = a[0]
    return d


def past_the_end(a):
    return a[len(a)]


def guarded_past_the_end(a, x):
    if x > 0 and a[len(a)] > x:   # some runs skip the read: clamped, as JAX does
        return 1.0
    return 0.0


def test_what_a_relaxed_program_computes__lists_are_values_and_aliasing_is_refused_at_conversion():
    a = jnp.asarray([1.0, 2.0])
    relax(write_at)(a, 0, 5.0)
    assert a.tolist() == [1.0, 2.0]   # the caller's array is never modified
    assert relax(promote, mode="hard")(jnp.asarray([1, 2])).tolist() == [0.5, 2.0]   # float into int: promoted
    with pytest.raises(ConversionError, match=r"test_readme_claims.py:\d+: 'row' is bound by `d = \[row, row\]`"):
        relax(aliased)(a)


def test_what_a_relaxed_program_computes__an_index_known_out_of_range_is_indexerror():
    with pytest.raises(IndexError):
        relax(past_the_end, mode="hard")(jnp.asarray([1.0, 2.0]))
    assert float(relax(guarded_past_the_end, mode="hard")(jnp.asarray([1.0, 2.0]), 1.5)) == 1.0   # a[1]: 2.0 > 1.5


def best_of_two_then_sentinel(a):
    best = 1
    for i in range(2, 3):
        if a[i] > a[best]:
            best = i
    a[best] = -1e9
    return a, 1.0 if best == 2 else 0.0


def test_what_a_relaxed_program_computes__a_chosen_position_is_a_distribution_over_the_positions_assigned():
    a = jnp.asarray([0.0, 1.0, 1.5, -3.0])
    q = float(s(BETA * 0.5))   # P(a[2] > a[1])
    out, is_two = relax(best_of_two_then_sentinel, beta=BETA)(a)
    assert float(is_two) == approx(q)   # `best == 2` reads the weight exactly
    assert np.asarray(out)[[0, 3]].tolist() == [0.0, -3.0]   # never chosen: untouched
    assert np.asarray(out)[1:3] == pytest.approx([q * 1.0 + (1 - q) * -1e9, (1 - q) * 1.5 + q * -1e9], rel=REL)
    spread, _ = relax(best_of_two_then_sentinel, beta=BETA, positions="expected")(a)   # the paper's reading
    assert np.asarray(spread)[0] < -1.0 and np.asarray(spread)[3] < -4.0   # rounding weights reach every slot
    w = np.random.default_rng(0).uniform(1.0, 5.0, (5, 5))
    for beta in (1.0, 5.0, 30.0):
        assert np.isfinite(p(dijkstra_from_infinity, jnp.asarray(w), beta=beta)[-1])
        assert np.isinf(p(dijkstra_from_infinity, jnp.asarray(w), beta=beta, positions="expected")[-1])
    assert p(dijkstra_from_infinity, jnp.asarray(w), beta=1e3)[-1] == approx(dijkstra_from_infinity(w.tolist())[-1])


# ---------------------------------------------------------------- "Supported Python"
def power(i):
    out = 0.0
    for k in range(i):
        out += 2 ** (k - 1)
    return out


def is_flags(a):
    done = a > 0
    return (1.0 if done is True else 0.0), (1.0 if done is not False else 0.0), (1.0 if done is False else 0.0)


def chained(a, lo, hi):
    return 1.0 if lo <= a < hi else 0.0


def sort_soft(a):
    a.sort()
    return a


def loop_bound_from_data(a):
    total = 0.0
    for i in range(a[0]):
        total += 1.0
    return total


def test_supported_python__power_follows_pythons_types():
    assert float(relax(power, mode="hard")(3)) == power(3) == 3.5


def test_supported_python__is_true_and_is_false_on_truth_values():
    q = float(s(BETA * 0.4))
    np.testing.assert_allclose(p(is_flags, 0.4), [q, q, 1 - q], rtol=REL)


def test_supported_python__chained_comparisons_are_their_and():
    assert p(chained, 0.5, 0.0, 1.0) == approx(float(s(BETA * 0.5) * s(BETA * 0.5)))


def test_supported_python__sorting_soft_data_is_the_relaxed_odd_even_sort_and_exact_in_hard_mode():
    assert relax(sort_soft, mode="hard")(jnp.asarray([3.0, 1.0])).tolist() == [1.0, 3.0]
    q = float(s(BETA * 2.0))   # P(3 > 1): the one compare-swap
    np.testing.assert_allclose(p(sort_soft, jnp.asarray([3.0, 1.0])), [q * 1 + (1 - q) * 3, q * 3 + (1 - q) * 1],
                               rtol=REL)


def test_supported_python__a_soft_heap_relaxes_dijkstra_closer_than_the_array_search_unless_stale_checked():
    rng = np.random.default_rng(0)   # the README's figures: 20 random 6x6 graphs
    ws = jnp.asarray(np.stack([rng.uniform(0.5, 4.0, (6, 6)) for _ in range(20)]))
    want = np.asarray([dijkstra_heapq_without_stale_check(w.tolist()) for w in np.asarray(ws)])

    def error(fn, beta):
        return float(np.mean(np.abs(np.asarray(jax.vmap(relax(fn, beta=beta))(ws)) - want)))
    assert error(dijkstra_heapq_without_stale_check, 30.0) < 0.005 < 0.02 < error(dijkstra_from_infinity, 30.0)
    assert error(dijkstra_heapq, 100.0) > 0.05   # the stale-entry check's tie


def test_supported_python__a_loop_bound_on_soft_data_is_an_error_naming_the_line():
    with pytest.raises(RelaxError, match="loop bound"):
        relax(loop_bound_from_data)(jnp.asarray([3.0, 1.0]))


# ---------------------------------------------------------------- "Options"
def test_options__beta_must_be_positive_and_max_iter_at_least_one():
    with pytest.raises(ValueError):
        relax(less, beta=0.0)
    with pytest.raises(ValueError):
        relax(less, max_iter=0)


@pytest.mark.skipif(not x64(), reason="compared to float64 precision")
def test_hard_mode__equals_cpython_in_float64():
    a = [0.3, -1.2, 0.8]
    assert float(relax(first_above, mode="hard")(jnp.asarray(a), 0.5)) == first_above(a, 0.5)


# ---------------------------------------------------------------- "Straight-through" and "mode=\"sampled\""
def test_straight_through__hard_values_with_the_relaxed_derivatives_and_counts_as_floats():
    a = jnp.asarray([2.0, 3.0, -1.0])
    st = relax(count_above, mode="straight_through", beta=BETA)
    out = st(a, 0.5)
    assert jnp.issubdtype(out.dtype, jnp.floating) and float(out) == 2.0
    smooth = jax.grad(lambda x: relax(count_above, beta=BETA)(x, 0.5))(a)
    np.testing.assert_allclose(jax.grad(lambda x: st(x, 0.5))(a), smooth, rtol=REL)


def test_the_true_expectation__sampled_mode_averages_draws_of_each_decision():
    q = float(s(BETA * 0.3))
    sampled = relax(branch, beta=BETA, mode="sampled", samples=20000)
    v, _ = sampled(0.3, 1.0, 0.0, key=jax.random.key(0))
    assert abs(float(v) - q) < 0.02   # the mean of Bernoulli(q) draws
    with pytest.raises(Exception):
        relax(branch, mode="sampled")(0.3, 1.0, 0.0)   # a key is required


# ---------------------------------------------------------------- "When something is wrong"
def takes_beta(a, beta):
    return a


def test_when_something_is_wrong__arguments_are_checked_before_tracing_naming_the_argument():
    with pytest.raises(TypeError, match=r"absolute\(\): argument x is complex\d+ array"):
        relax(absolute)(jnp.asarray([1j]))
    with pytest.raises(TypeError, match="absolute"):
        relax(absolute)(1.0, 2.0)   # does not fit the signature
    with pytest.raises(TypeError):
        relax(absolute)(0.5, beta="high")


def test_options__a_parameter_called_beta_is_rejected():
    with pytest.raises(Exception, match="beta"):
        relax(takes_beta)(1.0, 2.0)


# ---------------------------------------------------------------- "More of the Python algorithms": integer arithmetic
def halves(a):
    out = 0.0
    for i in range(len(a)):
        out += a[int(i / 2)] + (1.0 if i / 2 >= 1 else 0.0)
    return out


def whole_buckets(x, w):
    return int(x // w), int(x), round(x)


def test_more_of_the_python_algorithms__a_quotient_of_hard_integers_stays_hard():
    a = [0.5, 2.0, -1.0, 4.0]
    assert p(halves, jnp.asarray(a), beta=0.5) == approx(halves(a))   # exact at any beta


def test_more_of_the_python_algorithms__soft_rounding_is_expected_and_floor_division_is_its_integer():
    assert p(whole_buckets, 2.3, 0.5, beta=1e3).tolist() == [4.0, approx(2.0), approx(2.0)]
    assert p(whole_buckets, 2.5, 1.0, beta=1e3)[2] == approx(2.5)   # on a jump: the average of its sides
    g = jax.grad(lambda x: relax(whole_buckets, beta=2.0)(x, 0.5)[1])(2.3)
    assert float(g) > 0 and float(jax.grad(lambda x: relax(whole_buckets, beta=2.0)(x, 0.5)[0])(2.3)) == 0.0


# ---------------------------------------------------------------- "Noise distributions", "One comparison at its own beta"
def two_sorted(a, b):
    if a > b:
        a, b = b, a
    return a, b, (1.0 if a == b else 0.0)


def clipped(x, limit):
    if sharp(x > limit, beta=50.0):
        x = limit
    return x


def test_noise_distributions__comparisons_take_the_cdf_and_equality_the_density_ratio():
    from jax.scipy.special import ndtr
    out = p(two_sorted, 0.7, 0.2, dist="gaussian")
    q = float(ndtr(BETA * 0.5))   # P(0.7 > 0.2)
    assert out[0] == approx(q * 0.2 + (1 - q) * 0.7)
    assert out[2] == approx(math.exp(-0.5 * (BETA * (q * 0.2 + (1 - q) * 0.7 - (q * 0.7 + (1 - q) * 0.2))) ** 2))
    with pytest.raises(ValueError, match="logistic"):
        relax(two_sorted, dist="uniform")


def test_one_comparison_at_its_own_beta__sharp_is_the_expression_in_python_and_hard_mode():
    assert clipped(3.0, 1.0) == 1.0
    assert float(relax(clipped, mode="hard")(0.5, 1.0)) == 0.5
    q = float(s(50.0 * 0.1))   # the clip at beta 50, whatever the function's beta
    assert p(clipped, 1.1, 1.0, beta=0.1) == approx(q * 1.0 + (1 - q) * 1.1)


# ---------------------------------------------------------------- "Supported Python": loops, lists, dicts, errors
def changed_while_iterated(a):
    out = 0.0
    for k, v in enumerate(a):
        out += v
        if k + 1 < len(a):
            a[k + 1] = a[k + 1] * 10.0   # Python's list iterator reads the changed element next
    return out


def rebinds_while_iterated(a):
    for v in a:
        a[0] = v
        a = [x + 1.0 for x in a]
    return a


def last_value(a):
    for i in range(len(a)):
        pass
    return i


def window_sums(a):
    out = 0.0
    for i in range(len(a)):
        out += sum(a[i:i + 2])
    return out


def static_keys(a):
    stats = {"lo": 0.0, "hi": 0.0}
    for x in a:
        if x < 0:
            stats["lo"] += x
        else:
            stats["hi"] += x
    return stats["lo"], stats["hi"]


def pops(a):
    a.pop()
    return a


def maybe_unassigned(a):
    if a[0] > 0:
        y = 1.0
    return y


def swap_in_place(a, i, j):
    a[i], a[j] = a[j], a[i]


def calls_in_place(a):
    swap_in_place(a, 0, 1)
    return a


def with_try(a):
    try:
        return a[0]
    except IndexError:
        return 0.0


def test_supported_python__a_loop_reads_each_element_of_a_list_its_body_changes_when_its_iteration_starts():
    a = [1.0, 2.0, 3.0]
    assert float(relax(changed_while_iterated, mode="hard")(jnp.asarray(a))) == changed_while_iterated(list(a))
    with pytest.raises(ConversionError, match=r"test_readme_claims.py:\d+"):
        relax(rebinds_while_iterated)(jnp.asarray(a))


def test_supported_python__a_loop_variable_keeps_its_last_value_and_slices_with_loop_bounds_run():
    a = [1.0, 2.0, 3.0]
    assert int(relax(last_value, mode="hard")(jnp.asarray(a))) == last_value(a) == 2
    assert float(relax(window_sums, mode="hard")(jnp.asarray(a))) == window_sums(a)


def test_supported_python__dicts_with_static_keys_are_state():
    a = [1.0, -2.0, 0.5]
    assert [float(v) for v in relax(static_keys, mode="hard")(jnp.asarray(a))] == list(static_keys(a))


def test_supported_python__unsupported_constructs_are_reported_at_conversion_with_the_line():
    for fn, what in ((pops, "pop"), (with_try, "try")):
        with pytest.raises(ConversionError, match=rf"test_readme_claims.py:\d+: .*{what}"):
            relax(fn)(jnp.asarray([1.0, 2.0]))


def test_supported_python__a_helper_that_changes_a_list_in_place_must_give_it_back():
    with pytest.raises(RelaxError, match="swap_in_place"):
        relax(calls_in_place)(jnp.asarray([1.0, 2.0]))


def test_supported_python__a_variable_some_path_did_not_assign_names_itself():
    from relaxjax import UndefinedVariableError
    with pytest.raises(UndefinedVariableError, match="'y'"):
        relax(maybe_unassigned)(jnp.asarray([1.0, 2.0]))


# ---------------------------------------------------------------- "Reading the generated code"
def arithmetic_forms(a, b):
    return a + b, a + 1.0, a / b, a // b, a ** b, 6 / 3


def test_reading_the_generated_code__which_arithmetic_reads_a_runtime_operator():
    source = relax(arithmetic_forms).source
    for call in ("rj__.add(a, b)", "rj__.truediv(a, b)", "rj__.floordiv(a, b)", "rj__.pow_(a, b)"):
        assert call in source, call
    assert "a + 1.0" in source and "6 / 3" in source   # a literal on one side (both, for / and //)


# ---------------------------------------------------------------- "Learning from sorting supervision"
README = pathlib.Path(__file__).parent.parent / "README.md"


def _section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def _without_docstring(fn) -> str:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = tree.body[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        del body[0]
    return ast.dump(tree)


def test_learning_from_sorting_supervision__the_loss_shown_is_the_benchmarks_bubble_sort():
    from relaxjax.benchmarks import algorithms
    shown = re.search(r"```python\n(def bubble_swaps.*?)```", _section("Learning from sorting supervision"), re.S)
    namespace: dict = {}
    exec(compile(shown.group(1), "README.md", "exec"), namespace)
    assert ast.dump(ast.parse(shown.group(1))) == _without_docstring(algorithms.bubble_swaps)
    in_order = jnp.asarray([0.0, 2.0, 4.0, 6.0])
    assert float(relax(algorithms.bubble_swaps, beta=8.0)(in_order)[1]) < 1e-6   # expected swaps: 0 in order
    f = relax(algorithms.bubble_swaps)
    for beta in (1.0, 8.0, 32.0):   # beta is traced: annealing it does not recompile
        f(in_order, beta=beta)
    assert f.trace_count == 1


def test_learning_from_sorting_supervision__methods_and_the_papers_protocol_are_the_defaults():
    from relaxjax.benchmarks import cli, multidigit, sort_cli
    section = _section("Learning from sorting supervision")
    sort = cli.parser()._subparsers._group_actions[0].choices["sort"]
    options = {a.dest: a for a in sort._actions}
    listed = {"relaxjax-bubble", "relaxjax-odd-even", "relaxjax-bubble-perm", "neuralsort", "softsort",
              "diffsort-logistic", "diffsort-cauchy"}
    assert set(options["methods"].choices) == listed and all(m in section for m in listed)
    assert options["lr"].default == 10 ** -3.5 and options["beta"].default == 8.0   # Adam at 10^-3.5, beta 8
    assert options["tau"].default == 1.0 and options["steepness"].default == 10.0   # `--tau 1`, `--steepness 10`
    assert options["plots"].default == "sort-results"
    assert sort_cli.FULL["batch"] == 100 and sort_cli.FULL["n"] == [3, 5, 7, 9, 15]   # 100 sets per step
    assert multidigit.TRAIN_SIZE == 55_000   # train[:55000], train[55000:] for validation


# ---------------------------------------------------------------- "Learning from shortest paths"
def test_learning_from_shortest_paths__the_program_shown_is_the_benchmarks_and_its_loss_gradient_a_mask_difference():
    from relaxjax.benchmarks import algorithms, path_losses, path_solvers
    section = _section("Learning from shortest paths")
    shown = re.search(r"```python\n(def grid_shortest_path\(.*?)```", section, re.S)
    assert ast.dump(ast.parse(shown.group(1))) == _without_docstring(algorithms.grid_shortest_path)
    walk = re.search(r"```python\n(def grid_shortest_path_walk.*?)```", section, re.S)
    assert ast.dump(ast.Module([ast.parse(walk.group(1)).body[0]], [])) == _without_docstring(
        algorithms.grid_shortest_path_walk)
    costs = jnp.asarray(np.random.default_rng(0).uniform(0.5, 9.0, (5, 5)))
    true_path = jnp.asarray(np.eye(5))   # "zero when the true path is the cheapest one"
    grad = jax.grad(path_losses.relaxjax_bellman_ford)(costs, true_path, costs, 1e3, None)
    np.testing.assert_allclose(grad, true_path - path_solvers.shortest_path(costs), atol=1e-3)
    cheapest = path_solvers.shortest_path(costs)
    assert float(jnp.abs(jax.grad(path_losses.relaxjax_bellman_ford)(costs, cheapest, costs, 1e3, None)).max()) < 1e-3


def test_learning_from_shortest_paths__methods_and_the_protocol_are_the_defaults():
    from relaxjax.benchmarks import cli, path_cli, path_losses, path_model
    section = _section("Learning from shortest paths")
    path = cli.parser()._subparsers._group_actions[0].choices["path"]
    options = {a.dest: a for a in path._actions}
    listed = {"relaxjax-bellman-ford", "relaxjax-walk", "blackbox", "perturbed", "direct-costs"}
    assert set(options["methods"].choices) == listed and all(f"`{m}`" in section for m in listed)
    assert options["lr"].default == 5e-4 and path_cli.FULL["batch"] == 70
    assert path_losses.BETA == {"relaxjax-bellman-ford": 30.0, "relaxjax-walk": 10.0}   # `--beta 30`, `--beta 10`
    assert "`--beta 30`" in section and "`--beta 10`" in section
    assert path_losses.INTERPOLATION == 2 and path_losses.SAMPLES == 3 and path_losses.SIGMA == 0.1
    assert path_cli.FULL["maps"] == [10_000, 1_000, 1_000] and path_cli.FULL["sizes"] == [12, 18, 24, 30]
    assert path_cli.QUICK["sizes"] == [12]
    assert path_cli.QUICK["methods"] == ["relaxjax-bellman-ford", "relaxjax-walk", "blackbox"]
    assert options["plots"].default == "path-results" and options["tiles"].default == "freeciv"
    assert [m for m in dir(path_model.CostNet) if m == "init_state"]   # batch norm's running statistics


# ---------------------------------------------------------------- "Learning from edit distances"
def test_learning_from_edit_distances__the_program_shown_is_the_benchmarks():
    from relaxjax.benchmarks import algorithms
    section = _section("Learning from edit distances")
    shown = ast.parse(re.search(r"```python\n(def symbol\(.*?)```", section, re.S).group(1)).body
    for node, fn in zip(shown, (algorithms.symbol, algorithms.levenshtein), strict=True):
        assert ast.dump(ast.Module([node], [])) == _without_docstring(fn)


def test_learning_from_edit_distances__methods_protocol_and_data_are_the_defaults():
    from relaxjax.benchmarks import cli, edit_cli, edit_data, edit_losses, multidigit
    section = _section("Learning from edit distances")
    edit = cli.parser()._subparsers._group_actions[0].choices["edit"]
    options = {a.dest: a for a in edit._actions}
    listed = {"relaxjax-levenshtein", "relaxjax-levenshtein-raised", "relaxjax-levenshtein-squared", "relaxjax-straight-through", "softmin-dp",
              "direct-labels"}
    assert set(options["methods"].choices) == listed and all(f"`{m}`" in section for m in listed)
    assert options["lr"].default == 1e-3 and edit_cli.FULL["batch"] == 32 and "Adam 1e-3, 32 pairs" in section
    assert edit_losses.BETA == 10.0 and "`--beta 10`" in section and edit_losses.GAMMA == 0.3
    assert edit_losses.RAISE == 0.5 and "half an edit" in section
    assert edit_cli.FULL["lengths"] == [8, 16] and edit_cli.FULL["alphabet"] == 10 and edit_cli.FULL["steps"] == 5000
    assert edit_cli.QUICK["lengths"] == [8] and edit_cli.QUICK["alphabet"] == 4 and edit_cli.QUICK["steps"] == 300
    assert edit_cli.QUICK["methods"] == ["relaxjax-levenshtein", "softmin-dp"] and edit_cli.QUICK["pairs"] == [200, 300]
    assert options["plots"].default == "edit-results" and multidigit.TRAIN_SIZE == 55_000
    ten = [np.flatnonzero(np.arange(10) == c) for c in range(10)]   # the distances do not depend on the images
    spread = np.bincount(edit_data.pairs(np.random.default_rng(0), {"by_class": ten}, 2000, 8)["distance"].astype(int))
    assert " / ".join(map(str, spread)) in section.replace("\n", " ")


def test_learning_from_edit_distances__the_letters_are_as_described():
    from relaxjax.benchmarks import cli, letters
    section = _section("Learning from edit distances").replace("\n", " ")
    edit = cli.parser()._subparsers._group_actions[0].choices["edit"]
    glyphs = {a.dest: a for a in edit._actions}["glyphs"]
    assert glyphs.choices == ["digits", "letters"] and glyphs.default == "digits" and "`--glyphs letters`" in section
    assert len(letters.FACES) == 3 and "three script faces" in section
    assert list(letters.PER_CLASS.values()) == [1000, 200, 200] and "1,000 / 200 / 200 images" in section
    five = letters.splits(5)
    train, test = five["train"], five["test"]
    means = np.stack([train["images"][m].reshape(len(m), -1).mean(0) for m in train["by_class"]])
    read = ((test["images"].reshape(len(test["images"]), 1, -1) - means[None]) ** 2).sum(-1).argmin(1)
    assert f"reads {np.mean(read == test['labels']):.2f} of 5 test letters" in section


# ---------------------------------------------------------------- "Performance"
def test_performance__speed_runs_at_batch_128_and_every_scan_step_is_rematerialised():
    from relaxjax.benchmarks import algorithms, cli
    speed = cli.parser()._subparsers._group_actions[0].choices["speed"]
    assert {a.dest: a.default for a in speed._actions}["batch"] == 128
    jaxpr = str(jax.make_jaxpr(lambda v: relax(algorithms.bubble_swaps)(v)[1])(jnp.linspace(1.0, 0.0, 8)))
    scans = jaxpr.count("scan[")
    assert scans == 2   # "Both loops of bubble sort are scans"
    assert jaxpr.count("remat") + jaxpr.count("checkpoint[") >= scans   # each scan's step under jax.checkpoint


# ---------------------------------------------------------------- "Layout"
def test_layout__every_path_named_exists_and_the_bench_commands_are_those_listed():
    from relaxjax.benchmarks import cli
    root = README.parent
    block = re.search(r"```\n(relaxjax/api\.py.*?)```", _section("Layout"), re.S).group(1)
    for line in block.splitlines():
        head = line.split()[0] if line[:1].strip() else None
        if head:
            assert (root / head).exists(), head
    loops = re.search(r"relaxjax/runtime/loops/\s+every loop:(.*?)benchmarks/", block, re.S).group(1)
    for name in re.findall(r"(\w+)\.py", loops):
        assert (root / "relaxjax" / "runtime" / "loops" / f"{name}.py").exists(), name
    assert (root / "transforms" / "pipeline.py").exists() and (root / "transforms" / "anno.py").exists()
    commands = re.search(r"relaxjax-bench: ([\w, ]+)", block).group(1).replace(" ", "").split(",")
    assert set(commands) == set(cli.parser()._subparsers._group_actions[0].choices)
