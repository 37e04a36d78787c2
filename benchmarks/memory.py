"""Peak memory: the whole-process peak resident set of one forward plus backward pass of bubble sort,
relaxjax against the hand-written scan, each in a fresh child process so the peaks do not mix."""
from __future__ import annotations

import resource
import subprocess
import sys
from typing import Callable


def _child(which: str, n: int, batch: int) -> None:
    import jax
    import jax.numpy as jnp

    from relaxjax import relax
    from relaxjax.benchmarks import algorithms, baselines
    beta = 8.0
    if which == "relaxjax":
        bubble = relax(algorithms.bubble_swaps, beta=beta)
        fn = lambda a: bubble(a)[1]   # noqa: E731
    else:
        fn = lambda a: baselines.bubble_swaps(a, jnp.asarray(beta))[1]   # noqa: E731
    x = jax.random.normal(jax.random.PRNGKey(0), (batch, n))
    jax.block_until_ready(jax.jit(jax.vmap(jax.value_and_grad(fn)))(x))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)   # Linux reports KiB


def peak_bytes(which: str, n: int, batch: int) -> int:
    """Peak resident bytes of a fresh process that compiles and runs one step of `which`."""
    out = subprocess.run([sys.executable, "-m", "relaxjax.benchmarks.memory", which, str(n), str(batch)],
                         check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1])


def run(n: int = 256, batch: int = 128, log: Callable = print) -> dict:
    """Both peaks and their ratio."""
    row = {"benchmark": "bubble sort", "size": f"n={n}", "batch": batch,
           "relaxjax_peak_gib": peak_bytes("relaxjax", n, batch) / 2**30,
           "baseline_peak_gib": peak_bytes("baseline", n, batch) / 2**30}
    row["peak_ratio"] = row["relaxjax_peak_gib"] / row["baseline_peak_gib"]
    log(f"bubble sort n={n} batch {batch}: whole-process peak {row['relaxjax_peak_gib']:.2f} GiB relaxjax, "
        f"{row['baseline_peak_gib']:.2f} GiB hand-written | ratio {row['peak_ratio']:.2f}x")
    return row


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
