"""The `sort` subcommand: options to runs, runs to a table, JSON and PNGs."""
from __future__ import annotations

import argparse
import json
import platform
import sys

import jax

from relaxjax.benchmarks import mnist, multidigit, sort_losses, task_options
from relaxjax.benchmarks.sort import Config, table, train

FULL = {"n": [3, 5, 7, 9, 15], "methods": list(sort_losses.METHODS), "steps": 10_000, "batch": 100,
        "eval_every": 500, "val_sets": 1000, "test_sets": 1000}
QUICK = {"n": [3, 5], "methods": ["relaxjax-bubble"], "steps": 250, "batch": 32,
         "eval_every": 50, "val_sets": 200, "test_sets": 500}


def configs(args: argparse.Namespace) -> list[Config]:
    """The runs that the options ask for, in the order they run (by n, then method)."""
    pick = task_options.chosen(args, QUICK, FULL)
    runs = []
    for n in pick["n"]:
        if n < 2:
            raise SystemExit(f"relaxjax-bench sort: --n {n}: a set needs at least 2 numbers")
        for method in pick["methods"]:
            parameter = sort_losses.METHODS[method][2]
            temperature = {"beta": args.beta, "tau": args.tau, "steepness": args.steepness}[parameter]
            runs.append(Config(n=n, method=method, steps=pick["steps"], batch=pick["batch"],
                               learning_rate=args.lr, temperature=temperature,
                               temperature_final=args.beta_final if parameter == "beta" else None,
                               eval_every=pick["eval_every"], val_sets=pick["val_sets"],
                               test_sets=pick["test_sets"], seed=args.seed))
    return runs


def run(args: argparse.Namespace) -> int:
    """Run `relaxjax-bench sort` with parsed options; the exit status."""
    runs = configs(args)
    try:
        data = multidigit.splits(mnist.load(args.data, log=lambda line: print(line, flush=True)))
    except mnist.MnistUnavailable as error:
        print(f"relaxjax-bench sort: {error}", file=sys.stderr)
        return 2
    print(f"relaxjax-bench sort: jax {jax.__version__} on {jax.devices()[0].platform}, {platform.machine()}; "
          f"{len(runs)} runs of {runs[0].steps} steps, {runs[0].batch} sets per step", flush=True)
    results = []
    for config in runs:
        results.append(train(config, data, progress=not args.no_progress))
        print(table(results[-1:]).splitlines()[-1], flush=True)
        _write(args.out, results)  # after every run, so an interrupted run keeps what finished
    print()
    print(table(results))
    if args.out:
        print(f"wrote {args.out}")
    if not args.no_plots:
        from relaxjax.benchmarks import sort_plots
        for path in sort_plots.save(results, data["test"], args.plots):
            print(f"wrote {path}")
    return 0


def _write(path: str | None, results: list[dict]) -> None:
    if path:
        rows = [{"method": r["method"], "size": r["n"], "test": {"em": r["test_em"], "ew": r["test_ew"]},
                 **{k: v for k, v in r.items() if k not in ("model", "test_indices", "method")}} for r in results]
        with open(path, "w") as f:
            json.dump({"jax": jax.__version__, "platform": jax.devices()[0].platform, "results": rows}, f, indent=2)
