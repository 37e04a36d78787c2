"""mode="sampled": the mean of runs of the hard program whose decisions are drawn with their relaxed
probabilities. Where the relaxed program has one decision its value is that expectation exactly, so
the two must agree within the Monte Carlo error; at a huge beta every draw is CPython's decision."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import relaxjax
from relaxjax import relax
from tests.corpus import CORPUS
from tests.helpers import flat, run_python, x64

KEY = jax.random.key(0)


def less(a, b):
    return a < b


def smallest(a, b, c):
    return min(a, b, c)


def largest_position(a):
    return max(range(len(a)), key=lambda j: a[j])


def magnitude(x):
    return abs(x)


def read(a, i):
    return a[i]


def write(a, i):
    a[i] = 10.0
    return a


def branch(x):
    if x > 0.2:
        y = 2.0 * x
    else:
        y = -1.0
    return y


ONE_DECISION = [  # function, arguments, the width of the range its values lie in
    (less, (0.0, 0.4), 1.0),
    (largest_position, ([0.3, 0.1, 0.5, 0.45],), 3.0),
    (magnitude, (0.3,), 0.6),
    (read, (np.arange(5.0) ** 2, 1.7), 16.0),
    (write, (np.arange(5.0) ** 2, 2.3), 16.0),
    (branch, (0.3,), 1.6),
]
# min of three is one decision under the logistic only (elsewhere a fold of comparisons, tested below)
CASES_ONE = [(fn, args, spread, dist) for dist in ("logistic", "gaussian", "cauchy")
             for fn, args, spread in ONE_DECISION + ([(smallest, (0.0, 0.5, 0.9), 0.9)] if dist == "logistic" else [])]


@pytest.mark.parametrize("fn, args, spread, dist", CASES_ONE,
                         ids=[f"{fn.__name__}-{dist}" for fn, _, _, dist in CASES_ONE])
def test_one_decision_sampled_is_its_relaxed_probability(fn, args, spread, dist):
    samples = 20000
    sampled = relax(fn, beta=3.0, mode="sampled", samples=samples, dist=dist)(*args, key=KEY)
    relaxed = relax(fn, beta=3.0, dist=dist)(*args)
    error = 5 * spread / 2 / np.sqrt(samples)   # 5 standard errors of a mean of values in a range `spread` wide
    np.testing.assert_allclose(flat(sampled), flat(relaxed), atol=error)


def fold_min(a, b, c):
    m = a
    for v in (b, c):
        if v < m:
            m = v
    return m


@pytest.mark.parametrize("dist", ["gaussian", "laplace"])
def test_min_of_several_is_the_fold_under_other_distributions(dist):
    args, samples = (0.0, 0.5, 0.9), 40000
    got = relax(smallest, beta=2.0, mode="sampled", samples=samples, dist=dist)(*args, key=KEY)
    want = relax(fold_min, beta=2.0, mode="sampled", samples=samples, dist=dist)(*args, key=jax.random.key(1))
    np.testing.assert_allclose(got, want, atol=2 * 5 * 0.45 / np.sqrt(samples))


def coin_flips(x):
    heads = 0
    for _ in range(40):
        if x < 0.0:
            heads += 1
    return heads, heads * heads


def nested_coin_flips(x):
    heads = 0
    for _ in range(8):
        for _ in range(5):
            if x < 0.0:
                heads += 1
    return heads, heads * heads


def coin_flips_while(x):
    heads, flips = 0, 0
    while flips < 40 and x <= 50.0:
        if x < 0.0:
            heads += 1
        flips += 1
    return heads, heads * heads


@pytest.mark.parametrize("fn", [coin_flips, nested_coin_flips, coin_flips_while], ids=lambda f: f.__name__)
def test_every_step_of_a_loop_draws_afresh(fn):
    """40 fair coins: E[heads] = 20 and E[heads^2] = 400 + 10 when the flips are independent (800 if a
    scan reused one key for every step)."""
    samples = 20000
    heads, squares = relax(fn, beta=1.0, mode="sampled", samples=samples, max_iter=50)(0.0, key=KEY)
    assert abs(float(heads) - 20.0) < 5 * np.sqrt(10 / samples)
    variance = float(squares) - float(heads) ** 2
    assert 8.0 < variance < 12.0, variance


def two_sites(x):
    first = x < 0.0
    second = x < 0.0
    return first and second


def test_two_places_draw_independently():
    both = relax(two_sites, beta=1.0, mode="sampled", samples=40000)(0.0, key=KEY)
    assert abs(float(both) - 0.25) < 5 * 0.5 / np.sqrt(40000)


CASES = [a for a in CORPUS if a.soft]


@pytest.mark.skipif(not x64(), reason="float64 pass only: float32's hard mode is test_corpus_hard's")
@pytest.mark.parametrize("alg", CASES, ids=lambda a: a.name)
def test_huge_beta_draws_cpythons_decisions(alg):
    f = relax(alg.fn, beta=1e12, mode="sampled", samples=3, max_iter=alg.max_iter)
    rng = np.random.default_rng(5)
    for _ in range(2):
        args = alg.inputs(rng)
        np.testing.assert_allclose(flat(f(*args, key=KEY)), flat(run_python(alg.fn, args)), rtol=1e-5, atol=1e-6)


def test_the_same_key_gives_the_same_estimate_and_another_key_another():
    f = relax(branch, beta=1.0, mode="sampled", samples=64)
    assert float(f(0.3, key=KEY)) == float(f(0.3, key=KEY))
    assert float(f(0.3, key=KEY)) != float(f(0.3, key=jax.random.key(1)))
    assert float(f(0.3, key=jax.random.PRNGKey(2))) == float(f(0.3, key=jax.random.PRNGKey(2)))


def scaled(x):
    taken = x > 0.0
    if taken:
        y = 3.0 * x
    else:
        y = x
    return y, taken


def test_jit_vmap_and_pathwise_gradients():
    f = relax(scaled, beta=1.0, mode="sampled", samples=5000)
    xs = jnp.asarray([-0.5, 0.1, 0.8])
    keys = jax.random.split(KEY, 3)
    values, taken = jax.jit(jax.vmap(lambda x, k: f(x, key=k)))(xs, keys)
    assert values.shape == (3,) and taken.dtype == jnp.result_type(float)
    # the derivative holds the drawn decisions fixed: 3 * P(taken) + 1 * (1 - P(taken))
    grad = jax.grad(lambda x: f(x, key=KEY)[0])(0.1)
    share = f(0.1, key=KEY)[1]
    np.testing.assert_allclose(grad, 3.0 * share + (1.0 - share), rtol=1e-6)


def test_float32_stays_float32():
    out = relax(branch, beta=1.0, mode="sampled", samples=8)(jnp.float32(0.3), key=KEY)
    assert out.dtype == jnp.float32


def keyed(x, key):
    return x


def test_clear_errors():
    f = relax(branch, mode="sampled")
    with pytest.raises(TypeError, match="key=jax.random.key"):
        f(0.3)
    with pytest.raises(TypeError, match="PRNG key"):
        f(0.3, key=3)
    with pytest.raises(ValueError, match="samples must be an int >= 1"):
        relax(branch, mode="sampled", samples=0)
    with pytest.raises(ValueError, match="parameter named 'key'"):
        relax(keyed, mode="sampled")
    assert float(relax(keyed)(2.0, key=1.0)) == 2.0   # other modes leave `key` to the function


def count_up(x, limit):
    steps = 0
    while x < limit:
        x = x + 1.0
        steps += 1
    return steps


def test_a_loop_cut_at_max_iter_warns_with_the_share_of_samples_still_running():
    f = relax(count_up, beta=1.0, mode="sampled", samples=200, max_iter=3)
    with pytest.warns(relaxjax.MaxIterWarning, match="of the samples still ran"):
        jax.block_until_ready(f(0.0, 10.0, key=KEY))
        jax.effects_barrier()
