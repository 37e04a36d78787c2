"""`relaxjax-bench path`: the exact solver, the baselines' gradients, relaxjax's loss, the sharded step
and the command line (a smoke run)."""
import json
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from relaxjax import relax
from relaxjax.benchmarks import algorithms, cli, path_data, path_losses, path_solvers, terrain
from tests.test_path_data import _is_path

TILES = terrain.procedural_tiles(variants=2)


def test_the_jax_solver_finds_cheapest_paths():
    data = path_data.generate(100, 8, TILES, seed=0)
    masks = np.asarray(jax.vmap(path_solvers.shortest_path)(jnp.asarray(data["costs"])))
    assert set(np.unique(masks)) == {0.0, 1.0}
    np.testing.assert_allclose(path_data.path_cost(data["costs"], masks), data["optimum"], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(jax.vmap(path_solvers.distances)(jnp.asarray(data["costs"]))[0]),
                               path_data.distances(data["costs"]), rtol=1e-5)
    assert np.mean(np.all(masks == data["paths"], axis=(1, 2))) > 0.9   # ties may break otherwise in float32


def test_the_jax_solver_walks_a_whole_path_through_zero_and_negative_costs():
    rng = np.random.default_rng(5)
    costs = rng.choice([0.0, 0.0, 1.0, -0.5], size=(30, 7, 7)).astype(np.float32)   # ties everywhere
    masks = np.asarray(jax.vmap(path_solvers.shortest_path)(jnp.asarray(costs)))
    clipped = np.maximum(costs, 0.0)
    for mask, cost in zip(masks, clipped):
        assert _is_path(mask)
        assert path_data.path_cost(cost[None], mask[None])[0] == pytest.approx(
            path_data.distances(cost[None])[0, -1, -1], abs=1e-6)


def test_the_walk_run_exactly_is_cpythons_and_marks_a_cheapest_path():
    data = path_data.generate(12, 7, TILES, seed=6)
    hard = relax(algorithms.grid_shortest_path_walk, mode="hard")
    for costs, optimum in zip(data["costs"], data["optimum"]):
        in_python = np.reshape(algorithms.grid_shortest_path_walk(costs.tolist()), costs.shape)
        np.testing.assert_array_equal(np.reshape(hard(jnp.asarray(costs)), costs.shape), in_python)
        assert _is_path(in_python)
        assert path_data.path_cost(costs[None], in_python[None])[0] == pytest.approx(optimum, rel=1e-6)


def test_blackbox_gradient_is_the_difference_of_two_solver_calls():
    costs = jnp.asarray(path_data.generate(1, 6, TILES, seed=1)["costs"][0])
    incoming = jnp.asarray(np.random.default_rng(0).normal(size=costs.shape), costs.dtype)
    path, pull = jax.vjp(lambda c: path_solvers.blackbox_path(c, 20.0), costs)
    moved = path_solvers.shortest_path(costs + 20.0 * incoming)
    np.testing.assert_allclose(pull(incoming)[0], -(path - moved) / 20.0)


def test_the_fenchel_young_gradient_is_the_target_minus_the_mean_perturbed_path():
    data = path_data.generate(1, 6, TILES, seed=2)
    costs, target = jnp.asarray(data["costs"][0]), jnp.asarray(data["paths"][0], jnp.float32)
    key = jax.random.PRNGKey(3)
    grad = jax.grad(path_solvers.perturbed_fenchel_young)(costs, target, key, 3, 0.5)
    noise = jax.random.normal(key, (3,) + costs.shape, costs.dtype)
    paths = jax.vmap(path_solvers.shortest_path)(costs[None] + 0.5 * noise)
    np.testing.assert_allclose(grad, target - paths.mean(axis=0), atol=1e-6)


