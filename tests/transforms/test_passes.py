"""Each pass on source text in, source text out."""
import ast
import pathlib

import pytest

import relaxjax.transforms.pipeline

from relaxjax.transforms import (ConversionError, aliases, canonicalize, control_flow, expressions, fence,
                                 list_methods, live_iteration, locals_init, returns, subscript_stores)
from tests.transforms.helpers import run_pass, same


def test_canonicalize_augmented_assignments_and_swaps():
    out = run_pass(canonicalize, """
        def f(a, i, j, s):
            s += 1
            a[i] += s
            a[i], a[j] = a[j], a[i]
    """)
    assert same(out, """
        def f(a, i, j, s):
            s = s + 1
            a[i] = a[i] + s
            rjtmp_1 = a[j]
            rjtmp_2 = a[i]
            a[i] = rjtmp_1
            a[j] = rjtmp_2
    """)


def test_canonicalize_chained_comparisons_and_multiple_targets():
    out = run_pass(canonicalize, """
        def f(a, b, c):
            x = y = a < b <= c
    """)
    assert same(out, """
        def f(a, b, c):
            rjtmp_1 = a < b and b <= c
            x = rjtmp_1
            y = rjtmp_1
    """)


def test_subscript_stores_become_setitem_paths():
    out = run_pass(subscript_stores, """
        def f(a, i, j):
            a[i] = 1
            a[i][j] = 2
            a[i, j] = 3
            a[1:3] = 4
    """)
    assert same(out, """
        def f(a, i, j):
            a = rj__.setitem(a, (i,), 1)
            a = rj__.setitem(a, (i, j), 2)
            a = rj__.setitem(a, ((i, j),), 3)
            a = rj__.setitem(a, (slice(1, 3, None),), 4)
    """)


def test_expressions_become_runtime_calls():
    out = run_pass(expressions, """
        def f(a, b):
            return (not a < b) or (a[0] == b if a else min(a, b))
    """)
    assert same(out, """
        def f(a, b):
            return rj__.or_(rj__.not_(rj__.lt(a, b)),
                            lambda: rj__.if_exp(a, lambda: rj__.eq(rj__.getitem(a, 0), b),
                                                lambda: rj__.call(min, a, b)))
    """)


def test_early_returns_move_the_rest_into_the_branch_that_did_not_return():
    out = run_pass(returns, """
        def f(x):
            if x > 0:
                return 1.0
            elif x < -1:
                y = 3.0
            else:
                return
            y = 2.0
            return y
    """)
    assert same(out, """
        def f(x):
            if x > 0:
                return__0 = 1.0
            elif x < -1:
                y = 3.0
                y = 2.0
                return__0 = y
            else:
                return__0 = None
            return return__0
    """)


def test_list_repetition_becomes_a_checked_call():
    out = run_pass(expressions, """
        def f(n):
            return [[0.0] * n for _ in range(n)]
    """)
    assert same(out, """
        def f(n):
            return [rj__.repeat([0.0], n) for _ in rj__.call(range, n)]
    """)


def test_heapq_calls_become_assignments_of_their_list_before_their_statement():
    out = run_pass(list_methods, """
        def f(h, out, x):
            heapq.heappush(h, (x, 1))
            d, u = heappop(h)
            out.append(heapq.heappop(h) + 1.0)
    """)
    assert same(out, """
        def f(h, out, x):
            h, rjtmp_heap_1 = rj__.heap_call(heapq.heappush, h, (x, 1))
            h, rjtmp_heap_2 = rj__.heap_call(heappop, h)
            d, u = rjtmp_heap_2
            h, rjtmp_heap_3 = rj__.heap_call(heapq.heappop, h)
            out = rj__.list_append(out, rjtmp_heap_3 + 1.0)
    """)
    for body in ("x = [heapq.heappop(h) for _ in range(2)]", "x = heapq.heappop(h) if c else 0.0",
                 "x = len(h) + heapq.heappop(h)"):
        with pytest.raises(ConversionError, match="test.py:3: .*heap"):
            run_pass(list_methods, f"def f(h, c):\n    x = 0.0\n    {body}\n")


def test_if_becomes_two_branch_functions_over_the_assigned_names():
    out = run_pass(control_flow, """
        def f(c):
            if c:
                x = 1
            else:
                y = 2
            return x
    """)
    assert same(out, """
        def f(c):
            def if_true__1(x, y):
                x = 1
                return (x, y)
            def if_false__2(x, y):
                y = 2
                return (x, y)
            (x, y) = rj__.if_stmt(c, if_true__1, if_false__2, (x, y), ('x', 'y'))
            return x
    """)


def test_for_and_while_become_body_functions():
    out = run_pass(control_flow, """
        def f(n):
            for i, v in pairs:
                s = s + v
            while s < n:
                s = s * 2
            return s
    """)
    assert same(out, """
        def f(n):
            def loop_body__1(item__2, s):
                (i, v) = item__2
                s = s + v
                return (s,)
            (s,) = rj__.for_stmt(pairs, loop_body__1, (s,), ('s',))
            def loop_test__3(s):
                return s < n
            def loop_body__4(s):
                s = s * 2
                return (s,)
            (s,) = rj__.while_stmt(loop_test__3, loop_body__4, (s,), ('s',))
            return s
    """)


