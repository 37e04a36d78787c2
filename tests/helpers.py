"""Shared helpers for the differential tests."""
from __future__ import annotations

import copy

import jax
import numpy as np


def flat(out) -> np.ndarray:
    """Any (nested) output, Python or JAX, as one float64 vector."""
    leaves = jax.tree_util.tree_leaves(out)
    return np.concatenate([np.asarray(x, dtype=np.float64).ravel() for x in leaves]) if leaves else np.zeros(0)


def run_python(fn, args):
    """The function in CPython, on a copy of the arguments (it may change them in place)."""
    return fn(*copy.deepcopy(args))


def x64() -> bool:
    return bool(jax.config.jax_enable_x64)
