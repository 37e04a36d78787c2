"""relaxjax.explain: how each if, for and while of a program ran on given inputs."""
import warnings

import jax.numpy as jnp

import relaxjax
from relaxjax import relax
from tests.corpus import bubble_swaps, first_above, grid_shortest_path, grow_until, selection_sort


def _events(report):
    return {(e.what, e.line()): e for e in report.events}


def test_a_relaxed_bubble_sort_scans_streams_and_merges():
    report = relaxjax.explain(relax(bubble_swaps, beta=3.0), jnp.array([3.0, 1.0, 2.0, 0.5]))
    events = _events(report)
    assert events["for", "for i in range(n):"].strategies == ["scan"]
    assert events["for", "for i in range(n):"].how == ["one scan of 4 steps"]
    assert events["for", "for j in range(n - 1 - i):"].strategies == ["stream"]
    assert events["for", "for j in range(n - 1 - i):"].how[0].startswith("a stream of 3 steps")
    swap = events["if", "if a[j] > a[j + 1]:"]
    assert swap.strategies == ["relaxed"] and len(swap.how) == 1 and swap.how[0].endswith("merged a, swaps")
    assert report.strategies() == {"scan", "stream", "relaxed"}
    text = str(report)
    assert "bubble_swaps" in text and "beta=3.0" in text and "if a[j] > a[j + 1]:" in text


def test_loops_at_once_report_their_fed_reads_once():
    # the loop over cells is traced once more, to look, inside the look of the loop over rows: that
    # trace records nothing (there the loop over cells is fed 1 of its 9 reads)
    events = _events(relaxjax.explain(relax(grid_shortest_path, beta=3.0), jnp.ones((4, 4))))
    assert events["for", "for c in range(k):"].strategies == ["vectorised", "fed_reads"]
    assert events["for", "for r in range(k):"].how == ["4 independent iterations at once (vmap)",
                                                      "4 reads b[j + c] fed in, not read by index"]
    assert events["for", "for c in range(k):"].how == ["4 independent iterations at once (vmap)",
                                                      "9 reads b[j + c] fed in, not read by index"]


def test_a_range_with_a_traced_start_is_masked():
    events = _events(relaxjax.explain(relax(selection_sort, beta=3.0), jnp.array([3.0, 1.0, 2.0, 0.5])))
    assert events["for", "for j in range(i + 1, n):"].strategies == ["masked"]
    assert "masked" in events["for", "for j in range(i + 1, n):"].how[0]


def test_hard_mode_static_tests_and_the_return_value():
    hard = _events(relaxjax.explain(relax(bubble_swaps, mode="hard"), [3.0, 1.0, 2.0]))
    assert hard["if", "if a[j] > a[j + 1]:"].strategies == ["exact"]
    assert hard["if", "if a[j] > a[j + 1]:"].how[0].startswith("hard traced test")
    early = _events(relaxjax.explain(first_above, jnp.array([0.1, 0.9]), -1.0))   # t is traced: soft
    assert early["if", "if t > 0.0:"].strategies == ["relaxed"]
    assert "merged the return value" in early["if", "if t > 0.0:"].how[0]
    static = _events(relaxjax.explain(first_above, jnp.array([0.1, 0.9]), 1))      # an int: static
    assert static["if", "if t > 0.0:"].strategies == ["python"]
    assert static["if", "if t > 0.0:"].how == ["static test: one branch ran, in Python"]


def test_a_bounded_while_reports_the_probability_still_running():
    done = _events(relaxjax.explain(grow_until, 0.5, 3.0))["while", "while x < target:"]
    assert done.strategies == ["bounded"] and "max_iter=100" in done.how[0] and max(done.running) < 1e-3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", relaxjax.MaxIterWarning)
        report = relaxjax.explain(relax(grow_until, max_iter=3), 0.5, 30.0)
    cut = _events(report)["while", "while x < target:"]
    assert "max_iter=3" in cut.how[0] and max(cut.running) > 0.99
    assert "still running after the last pass: 1" in str(report)


def test_explaining_leaves_the_function_alone():
    f = relax(bubble_swaps)
    x = jnp.array([2.0, 1.0])
    f(x)
    relaxjax.explain(f, x, beta=2.0)
    f(x)
    assert f.trace_count == 1