def test_a_loop_does_not_carry_what_each_step_assigns_before_reading_and_nothing_after_reads():
    out = run_pass(control_flow, """
        def f(a, n):
            for i in range(n):
                d = a[i] * 2          # each step's own: not carried
                if d > 0:
                    w = d             # assigned on both paths before any read: not carried
                else:
                    w = 0
                if w > 1:
                    best = w          # may reach the next step's read: carried
                s = s + w + best
                seen = d              # read after the loop: carried
            return s + seen
    """)
    assert "def loop_body__5(i, best, s, seen):" in out
    assert "best, s, seen = rj__.for_stmt(range(n), loop_body__5, (best, s, seen), ('best', 's', 'seen'))" in out


@pytest.mark.parametrize("loop, carried", [
    ("for i in range(n):\n    t = t + 1", True),                      # read before assigned
    ("for i in range(n):\n    t = 1\n    t += t", False),              # assigned first, then read
    ("while t < n:\n    t = 1", True),                                # the test reads it
    ("for i in range(n):\n    for j in range(n):\n        t = j\n    u = t", True),   # inner loop may not run
    ("for i in range(n):\n    if n:\n        t = 1\n    u = t", True),                # one path assigns
    ("for i in range(n):\n    if n:\n        t = 1\n    else:\n        t = 2\n    u = t", False),
    ("for i in range(n):\n    t = 1\nu = t", True),                       # read after the loop
])
def test_a_value_that_may_pass_between_steps_stays_in_the_loop_state(loop: str, carried: bool):
    body = "\n".join("    " + line for line in loop.splitlines())
    out = run_pass(control_flow, f"def f(n, u):\n{body}\n    return u")
    outer_call = next(line for line in out.splitlines() if line.startswith("    ") and "_stmt(" in line
                      and not line.startswith("     "))
    outer_labels = outer_call.rsplit("(", 1)[1]
    assert ("'t'" in outer_labels) == carried, out


def test_a_loop_that_returns_marks_its_returns_and_takes_the_rest_as_its_else():
    out = run_pass(returns, """
        def f(a, t):
            for i in range(len(a)):
                if a[i] > t:
                    return i
            b = -1
            return b
    """)
    assert same(out, """
        def f(a, t):
            for i in range(len(a)):
                if a[i] > t:
                    return__0 = i
                    rjtmp_return
            else:
                b = -1
                return__0 = b
            return return__0
    """)


def test_break_and_continue_end_every_path_in_an_outcome():
    out = run_pass(control_flow, """
        def f(a, t):
            for x in a:
                if x > t:
                    break
                elif x < 0:
                    continue
                s = s + x
            return s
    """)
    assert same(out, """
        def f(a, t):
            def loop_body__5(x, s):
                def if_true__3(s):
                    return rj__.exit_((s,))
                def if_false__4(s):
                    def if_true__1(s):
                        return rj__.go((s,))
                    def if_false__2(s):
                        s = s + x
                        return rj__.go((s,))
                    return rj__.if_outcome(x < 0, if_true__1, if_false__2, (s,), ('s',))
                return rj__.if_outcome(x > t, if_true__3, if_false__4, (s,), ('s',))
            (s,) = rj__.for_stmt(a, loop_body__5, (s,), ('s',), exits=True)
            return s
    """)


def test_locals_start_undefined():
    out = run_pass(locals_init, """
        def f(a, *rest):
            for i in range(3):
                b = a
            return b
    """)
    assert same(out, """
        def f(a, *rest):
            i = rj__.Undefined('i')
            b = rj__.Undefined('b')
            for i in range(3):
                b = a
            return b
    """)


def test_loops_over_lists_their_bodies_change_read_each_element_as_they_go():
    out = run_pass(live_iteration, """
        def f(a, b, s):
            for v in a:
                a[0] = v
            for k, v in enumerate(a, s):
                a[k] = v
            for u, v in zip(a, b):
                b[1] = u
            for v in b:
                s = s + v
    """)
    assert same(out, """
        def f(a, b, s):
            for rjtmp_k__1 in range(len(a)):
                v = a[rjtmp_k__1]
                a[0] = v
            for rjtmp_k__2 in range(len(a)):
                k, v = (rjtmp_k__2 + s, a[rjtmp_k__2])
                a[k] = v
            for rjtmp_k__3 in range(min(len(a), len(b))):
                u, v = (a[rjtmp_k__3], b[rjtmp_k__3])
                b[1] = u
            for v in b:
                s = s + v
    """)