def test_relaxjax_loss_is_zero_on_the_true_costs_and_its_gradient_the_path_difference_at_large_beta():
    data = path_data.generate(20, 6, TILES, seed=4)
    n = int(np.argmax(data["optimal"] == 1))   # a map with one cheapest path: the relaxed one tends to it
    costs, target = jnp.asarray(data["costs"][n], jnp.float32), jnp.asarray(data["paths"][n], jnp.float32)
    args = (target, costs, jnp.float32(1e3), jax.random.PRNGKey(0))
    assert float(path_losses.relaxjax_bellman_ford(costs, *args)) == pytest.approx(0.0, abs=1e-3)
    cheaper = costs.at[1:, 0].set(0.01).at[-1, 1:].set(0.01)   # down the left edge, along the bottom
    assert path_data.count_optimal(np.asarray(cheaper)[None], path_data.distances(np.asarray(cheaper)[None]))[0] == 1
    assert not np.array_equal(path_solvers.shortest_path(cheaper), target)
    grad = jax.grad(path_losses.relaxjax_bellman_ford)(cheaper, *args)
    np.testing.assert_allclose(grad, target - path_solvers.shortest_path(cheaper), atol=1e-3)
    # the walk: its mask is the true path on the true costs, not on the cheaper ones
    assert float(path_losses.relaxjax_walk(costs, *args)) == pytest.approx(0.0, abs=1e-3)
    walked = relax(algorithms.grid_shortest_path_walk, beta=1e3)(cheaper)
    np.testing.assert_allclose(np.reshape(walked, cheaper.shape), path_solvers.shortest_path(cheaper), atol=1e-2)
    assert float(path_losses.relaxjax_walk(cheaper, *args)) > 13.0   # -log(1e-6) per wrong cell, at least one
    assert bool(jnp.isfinite(jax.grad(path_losses.relaxjax_walk)(cheaper, *args)).all())


def test_the_cli_writes_one_result_per_method_and_size(tmp_path, capsys):
    out = tmp_path / "path.json"
    methods = ["relaxjax-bellman-ford", "direct-costs"]   # each method's loss has its own test above
    status = cli.main(["path", "--sizes", "6", "--methods", *methods, "--steps", "2", "--batch", "4",
                       "--maps", "16", "8", "8", "--eval-every", "1", "--tiles", "procedural", "--no-progress", "--out", str(out),
                       "--plots", str(tmp_path / "plots")])
    assert status == 0
    results = json.loads(out.read_text())["results"]
    assert [(r["method"], r["size"]) for r in results] == [(m, 6) for m in methods]
    for r in results:
        assert set(r["test"]) == {"exact", "optimal", "regret"} and all(np.isfinite(list(r["test"].values())))
    assert all(m.startswith(("relaxjax", "direct-")) or m in ("blackbox", "perturbed") for m in path_losses.METHODS)
    printed = capsys.readouterr().out
    assert "/ blackbox" in printed and "untrained network" in printed
    assert all((tmp_path / "plots" / name).stat().st_size > 0 for name in ("path-curves.png", "path-test-map.png"))


TRAIN_TWO_STEPS = textwrap.dedent("""
    import json, sys
    import jax
    from relaxjax.benchmarks import path_data, terrain
    from relaxjax.benchmarks.path import Config, train
    tiles = terrain.procedural_tiles(variants=2)
    data = {s: path_data.generate(8, 6, tiles, seed=n) for n, s in enumerate(("train", "val", "test"))}
    result = train(Config(size=6, method=sys.argv[1], steps=2, batch=4, eval_every=1), data, progress=False)
    print(json.dumps({"devices": result["devices"], "losses": [c["loss"] for c in result["curve"]]}))
""")


def test_the_training_step_shards_its_batch_over_two_devices_with_the_same_result():
    method = "relaxjax-bellman-ford"
    def run(devices):
        env = dict(os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}",
                   JAX_PLATFORMS="cpu", JAX_ENABLE_X64="0")
        done = subprocess.run([sys.executable, "-c", TRAIN_TWO_STEPS, method], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])
    one, two = run(1), run(2)
    assert (one["devices"], two["devices"]) == (1, 2)
    np.testing.assert_allclose(two["losses"], one["losses"], rtol=1e-4)
