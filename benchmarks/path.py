"""`relaxjax-bench path`: learn the costs of terrain cells from shortest paths alone.

For each map size and method: train the cost network (path_model.py) with Adam on the training maps,
the loss seeing the predicted costs and the true path (path_losses.py); every few steps compute the
exact shortest paths of the predicted costs on the validation maps, keep the parameters of the best
fraction of cost-optimal paths, and report on the test maps: exact paths (the whole mask equal),
cost-optimal paths (the predicted path's true cost equals the optimum; ties are common) and the mean
regret (the predicted path's true cost over the optimum, minus 1).

The training step shards its batch over every local device (a one-axis `jax.sharding.Mesh`; the
parameters are replicated); on one device this is a plain `jit`.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from relaxjax.benchmarks import path_data, path_losses, path_solvers, sharding, tables
from relaxjax.benchmarks.path_model import CostNet

EVAL_CHUNK = 100   # maps per evaluation call


@dataclass
class Config:
    """One training run."""

    size: int = 12
    method: str = "relaxjax-bellman-ford"
    steps: int = 2000
    batch: int = 70
    learning_rate: float = 5e-4
    beta: float | None = None   # None: the method's default (path_losses.BETA)
    eval_every: int = 200
    seed: int = 0


def train(config: Config, data: dict, progress: bool = True) -> dict:
    """Train one model on `data` (splits "train", "val", "test" of path_data.generate); its figures,
    learning curve, step times and best parameters (key "model")."""
    from tqdm.auto import tqdm

    devices = sharding.mesh()
    batch = sharding.batch_size(config.batch, devices)
    sharded, replicated = sharding.split(devices), sharding.replicated(devices)
    loss_of_map = path_losses.METHODS[config.method]
    if config.beta is None:
        config = replace(config, beta=path_losses.BETA.get(config.method, 30.0))
    key = jax.random.PRNGKey(config.seed)
    key, init_key = jax.random.split(key)
    model = jax.device_put(CostNet(init_key, config.size), replicated)
    state = jax.device_put(model.init_state(), replicated)
    optimiser = optax.adam(config.learning_rate)
    opt_state = optimiser.init(eqx.filter(model, eqx.is_array))

    @eqx.filter_jit
    def step(model, state, opt_state, images, paths, costs, beta, key):
        keys = jax.random.split(key, images.shape[0])

        def loss(model):
            predicted, new_state = model(images, state, True)
            return jnp.mean(jax.vmap(loss_of_map, in_axes=(0, 0, 0, None, 0))(predicted, paths, costs, beta, keys)), \
                new_state

        (value, new_state), grads = eqx.filter_value_and_grad(loss, has_aux=True)(model)
        updates, opt_state = optimiser.update(grads, opt_state, eqx.filter(model, eqx.is_array))
        return eqx.apply_updates(model, updates), new_state, opt_state, value

    untrained = evaluate(model, state, data["test"])
    train_split = data["train"]
    rng = np.random.default_rng(config.seed)
    curve, best = [], {"val_optimal": -1.0, "step": 0, "model": model, "state": state}
    step_seconds = []
    started = time.perf_counter()
    bar = tqdm(range(1, config.steps + 1), desc=f"{config.size}x{config.size} {config.method}",
               disable=not progress, mininterval=1.0, leave=True)
    for i in bar:
        pick = rng.integers(0, len(train_split["images"]), batch)
        images, paths, costs = (jax.device_put(train_split[name][pick], sharded)
                                for name in ("images", "paths", "costs"))
        key, step_key = jax.random.split(key)
        tick = time.perf_counter()
        model, state, opt_state, loss = step(model, state, opt_state, images, paths.astype(jnp.float32), costs,
                                             jnp.float32(config.beta), step_key)
        loss = float(loss)   # waits for the step
        step_seconds.append(time.perf_counter() - tick)
        if i % config.eval_every == 0 or i == config.steps:
            figures = evaluate(model, state, data["val"])
            curve.append({"step": i, "loss": loss, **{f"val_{k}": v for k, v in figures.items()},
                          "seconds": time.perf_counter() - started})
            if figures["optimal"] > best["val_optimal"]:
                best = {"val_optimal": figures["optimal"], "step": i, "model": model, "state": state}
            bar.set_postfix(loss=f"{loss:.3f}", val_optimal=f"{figures['optimal']:.3f}")
    bar.close()
    train_seconds = time.perf_counter() - started
    test = evaluate(best["model"], best["state"], data["test"])
    later = step_seconds[1:] or step_seconds
    return {"method": config.method, "size": config.size, "test": test, "config": asdict(config),
            "batch": batch, "devices": devices.size, "train_seconds": train_seconds, "best_step": best["step"],
            "val_optimal": best["val_optimal"], "first_step_seconds": step_seconds[0],
            "step_seconds": float(np.median(later)), "untrained": untrained, "curve": curve,
            "model": best["model"], "state": best["state"]}


@eqx.filter_jit
def predicted_paths(model: CostNet, state: dict, images: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The predicted costs of a batch of maps and the exact shortest paths under them."""
    costs, _ = model(images, state, False)
    return costs, jax.vmap(path_solvers.shortest_path)(costs)


def evaluate(model: CostNet, state: dict, split: dict) -> dict:
    """Exact paths, cost-optimal paths and mean regret of the model's paths on a split."""
    masks = []
    for start in range(0, len(split["images"]), EVAL_CHUNK):
        images = jnp.asarray(split["images"][start:start + EVAL_CHUNK])
        masks.append(np.asarray(predicted_paths(model, state, images)[1]))
    return scores(np.concatenate(masks), split)


def scores(masks: np.ndarray, split: dict) -> dict:
    """The figures of predicted path masks against a split's true paths and costs."""
    cost = path_data.path_cost(split["costs"], masks)
    optimum = split["optimum"]
    return {"exact": float(np.mean(np.all(masks == split["paths"], axis=(1, 2)))),
            "optimal": float(np.mean(cost <= optimum * (1 + 1e-6))),
            "regret": float(np.mean(cost / optimum - 1.0))}


def table(results: list[dict]) -> str:
    """The results as a fixed-width table, with each method's step time over blackbox's at its size."""
    return tables.learning_table(results, "size", path_losses.METHODS, "blackbox",
                                 {"exact": "exact", "optimal": "optimal", "regret": "regret"})
