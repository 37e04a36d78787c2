"""The loop_strategies pass: which `for` loops it marks, and the slots it gives their arrays."""
import pytest

from relaxjax.transforms import loop_strategies
from tests.transforms.helpers import run_pass, same


@pytest.mark.parametrize("loop, marked", [
    # disjoint element writes (step 2): slots, and the increment an accumulator
    ("range(s, n - 1, 2)", "rj__.independent(range(s, n - 1, 2), ('swaps',), (('a', (0, 1)),), ())"),
    # bubble sort's pass (step 1: a[j + 1] is the next iteration's a[j]): the same slots, as a stream
    ("range(n - 1)", "rj__.streamed(range(n - 1), (('a', (0, 1)),), ())"),
])
def test_compare_swaps_at_the_loop_variable_become_slots(loop, marked):
    out = run_pass(loop_strategies, f"""
        def f(a, s, n):
            swaps = 0.0
            for j in {loop}:
                if a[j] > a[j + 1]:
                    a[j], a[j + 1] = a[j + 1], a[j]
                    swaps += 1.0
            return swaps
    """)
    assert same(out, f"""
        def f(a, s, n):
            swaps = 0.0
            for j in {marked}:
                a__slot__1, a__slot__2 = rj__.take_slots(a, j, (0, 1), (0, 1))
                if a__slot__1 > a__slot__2:
                    a__slot__1, a__slot__2 = a__slot__2, a__slot__1
                    swaps += 1.0
                a = rj__.put_slots(a, j, (0, 1), (a__slot__1, a__slot__2))
            return swaps
    """), out


def test_rows_of_a_table_are_slots_and_inner_loops_are_marked_too():
    out = run_pass(loop_strategies, """
        def f(new, dist, k):
            for r in range(k):
                for c in range(k):
                    for dr in (-1, 0, 1):
                        rr = r + dr
                        if 0 <= rr < k and dist[rr][c] < new[r][c]:
                            new[r][c] = dist[rr][c]
            return new
    """)
    # dist[rr][c] reads dist at an index the pass cannot see as r + constant: the runtime looks (None)
    assert "for r in rj__.independent(range(k), (), (('new', (0,)),), ((dist, None),))" in out, out
    assert "for c in rj__.independent(range(k), (), (('new__slot__1', (0,)),), ((dist, None),))" in out, out
    assert "new__slot__1__slot__2 = dist[rr][c]" in out, out


def test_reads_at_constant_places_are_not_looked_at():
    out = run_pass(loop_strategies, """
        def f(a, w, m, n):
            for j in range(0, n, 2):
                a[j] = w[0] + m[1][2] + w[-1]
            return a
    """)
    assert "rj__.independent(range(0, n, 2), (), (('a', (0,)),), ())" in out, out


def test_arrays_a_stream_only_reads_at_the_loop_variable_are_fed_in():
    out = run_pass(loop_strategies, """
        def f(a, b, w, n):
            for j in range(1, n - 1):
                a[j] = a[j - 1] + b[j] * b[j + 1] + w[0]
            return a
    """)
    assert "for j in rj__.streamed(range(1, n - 1), (('a', (-1, 0)),), ((b, (0, 1)),)):" in out, out
    assert "b__slot__3, b__slot__4 = rj__.take_slots(b, j, (0, 1), (0, 1))" in out, out
    assert "put_slots(b" not in out and "w[0]" in out, out   # w is read at a place that is not j + c


def test_a_running_value_over_one_slot_is_a_stream():
    out = run_pass(loop_strategies, """
        def f(a, n):
            s = 0.0
            for j in range(1, n):
                s += a[j]
                a[j] = s
            return a
    """)
    assert "for j in rj__.streamed(range(1, n), (('a', (0,)),), ()):" in out, out


@pytest.mark.parametrize("source", [
    # offsets overlapping across steps of 2
    """
    def f(a, n):
        for j in range(0, n - 2, 2):
            a[j] = a[j + 2]
    """,
    # a step of -1
    """
    def f(a, n):
        for j in range(n - 1, 0, -1):
            a[j] = a[j - 1]
    """,
    # no array written at the loop variable: nothing to stream
    """
    def f(a, n):
        s = 0.0
        for j in range(n):
            s = s * 2.0 + a[j]
        return s
    """,
])
def test_dependent_loops_other_than_step_1_slots_are_not_streams(source):
    out = run_pass(loop_strategies, source)
    assert "rj__.streamed" not in out and "rj__.independent" not in out, out


