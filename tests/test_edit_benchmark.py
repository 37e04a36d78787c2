"""`relaxjax-bench edit`: the pairs of strings, relaxjax's program in both of its forms, the soft-min
baseline, the class matching and one short run (on the fake MNIST of the sort tests)."""
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from relaxjax import relax
from relaxjax.benchmarks import algorithms, cli, edit_data, edit_losses
from relaxjax.benchmarks.edit import class_matching
from tests.helpers import x64
from tests.test_sort_benchmark import fake_mnist  # noqa: F401  (a fixture)


def _plain_levenshtein(a, b):
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return d[-1][-1]


def _split(alphabet=4, per_class=5):
    labels = np.repeat(np.arange(alphabet), per_class)
    return {"labels": labels, "by_class": [np.flatnonzero(labels == c) for c in range(alphabet)]}


def test_pairs_spell_their_symbols_and_carry_their_exact_distance():
    split = _split()
    pairs = edit_data.pairs(np.random.default_rng(0), split, 400, 6)
    assert pairs["symbols"].shape == pairs["glyphs"].shape == (400, 2, 6)
    np.testing.assert_array_equal(split["labels"][pairs["glyphs"]], pairs["symbols"])
    expected = [_plain_levenshtein(list(a), list(b)) for a, b in pairs["symbols"]]
    np.testing.assert_array_equal(pairs["distance"], expected)
    assert set(np.unique(pairs["distance"])) >= set(range(6))   # the distances spread over 0 .. length


def test_the_program_in_hard_mode_is_cpython_and_relaxed_tends_to_it():
    rng = np.random.default_rng(1)
    hard, relaxed = relax(algorithms.levenshtein, mode="hard"), relax(algorithms.levenshtein, beta=1e3)
    for _ in range(5):
        s, t = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
        exact = algorithms.levenshtein(s.tolist(), t.tolist())
        assert exact == _plain_levenshtein(list(s.argmax(1)), list(t.argmax(1)))
        assert float(hard(s, t)) == exact
        assert float(relaxed(s, t)) == pytest.approx(exact, abs=1e-3)


@pytest.mark.parametrize("beta", [0.5, 3.0])
def test_comparing_symbols_is_the_probability_they_agree(beta):
    """`a[i - 1] == b[j - 1]` between two symbols read as the class of highest score relaxes to
    `sum(p * q)` for `p = softmax(beta * scores)`: the program agrees with the speed benchmark's
    `edit_distance`, which sums `p * q` on probability rows, gradients included."""
    s = jax.random.normal(jax.random.PRNGKey(0), (5, 4))
    t = jax.random.normal(jax.random.PRNGKey(1), (5, 4))
    by_symbols = relax(algorithms.levenshtein, beta=beta)
    by_sum = relax(algorithms.edit_distance, beta=beta)
    softmax = lambda x: jax.nn.softmax(beta * x, axis=-1)  # noqa: E731
    np.testing.assert_allclose(by_symbols(s, t), by_sum(softmax(s), softmax(t)), rtol=1e-5)
    np.testing.assert_allclose(jax.grad(by_symbols)(s, t), jax.grad(lambda x: by_sum(softmax(x), softmax(t)))(s),
                               rtol=1e-4, atol=1e-6)


@pytest.mark.skipif(not x64(), reason="finite differences need float64")
def test_the_relaxed_program_has_the_gradient_of_finite_differences():
    s = jax.random.normal(jax.random.PRNGKey(2), (4, 3), jnp.float64)
    t = jax.random.normal(jax.random.PRNGKey(3), (3, 3), jnp.float64)
    check_grads(relax(algorithms.levenshtein, beta=2.0), (s, t), order=2, modes=["rev"], eps=1e-4)


def test_rows_compared_whole_are_refused_with_the_way_out():
    def compare_rows(s, t):
        return 0.0 if s[0] == t[0] else 1.0
    with pytest.raises(Exception, match="element by element"):
        relax(compare_rows, beta=1.0)(jnp.eye(3), jnp.eye(3))


def test_the_soft_min_dp_tends_to_the_distance_and_is_its_own_plain_loop():
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 3, 6), rng.integers(0, 3, 5)
    p, q = jax.nn.one_hot(a, 3), jax.nn.one_hot(b, 3)
    assert float(edit_losses.soft_edit_distance(p, q, 1e-3)) == pytest.approx(_plain_levenshtein(list(a), list(b)),
                                                                              abs=1e-2)
    p, q = jax.nn.softmax(rng.normal(size=(4, 3))), jax.nn.softmax(rng.normal(size=(3, 3)))
    gamma = 0.5
    d = [[float(i + j) if i * j == 0 else 0.0 for j in range(4)] for i in range(5)]
    for i in range(1, 5):
        for j in range(1, 4):
            moves = np.array([d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + 1 - float(p[i - 1] @ q[j - 1])])
            d[i][j] = -gamma * np.log(np.sum(np.exp(-moves / gamma)))
    assert float(edit_losses.soft_edit_distance(p, q, gamma)) == pytest.approx(d[4][3], rel=1e-5)


