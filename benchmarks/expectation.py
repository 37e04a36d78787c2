"""`relaxjax-bench expectation`: how far the relaxed program (the closed form, which merges the states
of a decision's outcomes as if the decisions were independent of the merged values) is from the true
expectation it stands for, estimated by mode="sampled", as beta varies.

For each algorithm and beta, over a batch of random inputs and every output element:
- gap: mean |relaxed - sampled|, the closed form's error (plus Monte Carlo noise);
- noise: the mean standard error of the sampled estimate (from independent replicates), the gap an
  exact closed form would still show (about 0.8 noise);
- softness: mean |sampled - hard|, how far the true expectation is from CPython's answer;
- relative: gap / softness, the closed form's error as a share of what the relaxation changes (left
  out where the softness is within twice the noise).
"""
from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax import relax
from relaxjax.benchmarks import algorithms

BETAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
QUICK_BETAS = (1.0, 10.0, 100.0)
REPLICATES = 8   # independent sampled estimates per input, for the standard error


def _bubble_inputs(rng: np.random.Generator, batch: int, size: int) -> tuple:
    return (rng.uniform(0.0, 1.0, (batch, size)),)


def _edit_inputs(rng: np.random.Generator, batch: int, size: int) -> tuple:
    def symbols():   # soft one-hot symbols over 3 letters, as a classifier would output them
        logits = 3.0 * rng.normal(size=(batch, size, 3))
        e = np.exp(logits - logits.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    return symbols(), symbols()


def _grid_inputs(rng: np.random.Generator, batch: int, size: int) -> tuple:
    return (rng.uniform(0.0, 1.0, (batch, size, size)),)


# name: (algorithm, which output (None: all), inputs, size, quick size, what is measured)
CASES: dict[str, tuple] = {
    "bubble sort": (algorithms.bubble_swaps, 0, _bubble_inputs, 8, 5, "the sorted values, n uniform in [0, 1]"),
    "edit distance": (algorithms.edit_distance, None, _edit_inputs, 8, 4,
                      "the distance of two length-m sequences of soft one-hot symbols (3 letters)"),
    "shortest path": (algorithms.grid_shortest_path, None, _grid_inputs, 5, 3,
                      "Bellman-Ford's distance across a k x k grid, costs uniform in [0, 1]"),
}


def _pick(out: Any, which: int | None) -> Any:
    out = out if which is None else out[which]
    return jnp.concatenate([jnp.ravel(jnp.asarray(x, float)) for x in jax.tree_util.tree_leaves(out)])


def measure(name: str, betas: tuple, batch: int, samples: int, quick: bool = False, seed: int = 0,
            log: Callable = print) -> list[dict]:
    """One row per beta for the algorithm `name` (a key of CASES)."""
    fn, which, make_inputs, size, quick_size, _ = CASES[name]
    size = quick_size if quick else size
    inputs = tuple(jnp.asarray(x) for x in make_inputs(np.random.default_rng(seed), batch, size))
    relaxed, hard = relax(fn), relax(fn, mode="hard")
    sampled = relax(fn, mode="sampled", samples=max(1, samples // REPLICATES))

    one_relaxed = jax.jit(jax.vmap(lambda args, beta: _pick(relaxed(*args, beta=beta), which), in_axes=(0, None)))
    one_hard = jax.jit(jax.vmap(lambda args: _pick(hard(*args), which)))

    def replicates(args, beta, key):
        keys = jax.random.split(key, REPLICATES)
        return jax.vmap(lambda k: _pick(sampled(*args, beta=beta, key=k), which))(keys)

    many_sampled = jax.jit(jax.vmap(replicates, in_axes=(0, None, 0)))
    exact = np.asarray(one_hard(inputs))
    rows = []
    for b, beta in enumerate(betas):
        beta_arr = jnp.asarray(beta)
        closed = np.asarray(one_relaxed(inputs, beta_arr))
        keys = jax.random.split(jax.random.fold_in(jax.random.key(seed), b), batch)
        reps = np.asarray(many_sampled(inputs, beta_arr, keys))   # batch x replicates x outputs
        truth = reps.mean(axis=1)
        noise = reps.std(axis=1, ddof=1) / np.sqrt(REPLICATES)
        gap, softness = float(np.abs(closed - truth).mean()), float(np.abs(truth - exact).mean())
        row_noise = float(noise.mean())
        row = {"algorithm": name, "size": size, "beta": beta, "batch": batch, "samples": samples,
               "gap": gap, "noise": row_noise, "softness": softness,
               "relative": gap / softness if softness > 2 * row_noise else None}
        rows.append(row)
        relative = "-" if row["relative"] is None else f"{row['relative']:.2f}"
        log(f"{name:14s} size {size:2d} beta {beta:7g}: gap {gap:.4f}  noise {row_noise:.4f}  "
            f"softness {softness:.4f}  relative {relative}")
    return rows


def run(quick: bool = False, batch: int | None = None, samples: int | None = None,
        log: Callable = print) -> list[dict]:
    """Every algorithm at every beta (`quick`: smaller sizes, three betas, fewer samples)."""
    batch = batch or (4 if quick else 32)
    samples = samples or (256 if quick else 4096)
    betas = QUICK_BETAS if quick else BETAS
    log(f"relaxjax-bench expectation: closed form vs mode='sampled' ({samples} samples in {REPLICATES} replicates), "
        f"batch {batch}, jax {jax.__version__} on {jax.devices()[0].platform}")
    return [row for name in CASES for row in measure(name, betas, batch, samples, quick, log=log)]


def plot(rows: list[dict], path: str) -> str | None:
    """The gap and its noise floor against beta, one line per algorithm; the path written (None without
    matplotlib)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install 'relaxjax[bench]')")
        return None
    fig, (ax, rel) = plt.subplots(1, 2, figsize=(9, 3.4))
    for name in dict.fromkeys(r["algorithm"] for r in rows):
        mine = [r for r in rows if r["algorithm"] == name]
        betas = [r["beta"] for r in mine]
        line, = ax.plot(betas, [r["gap"] for r in mine], marker="o", label=f"{name} (size {mine[0]['size']})")
        ax.plot(betas, [r["noise"] for r in mine], ls=":", color=line.get_color())
        shown = [r for r in mine if r["relative"] is not None]
        rel.plot([r["beta"] for r in shown], [r["relative"] for r in shown], marker="o", color=line.get_color())
    ax.set(xscale="log", yscale="log", xlabel="beta", ylabel="mean |closed form - true expectation|",
           title="gap (dotted: Monte Carlo noise)")
    rel.axhline(1.0, color="grey", lw=0.5, ls=":")
    rel.set(xscale="log", yscale="log", xlabel="beta", ylabel="gap / mean |true expectation - hard|",
            title="relative gap (dotted: 1)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
