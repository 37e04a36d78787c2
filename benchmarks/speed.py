"""Speed: relaxjax's code against hand-written JAX, forward plus backward, compile time apart."""
from __future__ import annotations

import statistics
import time
from typing import Any, Callable

import jax
import jax.numpy as jnp

from relaxjax import relax
from relaxjax.benchmarks import algorithms, baselines


def time_runs(call: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Median, min and max wall time of `call()` over `repeats` calls, after one warm-up call."""
    call()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        runs.append(time.perf_counter() - start)
    return {"run_ms": 1e3 * statistics.median(runs), "run_min_ms": 1e3 * min(runs), "run_max_ms": 1e3 * max(runs)}


def measure(fn: Callable, args: tuple, repeats: int) -> dict[str, Any]:
    """Compile `jit(vmap(value_and_grad(fn)))` on `args` (batched) and time it."""
    step = jax.jit(jax.vmap(jax.value_and_grad(fn)))
    start = time.perf_counter()
    compiled = step.lower(*args).compile()
    compile_s = time.perf_counter() - start
    memory = compiled.memory_analysis()
    return {"compile_s": compile_s, **time_runs(lambda: jax.block_until_ready(compiled(*args)), repeats),
            "temp_mib": memory.temp_size_in_bytes / 2**20 if memory is not None else None}


def cases(quick: bool, batch: int) -> list[dict[str, Any]]:
    """The benchmark cases: name, size, the relaxjax function and the baseline, both of batched args."""
    beta = 8.0
    key = jax.random.PRNGKey(0)
    out = []
    bubble = relax(algorithms.bubble_swaps, beta=beta)
    for n in ((8, 32) if quick else (8, 32, 64, 256)):
        x = jax.random.normal(key, (batch, n))
        out.append(dict(name="bubble sort", size=f"n={n}", args=(x,),
                        relaxjax=lambda a: bubble(a)[1],
                        baseline=lambda a: baselines.bubble_swaps(a, jnp.asarray(beta))[1]))
    for n in ((8,) if quick else (32, 256)):   # the next target: the expert's scan
        x = jax.random.normal(key, (batch, n))
        out.append(dict(name="bubble sort (expert)", size=f"n={n}", args=(x,),
                        relaxjax=lambda a: bubble(a)[1],
                        baseline=lambda a: baselines.bubble_swaps_carried(a, jnp.asarray(beta))[1]))
    for n in ((8,) if quick else (32, 256)):
        x = jax.random.normal(key, (batch, n))
        out.append(dict(name="bubble sort (expert, remat)", size=f"n={n}", args=(x,),
                        relaxjax=lambda a: bubble(a)[1],
                        baseline=lambda a: baselines.bubble_swaps_carried_checkpointed(a, jnp.asarray(beta))[1]))
    odd_even = relax(algorithms.odd_even_swaps, beta=beta)
    for n in ((8, 32) if quick else (8, 32, 64, 256)):
        x = jax.random.normal(key, (batch, n))
        out.append(dict(name="odd-even sort", size=f"n={n}", args=(x,), relaxjax=odd_even,
                        baseline=lambda a: baselines.odd_even_swaps(a, jnp.asarray(beta))[1]))
    edit = relax(algorithms.edit_distance, beta=beta)
    for m in ((8,) if quick else (16, 64)):
        s = jax.nn.softmax(jax.random.normal(key, (batch, m, 4)) * 3)
        t = jax.nn.softmax(jax.random.normal(jax.random.PRNGKey(1), (batch, m, 4)) * 3)
        out.append(dict(name="edit distance", size=f"m={m}", args=(s, t), relaxjax=edit,
                        baseline=lambda s, t: baselines.edit_distance(s, t, jnp.asarray(beta))))
    grid = relax(algorithms.grid_shortest_path, beta=beta)
    for k in ((4,) if quick else (8, 30)):
        c = jax.random.uniform(key, (batch, k, k))
        out.append(dict(name="grid shortest path", size=f"k={k}", args=(c,), relaxjax=grid,
                        baseline=lambda c: baselines.grid_shortest_path(c, jnp.asarray(beta))))
    return out


def against_algovision(batch: int, repeats: int, log: Callable = print) -> list[dict]:
    """relaxjax against the paper's own code (AlgoVision, PyTorch) on the same machine and inputs: bubble
    sort n=32 at `batch` (relaxjax's `while swapped:` form, the paper's, and the plain for form) and
    edit distance m=16 at `batch // 2`. Rows say `skipped` when algovision or torch is not installed."""
    import numpy as np

    from relaxjax.benchmarks import algovision_programs as av
    if not av.available():
        row = {"benchmark": "AlgoVision comparison", "skipped": "algovision / torch not installed "
               "(pip install 'relaxjax[algovision]', see the README)"}
        log(f"{row['benchmark']:<27} skipped: {row['skipped']}")
        return [row]
    beta, rows = 8.0, []
    x = np.asarray(jax.random.normal(jax.random.PRNGKey(0), (batch, 32)))
    theirs = time_runs(av.bubble_step(x, beta), repeats)
    for form, plain in (("while form", algorithms.bubble_swaps_while), ("for form", algorithms.bubble_swaps)):
        relaxed = relax(plain, beta=beta)
        ours = measure(lambda a, relaxed=relaxed: relaxed(a)[1], (jnp.asarray(x),), repeats)
        rows.append({"benchmark": f"bubble sort ({form})", "size": "n=32", "batch": batch, "relaxjax": ours,
                     "algovision": theirs, "speedup": theirs["run_ms"] / ours["run_ms"]})
    half = max(batch // 2, 1)
    s, t = (np.asarray(jax.nn.softmax(3 * jax.random.normal(jax.random.PRNGKey(i), (half, 16, 4))))
            for i in (1, 2))
    theirs = time_runs(av.edit_step(s, t, beta), repeats)
    ours = measure(relax(algorithms.edit_distance, beta=beta), (jnp.asarray(s), jnp.asarray(t)), repeats)
    rows.append({"benchmark": "edit distance", "size": "m=16", "batch": half, "relaxjax": ours,
                 "algovision": theirs, "speedup": theirs["run_ms"] / ours["run_ms"]})
    for row in rows:
        log(f"{row['benchmark']:<24} {row['size']:<5} batch {row['batch']:<4} relaxjax run "
            f"{row['relaxjax']['run_ms']:8.2f} ms | AlgoVision run {row['algovision']['run_ms']:8.2f} ms | "
            f"relaxjax {row['speedup']:.0f}x faster")
    return rows


def run(quick: bool = False, batch: int = 128, repeats: int = 5, log: Callable = print) -> list[dict]:
    """Run every case; returns one row per case with relaxjax's and the baseline's figures."""
    rows = []
    for case in cases(quick, batch):
        row = {"benchmark": case["name"], "size": case["size"], "batch": batch}
        row["relaxjax"] = measure(case["relaxjax"], case["args"], repeats)
        row["baseline"] = measure(case["baseline"], case["args"], repeats)
        row["run_ratio"] = row["relaxjax"]["run_ms"] / row["baseline"]["run_ms"]
        if row["relaxjax"]["temp_mib"] is not None and row["baseline"]["temp_mib"]:
            row["temp_ratio"] = row["relaxjax"]["temp_mib"] / row["baseline"]["temp_mib"]
        rows.append(row)
        log(format_row(row))
    return rows + against_algovision(batch, repeats, log)


def format_row(row: dict) -> str:
    """One line of the results table."""
    r = row["relaxjax"]
    text = (f"{row['benchmark']:<27} {row['size']:<7} relaxjax: compile {r['compile_s']:6.2f} s, run "
            f"{r['run_ms']:8.2f} ms [{r['run_min_ms']:.2f}-{r['run_max_ms']:.2f}]")
    b = row["baseline"]
    text += (f" | hand-written: compile {b['compile_s']:5.2f} s, run {b['run_ms']:8.2f} ms"
             f" | run ratio {row['run_ratio']:.2f}x")
    if "temp_ratio" in row:
        text += f" | XLA temp memory {r['temp_mib']:.1f} / {b['temp_mib']:.1f} MiB"
    return text
