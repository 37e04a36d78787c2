"""How loops lower: the program size must not grow with the trip count (DESIGN.md §4)."""
import jax
import jax.extend
import jax.numpy as jnp
import pytest

from relaxjax import relax
from tests.corpus import bubble_swaps, bubble_while, grow_until


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
