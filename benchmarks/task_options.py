"""What the learning tasks' subcommands (`sort`, `path`, `edit`) share: their run options, and the
defaults of `--quick` or of a full run where an option is not given."""
from __future__ import annotations

import argparse


def add_run_options(parser: argparse.ArgumentParser, plots: str, shows: str) -> None:
    """`--seed`, `--plots` (the PNGs' folder, `plots` by default: the learning curves and `shows`),
    `--no-plots`, `--no-progress` and `--out`."""
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plots", default=plots, help=f"folder for the PNGs (learning curves, {shows})")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument("--out", help="also write the results to this JSON file")


def chosen(args: argparse.Namespace, quick: dict, full: dict) -> dict:
    """The defaults of `--quick` (`quick`) or of a full run (`full`), each replaced by the option of the
    same name where it was given."""
    defaults = quick if args.quick else full
    return {name: getattr(args, name) if getattr(args, name, None) is not None else value
            for name, value in defaults.items()}
