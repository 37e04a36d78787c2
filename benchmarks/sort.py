"""`relaxjax-bench sort`: learn to read four-digit MNIST numbers from the order of a set alone.

For each set size n and method: train the paper's CNN with Adam on freshly drawn sets (the loss sees
only the scores of a set given in ascending order), evaluate EM / EW on fixed validation sets every few
steps, keep the parameters of the best validation EM, and report EM / EW of those on fixed test sets.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from relaxjax.benchmarks import multidigit, sharding, sort_losses, sort_metrics
from relaxjax.benchmarks.sort_model import ScoreCNN

EVAL_CHUNK = 100  # sets per evaluation call


@dataclass
class Config:
    """One training run."""

    n: int
    method: str = "relaxjax-bubble"
    steps: int = 2000
    batch: int = 100
    learning_rate: float = 10 ** -3.5
    temperature: float | None = None        # beta / tau / steepness; None: the method's default
    temperature_final: float | None = None  # anneal geometrically to this over the run (no recompilation)
    eval_every: int = 100
    val_sets: int = 1000
    test_sets: int = 1000
    seed: int = 0

    def schedule(self, step: int) -> float:
        """The temperature parameter at `step`."""
        start = self.temperature if self.temperature is not None else sort_losses.METHODS[self.method][1]
        if self.temperature_final is None or self.steps <= 1:
            return start
        return start * (self.temperature_final / start) ** (step / (self.steps - 1))


def chance_em(n: int) -> float:
    """EM of a random ranking (ties ignored)."""
    return 1.0 / math.factorial(n)


def train(config: Config, data: dict[str, multidigit.Split], progress: bool = True) -> dict:
    """Train one model; return its figures, learning curve and best parameters (key "model")."""
    from tqdm.auto import tqdm

    loss_of_set = sort_losses.METHODS[config.method][0]
    key = jax.random.PRNGKey(config.seed)
    key, init_key, val_key, test_key = jax.random.split(key, 4)
    devices = sharding.mesh()
    batch = sharding.batch_size(config.batch, devices)
    model = jax.device_put(ScoreCNN(init_key), sharding.replicated(devices))
    optimiser = optax.adam(config.learning_rate)
    opt_state = optimiser.init(eqx.filter(model, eqx.is_array))
    val_indices = _eval_indices(val_key, data["val"], config.val_sets, config.n)
    test_indices = _eval_indices(test_key, data["test"], config.test_sets, config.n)

    @eqx.filter_jit
    def step(model, opt_state, key, temperature, train_split):
        images, _ = multidigit.compose(train_split, multidigit.draw(key, train_split, batch, config.n))
        images = jax.lax.with_sharding_constraint(images, sharding.split(devices))   # sets split over devices

        def loss(model):
            scores = jax.vmap(jax.vmap(model))(images)
            return jnp.mean(jax.vmap(loss_of_set, in_axes=(0, None))(scores, temperature))

        value, grads = eqx.filter_value_and_grad(loss)(model)
        updates, opt_state = optimiser.update(grads, opt_state, eqx.filter(model, eqx.is_array))
        return eqx.apply_updates(model, updates), opt_state, value

    curve, best = [], {"val_em": -1.0, "step": 0, "model": model}
    started = time.perf_counter()
    bar = tqdm(range(1, config.steps + 1), desc=f"n={config.n} {config.method}", disable=not progress,
               mininterval=1.0, leave=True)
    for i in bar:
        key, step_key = jax.random.split(key)
        model, opt_state, loss = step(model, opt_state, step_key, jnp.float32(config.schedule(i - 1)),
                                      data["train"])
        if i % config.eval_every == 0 or i == config.steps:
            val_em, val_ew = evaluate(model, data["val"], val_indices)
            curve.append({"step": i, "loss": float(loss), "val_em": val_em, "val_ew": val_ew,
                          "seconds": time.perf_counter() - started})
            if val_em > best["val_em"]:
                best = {"val_em": val_em, "step": i, "model": model}
            bar.set_postfix(loss=f"{float(loss):.3f}", val_em=f"{val_em:.3f}", best=f"{best['val_em']:.3f}")
    bar.close()
    train_seconds = time.perf_counter() - started
    test_em, test_ew = evaluate(best["model"], data["test"], test_indices)
    return {"config": asdict(config), "n": config.n, "method": config.method, "steps": config.steps,
            "batch": batch, "devices": devices.size,
            "train_seconds": train_seconds, "best_step": best["step"], "val_em": best["val_em"],
            "test_em": test_em, "test_ew": test_ew, "chance_em": chance_em(config.n), "chance_ew": 1 / config.n,
            "curve": curve, "model": best["model"], "test_indices": test_indices}


def _eval_indices(key: jax.Array, split: multidigit.Split, sets: int, n: int) -> jax.Array:
    chunks = max(1, -(-sets // EVAL_CHUNK))
    return multidigit.draw(key, split, chunks * min(sets, EVAL_CHUNK), n)


@eqx.filter_jit
def score_sets(model: ScoreCNN, split: multidigit.Split, indices: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The model's scores of the sets that `indices` names, and their true values."""
    images, values = multidigit.compose(split, indices)
    return jax.vmap(jax.vmap(model))(images), values


def evaluate(model: ScoreCNN, split: multidigit.Split, indices: jax.Array) -> tuple[float, float]:
    """Mean EM and EW of `model` on the sets that `indices` names."""
    chunk = min(EVAL_CHUNK, indices.shape[0])
    em = ew = 0.0
    for start in range(0, indices.shape[0], chunk):
        scores, values = score_sets(model, split, indices[start:start + chunk])
        em += float(jnp.sum(sort_metrics.exact_match(scores, values)))
        ew += float(jnp.sum(sort_metrics.element_wise(scores, values)))
    return em / indices.shape[0], ew / indices.shape[0]


def table(results: list[dict]) -> str:
    """The results as a fixed-width table."""
    header = (f"{'n':>3}  {'method':<18} {'steps':>6} {'train s':>8} {'best step':>9} {'val EM':>7} "
              f"{'test EM':>8} {'test EW':>8} {'chance EM':>9}")
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(f"{r['n']:>3}  {r['method']:<18} {r['steps']:>6} {r['train_seconds']:>8.1f} "
                     f"{r['best_step']:>9} {r['val_em']:>7.3f} {r['test_em']:>8.3f} {r['test_ew']:>8.3f} "
                     f"{r['chance_em']:>9.4f}")
    return "\n".join(lines)
