"""How loops lower: the program size must not grow with the trip count (DESIGN.md §4)."""
import itertools

import jax
import jax.extend
import jax.numpy as jnp
import pytest

from relaxjax import relax
from tests.corpus import bubble_swaps, bubble_while, edit_distance_soft, grow_until


def _count_scans(jaxpr) -> int:
    count = 0
    for eqn in jaxpr.eqns:
        count += eqn.primitive.name == "scan"
        for sub in jax.extend.core.jaxprs_in_params(eqn.params):
            count += _count_scans(sub)
    return count


def scans(fn, *args) -> int:
    return _count_scans(jax.make_jaxpr(fn)(*args).jaxpr)


@pytest.mark.parametrize("algorithm", [bubble_swaps, bubble_while], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["relaxed", "hard"])
def test_sorts_lower_to_a_constant_number_of_scans(algorithm, mode):
    f = relax(algorithm, mode=mode)
    counts = {n: scans(lambda x: f(x), jnp.linspace(1.0, 0.0, n)) for n in (6, 12, 24)}
    assert len(set(counts.values())) == 1, counts
    assert counts[6] <= 6


def test_a_while_on_a_counter_is_one_bounded_scan_whatever_max_iter():
    counts = {m: scans(lambda x: relax(grow_until, max_iter=m)(x, 10.0), 0.3) for m in (10, 100)}
    assert len(set(counts.values())) == 1, counts


def _scan_carries(jaxpr, depth=0):
    """(nesting depth, carry shapes) of every scan in `jaxpr`."""
    out = []
    for eqn in jaxpr.eqns:
        inner = depth
        if eqn.primitive.name == "scan":
            # The scan's outputs are its final carry, then the stacked outputs of its steps; a carry has
            # the shape its step returns (read from shapes: JAX 0.11 dropped the num_carry parameter).
            body = eqn.params["jaxpr"].jaxpr
            carry = itertools.takewhile(lambda pair: pair[0].aval.shape == pair[1].aval.shape,
                                        zip(eqn.outvars, body.outvars))
            out.append((depth, [v.aval.shape for v, _ in carry]))
            inner = depth + 1
        for sub in jax.extend.core.jaxprs_in_params(eqn.params):
            out += _scan_carries(sub, inner)
    return out


def test_edit_distance_streams_rows_and_cells_instead_of_carrying_the_table():
    """Edit distance: the loop over i uses rows i - 1 and i of the (m + 1) x (m + 1) table only, and the
    loop over j cells j - 1 and j of row i: both run as streams (runtime/loops/stream.py), carrying the row, and
    the cell, in flight; a scan that carried the table would copy it every step of the backward pass."""
    m = 9
    s = jax.nn.one_hot(jnp.arange(m) % 3, 3)
    carries = _scan_carries(jax.make_jaxpr(relax(edit_distance_soft))(s, s).jaxpr)
    table = (m + 1, m + 1)
    outer = [shapes for depth, shapes in carries if depth == 0]
    inner = [shapes for depth, shapes in carries if depth > 0]
    assert len(outer) == 2 and table in outer[0], carries   # the loop that fills row 0 and column 0
    assert table not in outer[1] and (m + 1,) in outer[1], carries
    # the loop over j carries cells and the body's own variable for the symbol t[j - 1], no row of d
    assert inner and all(shape in ((), (3,)) for shapes in inner for shape in shapes), carries


def _reads_per_step(fn, *args) -> list[int]:
    """Element reads (dynamic slices and gathers) in the body of each innermost scan (also inside the
    `checkpoint` that wraps it)."""
    counts = []

    def reads(jaxpr):
        return sum(reads(sub) for e in jaxpr.eqns for sub in jax.extend.core.jaxprs_in_params(e.params)) + \
            sum(e.primitive.name in ("dynamic_slice", "gather") for e in jaxpr.eqns)

    def walk(jaxpr):
        for eqn in jaxpr.eqns:
            subs = list(jax.extend.core.jaxprs_in_params(eqn.params))
            if eqn.primitive.name == "scan" and not any("scan" in str(s) for s in subs):
                counts.append(reads(subs[0]))
            for sub in subs:
                walk(sub)
    walk(jax.make_jaxpr(fn)(*args).jaxpr)
    return counts


def bubble_swaps_downwards(a):
    """Bubble sort whose passes run down the array (step -1: not a stream, so it reads by index)."""
    n = len(a)
    swaps = 0.0
    for i in range(n):
        for j in range(n - 2, i - 1, -1):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1.0
    return a, swaps


def test_a_soft_compare_swap_reads_each_element_once():
    """A step reads a[j] and a[j + 1] for the test, again for the swap, and the merge of the branches
    reads them a third time: all one read each (as in the hand-written scan)."""
    f = relax(bubble_swaps_downwards)
    assert _reads_per_step(lambda x: f(x)[1], jnp.linspace(1.0, 0.0, 6)) == [2]


def test_a_pass_of_bubble_sort_as_a_stream_reads_no_element_by_index():
    f = relax(bubble_swaps)
    assert _reads_per_step(lambda x: f(x)[1], jnp.linspace(1.0, 0.0, 6)) == [0]
