"""Numbers produced by AlgoVision 0.1.2, the paper's own code (shared/reference/algovision-vectors.md).

Plain Python versions of the same algorithms, relaxed by relaxjax, must reproduce them.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import relax
from relaxjax.runtime import eq, ge, gt, le, lt, min_, options
from tests.corpus import bubble_while
from tests.helpers import x64

pytestmark = pytest.mark.skipif(not x64(), reason="reference values are float64")
A, B = jnp.array([0.3, -1.0]), jnp.array([0.0, 0.5])


def test_comparisons_at_beta_5():
    with options(beta=5.0):
        np.testing.assert_allclose(lt(A, B).prob, [0.182426, 0.999447], atol=1e-6)
        np.testing.assert_allclose(le(A, B).prob, [0.182426, 0.999447], atol=1e-6)
        np.testing.assert_allclose(gt(A, B).prob, [0.817574, 0.000553], atol=1e-6)
        np.testing.assert_allclose(ge(A, B).prob, [0.817574, 0.000553], atol=1e-6)
        np.testing.assert_allclose(eq(A, B).prob, [0.596586, 0.002210], atol=1e-6)


def ten_or_minus_ten(a):
    y = 10.0 if a > 0 else -10.0
    return y


def test_if_expression_at_beta_2():
    a = jnp.linspace(-2, 2, 9)
    got = jax.vmap(relax(ten_or_minus_ten, beta=2.0))(a)
    s = jax.nn.sigmoid(2 * a)
    np.testing.assert_allclose(got, 10 * s - 10 * (1 - s), atol=1e-12)


def count_to_five(x0):
    x = x0
    while x < 5:
        x = x + 1
    return x


@pytest.mark.filterwarnings("ignore::relaxjax.MaxIterWarning")   # max_iter=3 cuts the loop on purpose
@pytest.mark.parametrize("beta, max_iter, expected", [
    (0.5, 100, 3.420082), (1.25, 100, 4.980389), (5.0, 100, 5.493170), (50.0, 100, 5.5), (0.5, 3, 2.403614)])
def test_while_halting_mixture(beta, max_iter, expected):
    got = relax(count_to_five, beta=beta, max_iter=max_iter)(0.0)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_min_and_weighted_write_at_beta_2():
    with options(beta=2.0):
        np.testing.assert_allclose(min_(jnp.asarray(1.0), 3.0), 1.035972, atol=1e-6)
        # A soft index whose weights over positions are (0.2, 0.5, 0.3) writes w * 7 + (1 - w) * arr.
    w = jnp.array([0.2, 0.5, 0.3])
    from relaxjax.runtime.relaxations import mix
    np.testing.assert_allclose(mix(w, 7.0, jnp.array([1.0, 2.0, 3.0])), [2.2, 4.5, 4.2], atol=1e-12)


BUBBLE = [
    (1, [3, 1, 2], [1.49742, 1.983402, 2.519179], 1.820476, [0.309546, 0.074281, -0.383827]),
    (1, [1, 2, 3], [1.371609, 1.906846, 2.721545], 0.627013, [0.341783, -0.129871, -0.211912]),
    (1, [3, 2, 1], [1.559887, 1.969496, 2.470617], 2.283685, [0.386158, -0.031935, -0.354223]),
    (5, [3, 1, 2], [1.00661, 2.000176, 2.993214], 1.999736, [0.034337, 0.031947, -0.066284]),
    (5, [1, 2, 3], [1.006783, 1.999734, 2.993483], 0.013258, [0.033085, -0.000715, -0.03237]),
    (5, [3, 2, 1], [1.006614, 2.000173, 2.993214], 2.986783, [0.032644, -0.000219, -0.032425]),
    (5, [0.5, -0.2, 0.1, 0.9, 0.0], [-0.04793, 0.051855, 0.074349, 0.3742, 0.847527], 4.967160,
     [1.598531, 2.176446, -0.519948, -0.233607, -3.021423]),
]


@pytest.mark.parametrize("beta, x, out, loss, grad", BUBBLE)
def test_paper_bubble_sort(beta, x, out, loss, grad):
    f = relax(bubble_while, beta=float(beta))
    x = jnp.asarray(x, dtype=float)
    got_out, got_loss = f(x)
    g = jax.grad(lambda v: f(v)[1])(x)
    np.testing.assert_allclose(got_out, out, atol=1e-5)
    np.testing.assert_allclose(got_loss, loss, atol=1e-5)
    np.testing.assert_allclose(g, grad, atol=1e-5)


@pytest.mark.parametrize("x, loss", [([3, 1, 2], 2.0), ([1, 2, 3], 0.0), ([3, 2, 1], 3.0)])
def test_paper_bubble_sort_at_beta_100(x, loss):
    f = relax(bubble_while, beta=100.0)
    x = jnp.asarray(x, dtype=float)
    got_out, got_loss = f(x)
    np.testing.assert_allclose(got_out, [1, 2, 3], atol=1e-5)
    np.testing.assert_allclose(got_loss, loss, atol=1e-5)
    np.testing.assert_allclose(jax.grad(lambda v: f(v)[1])(x), 0.0, atol=1e-5)


def early_return(a):
    if a > 0:
        return 10.0
    return -10.0


def test_early_return_is_the_branch_mixture_not_a_flag():
    """`if c: return a` / `return b` gives p * a + (1 - p) * b exactly (a flag lowering has p**2 terms)."""
    a = jnp.linspace(-2, 2, 9)
    got = jax.vmap(relax(early_return, beta=2.0))(a)
    s = jax.nn.sigmoid(2 * a)
    np.testing.assert_allclose(got, 10 * s - 10 * (1 - s), atol=1e-12)


def test_break_gives_the_expected_first_index_not_a_flag_mixture():
    """With independent comparisons the mean-field result of a `break` loop is the exact expectation
    sum_i i * p_i * prod_{j<i} (1 - p_j) + (-1) * prod_j (1 - p_j)."""
    from tests.corpus import first_index_above
    a, t, beta = jnp.array([0.5, 0.7, 0.2, 0.9, 0.1, 0.65, 0.3]), 0.6, 3.0
    p = jax.nn.sigmoid(beta * (a - t))
    expected, alive = 0.0, 1.0
    for i in range(len(a)):
        expected += alive * p[i] * i
        alive *= 1 - p[i]
    expected += alive * -1
    np.testing.assert_allclose(relax(first_index_above, beta=beta)(a, t), expected, rtol=1e-12)
    from tests.corpus import first_index_return   # the same with `return i` inside the loop
    np.testing.assert_allclose(relax(first_index_return, beta=beta)(a, t), expected, rtol=1e-12)
