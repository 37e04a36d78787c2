"""`relaxjax-bench edit`: learn to read handwritten digits from the edit distances of strings alone.

For each string length and method: train the glyph CNN (the sorting CNN's trunk, one score per symbol)
with Adam on freshly drawn pairs of strings (the loss sees the class scores of both strings and their
edit distance, edit_losses.py); every few steps read the validation pairs and keep the parameters of the
lowest mean absolute error of the predicted distance; report on the test pairs: that error, the fraction
of exactly right distances, and the accuracy of the glyphs' classes after the one-to-one matching of
predicted to true classes that the validation glyphs agree with best (the distances say nothing about
which class is which).

The training step shards its batch over every local device, as `relaxjax-bench path` does.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from scipy.optimize import linear_sum_assignment

from relaxjax.benchmarks import edit_data, edit_losses, sharding, tables
from relaxjax.benchmarks.sort_model import ScoreCNN

EVAL_CHUNK = 200   # pairs per evaluation call


@dataclass
class Config:
    """One training run."""

    length: int = 8
    alphabet: int = 10
    method: str = "relaxjax-levenshtein"
    steps: int = 2000
    batch: int = 32
    learning_rate: float = 1e-3
    beta: float | None = None   # None: edit_losses.BETA
    eval_every: int = 100
    seed: int = 0


def train(config: Config, data: dict, progress: bool = True) -> dict:
    """Train one model on `data` (edit_data.splits, plus "val_pairs" and "test_pairs" from edit_data.pairs);
    its figures, learning curve, step times and best parameters (key "model")."""
    from tqdm.auto import tqdm

    devices = sharding.mesh()
    batch = sharding.batch_size(config.batch, devices)
    sharded, replicated = sharding.split(devices), sharding.replicated(devices)
    loss_of_pair = edit_losses.METHODS[config.method]
    if config.beta is None:
        config = replace(config, beta=edit_losses.BETA)
    key = jax.random.PRNGKey(config.seed)
    model = jax.device_put(ScoreCNN(key, 28, 28, outputs=config.alphabet), replicated)
    optimiser = optax.adam(config.learning_rate)
    opt_state = optimiser.init(eqx.filter(model, eqx.is_array))

    @eqx.filter_jit
    def step(model, opt_state, images, distance, symbols, beta):
        def loss(model):
            scores = read(model, images)
            return jnp.mean(jax.vmap(loss_of_pair, in_axes=(0, 0, 0, None))(scores, distance, symbols, beta))

        value, grads = eqx.filter_value_and_grad(loss)(model)
        updates, opt_state = optimiser.update(grads, opt_state, eqx.filter(model, eqx.is_array))
        return eqx.apply_updates(model, updates), opt_state, value

    rng = np.random.default_rng(config.seed)
    train_split = data["train"]
    untrained = evaluate(model, data)
    curve, best = [], {"val_mae": np.inf, "step": 0, "model": model}
    step_seconds = []
    started = time.perf_counter()
    bar = tqdm(range(1, config.steps + 1), desc=f"length {config.length} {config.method}", disable=not progress,
               mininterval=1.0, leave=True)
    for i in bar:
        drawn = edit_data.pairs(rng, train_split, batch, config.length)
        images, distance, symbols = (jax.device_put(x, sharded) for x in
                                     (train_split["images"][drawn["glyphs"]], drawn["distance"], drawn["symbols"]))
        tick = time.perf_counter()
        model, opt_state, loss = step(model, opt_state, images, distance, symbols, jnp.float32(config.beta))
        loss = float(loss)   # waits for the step
        step_seconds.append(time.perf_counter() - tick)
        if i % config.eval_every == 0 or i == config.steps:
            figures = evaluate(model, data, split="val")
            curve.append({"step": i, "loss": loss, **{f"val_{k}": v for k, v in figures.items()},
                          "seconds": time.perf_counter() - started})
            if figures["mae"] < best["val_mae"]:
                best = {"val_mae": figures["mae"], "step": i, "model": model}
            bar.set_postfix(loss=f"{loss:.3f}", val_mae=f"{figures['mae']:.3f}")
    bar.close()
    later = step_seconds[1:] or step_seconds
    return {"method": config.method, "size": config.length, "test": evaluate(best["model"], data),
            "config": asdict(config), "batch": batch, "devices": devices.size,
            "train_seconds": time.perf_counter() - started, "best_step": best["step"], "val_mae": best["val_mae"],
            "first_step_seconds": step_seconds[0], "step_seconds": float(np.median(later)),
            "untrained": untrained, "curve": curve, "model": best["model"]}


def read(model: ScoreCNN, images: jax.Array) -> jax.Array:
    """The class scores of glyph images (uint8 [..., 28, 28]): [..., alphabet]."""
    flat = images.reshape((-1,) + images.shape[-2:]).astype(jnp.float32) / 255.0
    return jax.vmap(model.outputs)(flat).reshape(images.shape[:-2] + (-1,))


@eqx.filter_jit
def predicted_symbols(model: ScoreCNN, images: jax.Array) -> jax.Array:
    """The class of highest score of each glyph image."""
    return jnp.argmax(read(model, images), axis=-1)


def evaluate(model: ScoreCNN, data: dict, split: str = "test") -> dict:
    """The figures of the model's readings of a split's pairs (`split` "val" or "test"): "mae" and "exact"
    of the edit distances of the predicted strings, "accuracy" of the glyphs under the class matching
    found on the validation pairs."""
    val = predicted_strings(model, data["val"], data["val_pairs"])
    matching = class_matching(val, data["val_pairs"]["symbols"], len(data["val"]["by_class"]))
    pairs = data[f"{split}_pairs"]
    symbols = val if split == "val" else predicted_strings(model, data[split], pairs)
    distance = edit_data.levenshtein(symbols[:, 0], symbols[:, 1])
    error = np.abs(distance - pairs["distance"])
    return {"mae": float(np.mean(error)), "exact": float(np.mean(error == 0)),
            "accuracy": float(np.mean(matching[symbols] == pairs["symbols"]))}


def predicted_strings(model: ScoreCNN, split: dict, pairs: dict) -> np.ndarray:
    """The model's reading of the strings of `pairs` (drawn from `split`): int [count, 2, length]."""
    glyphs = pairs["glyphs"]
    return np.concatenate([np.asarray(predicted_symbols(model, jnp.asarray(split["images"][glyphs[n:n + EVAL_CHUNK]])))
                           for n in range(0, len(glyphs), EVAL_CHUNK)])


def class_matching(predicted: np.ndarray, true: np.ndarray, alphabet: int) -> np.ndarray:
    """The one-to-one map of predicted classes to true classes under which most glyphs agree (the
    Hungarian algorithm on the confusion matrix): `matching[predicted]` is the matched class."""
    confusion = np.zeros((alphabet, alphabet))
    np.add.at(confusion, (predicted.ravel(), true.ravel()), 1)
    rows, cols = linear_sum_assignment(-confusion)
    matching = np.empty(alphabet, dtype=np.int64)
    matching[rows] = cols
    return matching


def table(results: list[dict]) -> str:
    """The results as a fixed-width table, with each method's step time over softmin-dp's at its length."""
    return tables.learning_table(results, "length", edit_losses.METHODS, "softmin-dp",
                                 {"mae": "MAE", "exact": "exact", "accuracy": "accuracy"})
