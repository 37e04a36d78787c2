"""`relaxjax-bench`: the benchmark command line."""
from __future__ import annotations

import argparse
import json
import platform
import sys

import jax


def main(argv: list[str] | None = None) -> int:
    """Entry point of `relaxjax-bench` and `python -m relaxjax.benchmarks`."""
    parser = argparse.ArgumentParser(prog="relaxjax-bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
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
    args = parser.parse_args(argv)

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


def _write(path: str | None, rows: list) -> None:
    if path:
        with open(path, "w") as f:
            json.dump({"jax": jax.__version__, "rows": rows}, f, indent=2)
        print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