def test_losses_are_least_on_a_true_reading_and_have_finite_gradients():
    symbols = jnp.asarray([[0, 1, 2, 1], [1, 1, 2, 0]])
    distance = jnp.float32(_plain_levenshtein([0, 1, 2, 1], [1, 1, 2, 0]))
    true, wrong = 30.0 * jax.nn.one_hot(symbols, 3), 30.0 * jax.nn.one_hot(symbols[jnp.asarray([0, 0])], 3)
    vague = jax.random.normal(jax.random.PRNGKey(0), (2, 4, 3))
    beta = jnp.float32(30.0)
    for name, loss in edit_losses.METHODS.items():
        raised = edit_losses.RAISE if name == "relaxjax-levenshtein-raised" else 0.0
        if name != "direct-labels":   # the only one that sees the symbols
            assert float(loss(wrong, 0.0, symbols, beta)) == pytest.approx(raised, abs=1e-2), name   # equal strings
        assert float(loss(true, distance, symbols, beta)) < min(raised + (1e-2 if name != "softmin-dp" else 0.5),
                                                                float(loss(wrong, distance, symbols, beta)) - 1.0), name
        grad = jax.grad(loss)(vague, distance, symbols, jnp.float32(1.0))
        assert bool(jnp.isfinite(grad).all()) and float(jnp.abs(grad).sum()) > 0, name


def test_read_surely_relaxjax_gives_the_distance_and_the_soft_min_a_shorter_one():
    """Why `relaxjax-levenshtein-raised`: a sure right reading gives relaxjax's distance exactly (no
    gradient asks to read the glyphs apart), the soft-min's (`-gamma logsumexp`) comes out short."""
    rng = np.random.default_rng(4)
    relaxed = relax(algorithms.levenshtein)
    for distance in (2, 5, 8):
        symbols = np.stack([np.arange(8), np.arange(8)])
        symbols[1, :distance] = 8 + np.arange(distance) % 2   # symbols the first string lacks
        assert _plain_levenshtein(list(symbols[0]), list(symbols[1])) == distance
        scores = 8.0 * jax.nn.one_hot(symbols, 10) + 0.5 * rng.normal(size=(2, 8, 10))
        assert float(relaxed(scores[0], scores[1], beta=edit_losses.BETA)) == pytest.approx(distance, abs=1e-2)
        p = jax.nn.softmax(scores, axis=-1)
        assert float(edit_losses.soft_edit_distance(p[0], p[1], edit_losses.GAMMA)) < distance - 0.01


def test_class_matching_undoes_a_permutation():
    rng = np.random.default_rng(3)
    true = rng.integers(0, 5, 300)
    permutation = rng.permutation(5)
    predicted = permutation[true]
    predicted[:20] = rng.integers(0, 5, 20)   # a few misreadings
    matching = class_matching(predicted, true, 5)
    np.testing.assert_array_equal(matching[permutation], np.arange(5))


def test_a_short_run_end_to_end(fake_mnist, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "edit.json"
    status = cli.main(["edit", "--lengths", "3", "--alphabet", "4", "--methods", "relaxjax-levenshtein",
                       "softmin-dp", "--steps", "2", "--batch", "2", "--pairs", "6", "6", "--eval-every", "1",
                       "--no-progress", "--out", str(out), "--plots", str(tmp_path / "plots")])
    assert status == 0
    results = json.loads(out.read_text())["results"]
    assert [(r["method"], r["size"]) for r in results] == [("relaxjax-levenshtein", 3), ("softmin-dp", 3)]
    for r in results:
        assert set(r["test"]) == {"mae", "exact", "accuracy"} and all(np.isfinite(list(r["test"].values())))
        assert [c["step"] for c in r["curve"]] == [1, 2]
    printed = capsys.readouterr().out
    assert "/ softmin" in printed and "untrained network" in printed
    assert all((tmp_path / "plots" / name).stat().st_size > 0 for name in ("edit-curves.png", "edit-test-pairs.png"))
    assert cli.main(["edit", "--alphabet", "11", "--steps", "1"]) == 2