@pytest.mark.parametrize("body", [
    "for v in a:\n        a[0] = v\n        a = a + [v]",
    "for v in a[i]:\n        a[i][0] = v\n        i = 1",
    "for v in reversed(a):\n        a[0] = v",
])
def test_loops_over_lists_that_change_out_of_sight_are_rejected(body):
    with pytest.raises(ConversionError, match="test.py:2: this loop iterates over"):
        run_pass(live_iteration, f"def f(a, i):\n    {body}\n")


@pytest.mark.parametrize("body, line", [
    ("b = a\n    b[0] = 1.0", 3),
    ("row = a[1]\n    row[0] = 1.0", 3),
    ("for row in a:\n        row[0] = 1.0", 3),
    ("b = a\n    a[0] = 1.0", 3),
    ("row = a[1]\n    a[1][0] = 1.0", 3),
    ("for i in range(2):\n        a[0] = 1.0\n        b = a", 3),   # the view of the first pass meets the write
    ("row = [0.0, 0.0]\n    a = [row, row]\n    a[0][0] = 1.0", 4),   # two elements, one list
    ("row = [0.0]\n    a = [row]\n    row[0] = 1.0", 4),
    ("row = [0.0]\n    a.append(row)\n    row[0] = 1.0", 4),
    ("row = [0.0]\n    a.extend([row])\n    a[0][0] = 1.0", 4),
])
def test_writes_through_a_second_name_for_a_list_are_rejected(body, line):
    with pytest.raises(ConversionError, match=f"test.py:{line}: .* shares its list with a"):
        run_pass(aliases, f"def f(a):\n    {body}\n    return a\n")


@pytest.mark.parametrize("value", ["[[0.0] * 2] * 3", "3 * [[0.0, 1.0]]", "[a[0]] * 2"])
def test_writes_into_one_row_repeated_are_rejected(value):
    with pytest.raises(ConversionError, match=r"test.py:3: .* one list repeated.*for _ in range"):
        run_pass(aliases, f"def f(a):\n    d = {value}\n    d[1][0] = 1.0\n    return d\n")


@pytest.mark.parametrize("body", [
    "t = a[0]\n    a[0] = a[1]\n    a[1] = t",            # a manual swap: t holds a number
    "b = list(a)\n    b[0] = 1.0",                          # a copy
    "b = a[:]\n    b[0] = 1.0",
    "a[0] = 1.0\n    b = a",                                # the view is made after the write
    "b = a\n    b = [0.0] * 2\n    b[0] = 1.0",            # rebound before the write
    "for v in a:\n        a[0] = v",                        # reads elements; a live iteration
    "pair = [a[0], 2.0]\n    pair[0] = 1.0",                # elements that are numbers
    "d = [[0.0] * 2 for _ in range(3)]\n    d[1][0] = 1.0",  # rows made apart
    "d = [0.0] * 3\n    d[1] = 1.0",
    "for i in range(2):\n        row = [0.0]\n        row[0] = 1.0\n        a.append(row)",   # a new row each pass
])
def test_writes_that_no_other_name_sees_are_accepted(body):
    run_pass(aliases, f"def f(a):\n    {body}\n    return a\n")


@pytest.mark.parametrize("body, construct", [
    ("try:\n        pass\n    except Exception:\n        pass", "`try`"),
    ("with open(a) as g:\n        pass", "`with`"),
    ("yield a", "`yield`"),
    ("global q", "`global`"),
    ("def g():\n        pass", "nested function"),
    ("return f(a - 1)", "recursion"),
    ("a.x = 1", "attribute"),
    ("for i in range(3):\n        pass\n    else:\n        pass", "for ... else"),
    ("rjtmp_1 = 2", "reserved"),
])
def test_fence_names_construct_and_line(body, construct):
    source = f"def f(a):\n    {body}\n"
    with pytest.raises(ConversionError) as err:
        run_pass(fence, source)
    assert construct in str(err.value)
    line = int(str(err.value).split(":")[1])
    assert 2 <= line <= 4 and line <= source.count("\n")


def test_transforms_import_nothing_but_the_standard_library_gast_and_themselves():
    root = pathlib.Path(relaxjax.transforms.pipeline.__file__).parent
    allowed = {"gast", "ast", "builtins", "copy", "dataclasses", "enum", "inspect", "re", "textwrap", "types", "typing",
               "__future__"}
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) else [])
            for name in names:   # the names generated code shares with the runtime: a pure module
                assert name.split(".")[0] in allowed or name.startswith("relaxjax.transforms") or \
                    name == "relaxjax.generated_names", (path, name)


def test_sharp_becomes_an_expression_evaluated_at_its_own_beta():
    out = run_pass(expressions, """
        def f(a, b, t):
            x = sharp(a < b, beta=2.0)
            y = relaxjax.sharp(a < t, t)
            z = sharp(a, b, c)
    """)
    assert same(out, """
        def f(a, b, t):
            x = rj__.call_sharp(sharp, lambda: rj__.lt(a, b), 2.0, True)
            y = rj__.call_sharp(relaxjax.sharp, lambda: rj__.lt(a, t), t, False)
            z = rj__.call(sharp, a, b, c)
    """), out
