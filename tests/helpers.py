"""Shared helpers for the differential tests."""
from __future__ import annotations

import copy

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax import relax
from relaxjax.runtime import loops


def flat(out) -> np.ndarray:
    """Any (nested) output, Python or JAX, as one float64 vector."""
    leaves = jax.tree_util.tree_leaves(out)
    return np.concatenate([np.asarray(x, dtype=np.float64).ravel() for x in leaves]) if leaves else np.zeros(0)


def run_python(fn, args):
    """The function in CPython, on a copy of the arguments (it may change them in place)."""
    return fn(*copy.deepcopy(args))


def x64() -> bool:
    return bool(jax.config.jax_enable_x64)


def value_and_grads(alg, args, off=()) -> list:
    """The sum of a corpus algorithm's relaxed outputs and its gradients in the soft arguments, with the
    optimisations `off` switched off."""
    f = relax(alg.fn, beta=alg.grad_beta, max_iter=alg.max_iter, off=off)
    float_type = jnp.result_type(float)

    def total(*soft_values):
        full = list(args)
        for k, v in zip(alg.soft, soft_values):
            full[k] = v
        leaves = jax.tree_util.tree_leaves(f(*full))
        return sum(jnp.sum(jnp.asarray(x, float_type)) for x in leaves)

    soft_values = [jnp.asarray(args[k], float_type) for k in alg.soft]
    value, grads = jax.value_and_grad(total, argnums=tuple(range(len(soft_values))))(*soft_values)
    return [value, *grads]


class StrategyOver:
    """A loop strategy (`relaxjax.runtime.loops.Streamed`, `Independent`) for a loop over `iterable`."""

    def __init__(self, strategy, iterable):
        self.strategy, self.space = strategy, loops.IterationSpace(iterable)

    def run_or_none(self, body, state, names):
        """The strategy's result, or None where it declines."""
        try:
            return self.strategy.run(self.space, body, state, names)
        except loops.Declined:
            return None
