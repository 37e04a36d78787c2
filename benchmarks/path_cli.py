"""The `path` subcommand: options to runs, runs to a table, JSON and PNGs."""
from __future__ import annotations

import argparse
import json
import platform

import jax

from relaxjax.benchmarks import path_data, path_losses, task_options, terrain

FULL = {"sizes": [12, 18, 24, 30], "methods": list(path_losses.METHODS), "steps": 5000, "batch": 70,
        "eval_every": 500, "maps": [10_000, 1_000, 1_000]}
QUICK = {"sizes": [12], "methods": ["relaxjax-bellman-ford", "relaxjax-walk", "blackbox"], "steps": 300, "batch": 16,
         "eval_every": 100, "maps": [2_000, 200, 500]}


def add_parser(sub) -> None:
    """The `path` subcommand's options."""
    path = sub.add_parser("path", help="train a CNN to predict terrain costs from shortest paths alone")
    path.add_argument("--quick", action="store_true",
                      help="12x12 maps, relaxjax-bellman-ford and blackbox, a few minutes on a CPU")
    path.add_argument("--sizes", type=int, nargs="+", help="map sizes k (k x k cells; default 12 18 24 30)")
    path.add_argument("--methods", nargs="+", choices=sorted(path_losses.METHODS), help="default: all")
    path.add_argument("--steps", type=int, help="training steps per run")
    path.add_argument("--batch", type=int, help="maps per step (default 70)")
    path.add_argument("--maps", type=int, nargs=3, metavar=("TRAIN", "VAL", "TEST"),
                      help="maps per split (default 10000 1000 1000)")
    path.add_argument("--lr", type=float, default=5e-4, help="Adam's learning rate")
    path.add_argument("--beta", type=float, help="inverse temperature of the relaxjax methods (default: 30 for "
                      "relaxjax-bellman-ford, 10 for relaxjax-walk)")
    path.add_argument("--eval-every", type=int, help="validate every this many steps")
    path.add_argument("--tiles", choices=["freeciv", "procedural"], default="freeciv",
                      help="terrain tiles: freeciv's (fetched with apt-get, procedural if that fails) or procedural")
    path.add_argument("--data", help="tile cache folder (default $RELAXJAX_DATA/terrain or ~/.cache/relaxjax/terrain)")
    task_options.add_run_options(path, "path-results", "a test map")


def run(args: argparse.Namespace) -> int:
    """Run `relaxjax-bench path` with parsed options; the exit status."""
    from relaxjax.benchmarks.path import Config, table, train   # equinox and optax: only to train
    pick = task_options.chosen(args, QUICK, FULL)
    tiles, source = terrain.load(args.data, procedural=args.tiles == "procedural",
                                 log=lambda line: print(line, flush=True))
    print(f"relaxjax-bench path: jax {jax.__version__} on {len(jax.local_devices())} x "
          f"{jax.devices()[0].platform}, {platform.machine()}; {source} tiles; maps {pick['maps']}", flush=True)
    results, tests = [], {}
    for size in pick["sizes"]:
        data = {split: path_data.generate(count, size, tiles, seed=args.seed * 3 + n)
                for n, (split, count) in enumerate(zip(("train", "val", "test"), pick["maps"]))}
        tests[size] = data["test"]
        for method in pick["methods"]:
            config = Config(size=size, method=method, steps=pick["steps"], batch=pick["batch"],
                            learning_rate=args.lr, beta=args.beta, eval_every=pick["eval_every"], seed=args.seed)
            results.append(train(config, data, progress=not args.no_progress))
            print(table(results[-1:]).splitlines()[-1], flush=True)
            _write(args.out, results, source)
    print()
    print(table(results))
    untrained = {r["size"]: r["untrained"]["optimal"] for r in results}
    print("untrained network, cost-optimal paths: " + ", ".join(f"{k}x{k} {v:.3f}" for k, v in untrained.items()))
    if args.out:
        print(f"wrote {args.out}")
    if not args.no_plots:
        from relaxjax.benchmarks import path_plots
        for written in path_plots.save(results, tests, args.plots):
            print(f"wrote {written}")
    return 0


def _write(path: str | None, results: list[dict], tiles: str) -> None:
    if path:
        rows = [{k: v for k, v in r.items() if k not in ("model", "state")} for r in results]
        with open(path, "w") as f:
            json.dump({"jax": jax.__version__, "platform": jax.devices()[0].platform, "tiles": tiles,
                       "results": rows}, f, indent=2)
