"""The row-hoisting pass: which loops carry a few rows instead of the whole array."""
from relaxjax.transforms import row_hoisting
from tests.transforms.helpers import run_pass, same


def test_rows_at_loop_invariant_places_are_hoisted_and_written_back():
    out = run_pass(row_hoisting, """
        def f(d, s, i, m):
            for j in range(1, m):
                d[i][j] = d[i - 1][j] + s[i][j]
    """)
    assert same(out, """
        def f(d, s, i, m):
            hoisted_rows__1, rjtmp_rows__2 = rj__.hoist_rows(d, lambda: (i, i - 1), (0, -1))
            rjtmp_hoisted_rows__3, rjtmp_rows__4 = rj__.hoist_rows(s, lambda: (i,), (0,))
            for j in range(1, m):
                hoisted_rows__1[rj__.row_key(rjtmp_rows__2, 0, i)][j] = (
                    hoisted_rows__1[rj__.row_key(rjtmp_rows__2, 1, i - 1)][j]
                    + rjtmp_hoisted_rows__3[rj__.row_key(rjtmp_rows__4, 0, i)][j])
            d = rj__.restore_rows(d, hoisted_rows__1, rjtmp_rows__2)
    """), out


def test_keys_of_different_expressions_leave_the_distinctness_to_the_runtime():
    out = run_pass(row_hoisting, """
        def f(d, a, b):
            for j in range(3):
                d[a][j] = d[b][j]
    """)
    assert "rj__.hoist_rows(d, lambda: (a, b), None)" in out, out


def test_outer_loops_first_then_the_inner_ones_see_the_rows():
    out = run_pass(row_hoisting, """
        def f(d, s, t, m):
            for i in range(1, m):
                for j in range(1, m):
                    for c in range(2):
                        d[i][j] = d[i][j] + s[i][c] * t[j][c]
    """)
    # i loop: nothing (every key uses i); j loop: d and s at row i; c loop: t at row j, not the rows again
    assert out.count("hoist_rows(") == 3, out
    assert "hoist_rows(d, lambda: (i,)" in out and "hoist_rows(s, lambda: (i,)" in out, out
    assert "hoist_rows(t, lambda: (j,)" in out, out


def test_loops_that_use_the_array_otherwise_are_left_alone():
    cases = {
        "the key changes in the loop": "for j in range(3):\n    d[j][0] = 1.0",
        "a key assigned in the body": "for j in range(3):\n    k = j\n    d[k][0] = 1.0",
        "the whole array": "for j in range(3):\n    d[0][j] = len(d)",
        "a slice": "for j in range(3):\n    d[0:1][0][j] = 1.0",
        "a call in the key": "for j in range(3):\n    d[f(0)][j] = 1.0",
        "a multi-index": "for j in range(3):\n    d[0, j] = 1.0",
        "a lambda": "for j in range(3):\n    g = lambda: d[0][j]",
        "the array rebound": "for j in range(3):\n    d[0][j] = 1.0\n    d = [[0.0]]",
        "the array iterated": "for v in d[0]:\n    d[0][0] = v",
        "a return inside": "for j in range(3):\n    d[0][j] = 1.0\n    rjtmp_return",
        "a float key": "for j in range(3):\n    d[0.5][j] = 1.0",
    }
    for why, loop in cases.items():
        body = "\n".join("    " + line for line in loop.splitlines())
        out = run_pass(row_hoisting, f"def f(d, f):\n{body}\n")
        assert "hoist_rows" not in out, (why, out)
