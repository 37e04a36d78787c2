"""`relaxjax-bench`: the benchmark command line."""
from __future__ import annotations

import argparse
import json
import platform
import sys

import jax

from relaxjax.benchmarks import task_options


def parser() -> argparse.ArgumentParser:
    """The command line's parser: its commands and their options."""
    command_line = argparse.ArgumentParser(prog="relaxjax-bench", description=__doc__)
    sub = command_line.add_subparsers(dest="command", required=True)
    speed = sub.add_parser("speed", help="compile and run time against hand-written JAX")
    speed.add_argument("--quick", action="store_true", help="small sizes only (under a minute)")
    speed.add_argument("--batch", type=int, default=128)
    speed.add_argument("--repeats", type=int, default=5)
    speed.add_argument("--out", help="also write the results to this JSON file")
    memory = sub.add_parser("memory", help="peak memory of bubble sort's backward pass against hand-written JAX")
    memory.add_argument("--n", type=int, default=256)
    memory.add_argument("--batch", type=int, default=128)
    memory.add_argument("--out", help="also write the results to this JSON file")
    fuzz = sub.add_parser("fuzz", help="random programs through CPython and relaxjax (hard mode, gradients, "
                                       "large beta); failing ones are shrunk and saved")
    fuzz.add_argument("--programs", type=int, default=200)
    fuzz.add_argument("--seed", type=int, default=0, help="the first program's seed")
    fuzz.add_argument("--save", default="fuzz-failures", help="folder for the reproducer files")
    fuzz.add_argument("--no-shrink", action="store_true", help="save failing programs as generated")
    fuzz.add_argument("--float32", action="store_true", help="run in float32 (default: float64, x64 on)")
    fuzz.add_argument("--out", help="also write the results to this JSON file")
    expectation = sub.add_parser("expectation", help="the relaxed program's closed form against the true "
                                                      "expectation (mode='sampled') as beta varies")
    expectation.add_argument("--quick", action="store_true", help="small sizes, three betas (under a minute)")
    expectation.add_argument("--batch", type=int, help="random inputs per algorithm (default 32; quick 4)")
    expectation.add_argument("--samples", type=int, help="samples per input (default 4096; quick 256)")
    expectation.add_argument("--plot", help="also draw the gap against beta into this PNG file")
    expectation.add_argument("--out", help="also write the results to this JSON file")
    _add_sort_parser(sub)
    from relaxjax.benchmarks import path_cli
    path_cli.add_parser(sub)
    from relaxjax.benchmarks import edit_cli
    edit_cli.add_parser(sub)
    return command_line


def main(argv: list[str] | None = None) -> int:
    """Entry point of `relaxjax-bench` and `python -m relaxjax.benchmarks`."""
    args = parser().parse_args(argv)

    if args.command == "expectation":
        from relaxjax.benchmarks import expectation as expectation_module
        rows = expectation_module.run(quick=args.quick, batch=args.batch, samples=args.samples,
                                      log=lambda line: print(line, flush=True))
        if args.plot and expectation_module.plot(rows, args.plot):
            print(f"wrote {args.plot}")
        _write(args.out, rows)
        return 0

    if args.command == "sort":
        from relaxjax.benchmarks import sort_cli
        return sort_cli.run(args)
    if args.command == "path":
        from relaxjax.benchmarks import path_cli
        return path_cli.run(args)
    if args.command == "edit":
        from relaxjax.benchmarks import edit_cli
        return edit_cli.run(args)

    if args.command == "fuzz":
        jax.config.update("jax_enable_x64", not args.float32)
        from relaxjax.benchmarks import fuzz as fuzz_module
        result = fuzz_module.run(args.programs, seed=args.seed, out_dir=args.save, do_shrink=not args.no_shrink,
                                 log=lambda line: print(line, flush=True))
        _write(args.out, [result])
        return 1 if result["failures"] else 0
    if args.command == "memory":
        from relaxjax.benchmarks import memory as memory_module
        row = memory_module.run(n=args.n, batch=args.batch)
        _write(args.out, [row])
        return 0
    from relaxjax.benchmarks import speed as speed_module
    print(f"relaxjax-bench speed: jax {jax.__version__} on {jax.devices()[0].platform}, "
          f"{platform.machine()}, batch {args.batch}, forward + backward", flush=True)
    rows = speed_module.run(quick=args.quick, batch=args.batch, repeats=args.repeats,
                            log=lambda line: print(line, flush=True))
    _write(args.out, rows)
    return 0


def _add_sort_parser(sub) -> None:
    from relaxjax.benchmarks.sort_losses import METHODS  # imports relaxjax only, not equinox or optax

    sort = sub.add_parser("sort", help="train a CNN to read 4-digit MNIST numbers from sorting supervision alone")
    sort.add_argument("--quick", action="store_true",
                      help="n = 3 and 5, relaxjax-bubble only, a few minutes on a CPU")
    sort.add_argument("--n", type=int, nargs="+", help="set sizes (default 3 5 7 9 15)")
    sort.add_argument("--methods", nargs="+", choices=sorted(METHODS), help="default: all")
    sort.add_argument("--steps", type=int, help="training steps per run")
    sort.add_argument("--batch", type=int, help="sets per step (default 100)")
    sort.add_argument("--lr", type=float, default=10 ** -3.5, help="Adam's learning rate")
    sort.add_argument("--beta", type=float, default=8.0, help="inverse temperature of the relaxjax methods")
    sort.add_argument("--beta-final", type=float, help="anneal beta geometrically to this over the run")
    sort.add_argument("--tau", type=float, default=1.0, help="temperature of NeuralSort and SoftSort")
    sort.add_argument("--steepness", type=float, default=10.0, help="steepness of the sorting networks")
    sort.add_argument("--eval-every", type=int, help="validate every this many steps")
    sort.add_argument("--val-sets", type=int, help="validation sets (default 1000)")
    sort.add_argument("--test-sets", type=int, help="test sets (default 1000)")
    sort.add_argument("--data", help="MNIST cache folder (default $RELAXJAX_DATA/mnist or ~/.cache/relaxjax/mnist)")
    task_options.add_run_options(sort, "sort-results", "a test set")


def _write(path: str | None, rows: list) -> None:
    if path:
        with open(path, "w") as f:
            json.dump({"jax": jax.__version__, "rows": rows}, f, indent=2)
        print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
