"""The `edit` subcommand: options to runs, runs to a table, JSON and PNGs."""
from __future__ import annotations

import argparse
import json
import platform
import sys

import jax
import numpy as np

from relaxjax.benchmarks import edit_data, edit_losses, letters, mnist, task_options

FULL = {"lengths": [8, 16], "alphabet": 10, "methods": list(edit_losses.METHODS), "steps": 5000, "batch": 32,
        "eval_every": 250, "pairs": [1000, 1000]}
QUICK = {"lengths": [8], "alphabet": 4, "methods": ["relaxjax-levenshtein", "softmin-dp"], "steps": 300, "batch": 32,
         "eval_every": 50, "pairs": [200, 300]}


def add_parser(sub) -> None:
    """The `edit` subcommand's options."""
    edit = sub.add_parser("edit", help="train a CNN to read handwritten digits from edit distances alone")
    edit.add_argument("--quick", action="store_true",
                      help="strings of 8 of 4 symbols, relaxjax-levenshtein and softmin-dp, a few minutes on a CPU")
    edit.add_argument("--lengths", type=int, nargs="+", help="string lengths (default 8 16)")
    edit.add_argument("--alphabet", type=int, help="symbols: the digits 0 .. ALPHABET - 1, 2 to 10 (default 10), "
                      "or as many letters from a, 2 to 26")
    edit.add_argument("--glyphs", choices=["digits", "letters"], default="digits",
                      help="MNIST's handwritten digits, or letters of Hershey's script faces with random jitter")
    edit.add_argument("--methods", nargs="+", choices=sorted(edit_losses.METHODS), help="default: all")
    edit.add_argument("--steps", type=int, help="training steps per run")
    edit.add_argument("--batch", type=int, help="pairs per step (default 32)")
    edit.add_argument("--pairs", type=int, nargs=2, metavar=("VAL", "TEST"),
                      help="validation and test pairs (default 1000 1000)")
    edit.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate")
    edit.add_argument("--beta", type=float, help=f"inverse temperature of the relaxjax methods "
                      f"(default {edit_losses.BETA:g})")
    edit.add_argument("--eval-every", type=int, help="validate every this many steps")
    edit.add_argument("--data", help="MNIST cache folder (default $RELAXJAX_DATA/mnist or ~/.cache/relaxjax/mnist)")
    task_options.add_run_options(edit, "edit-results", "test pairs")


def run(args: argparse.Namespace) -> int:
    """Run `relaxjax-bench edit` with parsed options; the exit status."""
    from relaxjax.benchmarks.edit import Config, table, train   # equinox and optax: only to train
    pick = task_options.chosen(args, QUICK, FULL)
    try:
        if args.glyphs == "letters":
            splits = letters.splits(pick["alphabet"], seed=args.seed)
            glyphs = f"letters a-{chr(ord('a') + pick['alphabet'] - 1)} of Hershey's script faces, jittered"
        else:
            splits = edit_data.splits(mnist.load(args.data, log=lambda line: print(line, flush=True)), pick["alphabet"])
            glyphs = f"MNIST digits 0-{pick['alphabet'] - 1}"
    except (mnist.MnistUnavailable, ValueError) as error:
        print(f"relaxjax-bench edit: {error}", file=sys.stderr)
        return 2
    print(f"relaxjax-bench edit: jax {jax.__version__} on {len(jax.local_devices())} x "
          f"{jax.devices()[0].platform}, {platform.machine()}; {glyphs}; "
          f"{pick['steps']} steps of {pick['batch']} pairs", flush=True)
    results, shown = [], {}
    for length in pick["lengths"]:
        rng = np.random.default_rng(args.seed + 1000 * length)
        data = {**splits, "val_pairs": edit_data.pairs(rng, splits["val"], pick["pairs"][0], length),
                "test_pairs": edit_data.pairs(rng, splits["test"], pick["pairs"][1], length)}
        shown[length] = data
        for method in pick["methods"]:
            config = Config(length=length, alphabet=pick["alphabet"], method=method, steps=pick["steps"],
                            batch=pick["batch"], learning_rate=args.lr, beta=args.beta,
                            eval_every=pick["eval_every"], seed=args.seed)
            results.append(train(config, data, progress=not args.no_progress))
            print(table(results[-1:]).splitlines()[-1], flush=True)
            _write(args.out, results, pick["alphabet"], args.glyphs)
    print()
    print(table(results))
    untrained = {r["size"]: r["untrained"] for r in results}
    print("untrained network: " + ", ".join(f"length {n} MAE {u['mae']:.3f} accuracy {u['accuracy']:.3f}"
                                            for n, u in untrained.items()))
    if args.out:
        print(f"wrote {args.out}")
    if not args.no_plots:
        from relaxjax.benchmarks import edit_plots
        for written in edit_plots.save(results, shown, args.plots):
            print(f"wrote {written}")
    return 0


def _write(path: str | None, results: list[dict], alphabet: int, glyphs: str) -> None:
    if path:
        rows = [{k: v for k, v in r.items() if k != "model"} for r in results]
        with open(path, "w") as f:
            json.dump({"jax": jax.__version__, "platform": jax.devices()[0].platform, "alphabet": alphabet,
                       "glyphs": glyphs, "results": rows}, f, indent=2)