@pytest.mark.parametrize("source", [
    # step 1 and a[j + 1]: each iteration reads what the one before wrote (bubble sort's pass)
    """
    def f(a, n):
        for j in range(n - 1):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
    """,
    # the running value is read by the next iteration
    """
    def f(a, n):
        best = a[0]
        for j in range(n):
            best = max(best, a[j])
            a[j] = best
    """,
    # an accumulator that is also read
    """
    def f(a, n):
        s = 0.0
        for j in range(n):
            s += a[j]
            a[j] = s
    """,
    # two increments of one accumulator per iteration (Python's sum order is per statement)
    """
    def f(a, n):
        s = 0.0
        for j in range(n):
            s += a[j]
            s += 1.0
    """,
    # an increment inside an inner loop
    """
    def f(a, n):
        s = 0.0
        for j in range(n):
            for k in range(3):
                s += a[j]
    """,
    # a variable of the body read after the loop (Python leaves the last iteration's value)
    """
    def f(a, n):
        for j in range(n):
            t = a[j] * 2.0
            a[j] = t
        return t
    """,
    # a variable assigned only on one branch: an iteration may read the previous one's value
    """
    def f(a, n):
        t = 0.0
        for j in range(n):
            if a[j] > 0:
                t = a[j]
            a[j] = t
    """,
    # the array used whole inside the loop
    """
    def f(a, n):
        for j in range(n):
            a[j] = a[j] + len(a)
    """,
    # an element at a computed place
    """
    def f(a, n):
        for j in range(n):
            a[n - 1 - j] = a[j]
    """,
    # break
    """
    def f(a, n):
        for j in range(n):
            if a[j] > 0:
                break
            a[j] = 1.0
    """,
    # a loop over a list, not a range
    """
    def f(a, xs):
        for j in xs:
            a[j] = 0.0
    """,
    # a step that is not a literal
    """
    def f(a, n, s):
        for j in range(0, n, s):
            a[j] = 0.0
    """,
])
def test_loops_whose_iterations_may_see_each_other_are_left_alone(source):
    out = run_pass(loop_strategies, source)
    assert "for j in rj__.independent" not in out, out


def test_a_loop_variable_shared_with_a_comprehension_outside_does_not_count_as_used_there():
    out = run_pass(loop_strategies, """
        def f(a, k):
            b = [[a[r][c] for c in range(k)] for r in range(k)]
            for r in range(k):
                for c in range(k):
                    b[r][c] = b[r][c] * 2.0
            return b
    """)
    assert "for r in rj__.independent(" in out, out


def test_variables_of_one_iteration_may_be_inner_loop_variables_used_twice():
    out = run_pass(loop_strategies, """
        def f(m):
            for r in range(len(m)):
                s = 0.0
                for c in range(len(m[r])):
                    s += abs(m[r][c])
                for c in range(len(m[r])):
                    m[r][c] = m[r][c] / (s + 1.0)
            return m
    """)
    assert "for r in rj__.independent(range(len(m)), (), (('m', (0,)),), ())" in out, out
    # the first inner loop only reads the row, at c: fed in
    assert "for c in rj__.independent(range(len(m__slot__1)), ('s',), (), ((m__slot__1, (0,)),))" in out, out


@pytest.mark.parametrize("read, after, independent", [
    ("b", "return b", True),         # r, c, t of the first nest are assigned again before any read
    ("b", "return b, t", False),     # t may be the first nest's last one (the second may run no step)
    ("t", "return g()", False),      # the lambda, made before the loops, reads t when it is called
])
def test_names_reused_by_a_later_loop_nest_are_still_variables_of_one_iteration(read, after, independent):
    out = run_pass(loop_strategies, f"""
        def f(a, b, k):
            g = lambda: {read}
            for r in range(k):
                for c in range(k):
                    t = a[r][c] * 2.0
                    b[r][c] = t
            for r in range(k):
                for c in range(k):
                    t = b[r][c] + 1.0
                    a[r][c] = t
            {after}
    """)
    assert out.count("rj__.independent(") == (4 if independent else 0), out


@pytest.mark.parametrize("branch, independent", [
    (["if a[r] > 0:", "    w = a[r]", "else:", "    w = -a[r]"], True),   # both paths assign w
    (["if a[r] > 0:", "    w = a[r]"], False),                        # w may come from the iteration before
])
def test_a_variable_of_one_iteration_may_be_assigned_on_every_path_of_an_if(branch, independent):
    body = "".join(f"        {line}\n" for line in branch + ["b[r] = w"])
    out = run_pass(loop_strategies, f"def f(a, b):\n    for r in range(len(a)):\n{body}    return b\n")
    assert ("rj__.independent(range(len(a)), (), (('b', (0,)),), ((a, (0,)),))" in out) == independent, out
