"""The losses of `relaxjax-bench path`: one map's predicted costs (k, k) and its true path (a 0/1 mask)
in, a number out. Only `direct-costs` sees the true costs.

| method | what it differentiates |
| --- | --- |
| `relaxjax-bellman-ford` | the grid Bellman-Ford of `algorithms.py`, plain Python relaxed by relaxjax: the cost of the true path under the predicted costs minus the relaxed optimum (its gradient is the true mask minus the relaxed path's expected mask) |
| `relaxjax-walk` | the paper's formulation: the Bellman-Ford of `algorithms.py`, then each cell's predecessor (its cheapest neighbour) and the walk back from the target, relaxed by relaxjax (predecessors as distributions over cells); the binary cross-entropy of the walk's path mask (the probability of each cell) to the true mask, `beta` 10 |
| `blackbox` | the exact path, blackbox gradient (interpolation 2), Hamming loss to the true mask |
| `perturbed` | Fenchel-Young loss of the Gaussian-perturbed path (3 samples, sigma 0.1 of the mean cost) |
| `direct-costs` | the squared error of the costs themselves: an upper bound that sees what the others do not |
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from relaxjax import relax
from relaxjax.benchmarks import algorithms, path_solvers

BETA = {"relaxjax-bellman-ford": 30.0, "relaxjax-walk": 10.0}   # each relaxjax method's default (README)
INTERPOLATION = 2.0   # Vlastelica et al. used 20; this network's costs are smaller (README)
SAMPLES = 3
SIGMA = 0.1

_relaxed_bellman_ford = relax(algorithms.grid_shortest_path)
_relaxed_walk = relax(algorithms.grid_shortest_path_walk)


def relaxjax_bellman_ford(costs: jax.Array, path: jax.Array, true_costs: jax.Array, beta: jax.Array,
                          key: jax.Array) -> jax.Array:
    """`<costs, path> - relaxed shortest distance(costs)`."""
    return jnp.sum(costs * path) - _relaxed_bellman_ford(costs, beta=beta)


def relaxjax_walk(costs: jax.Array, path: jax.Array, true_costs: jax.Array, beta: jax.Array,
                  key: jax.Array) -> jax.Array:
    """The binary cross-entropy of the relaxed walk's mask to `path`, summed over the cells."""
    mask = jnp.clip(jnp.reshape(jnp.asarray(_relaxed_walk(costs, beta=beta)), path.shape), 1e-6, 1 - 1e-6)
    return -jnp.sum(path * jnp.log(mask) + (1 - path) * jnp.log1p(-mask))


def blackbox(costs: jax.Array, path: jax.Array, true_costs: jax.Array, beta: jax.Array,
             key: jax.Array) -> jax.Array:
    """The Hamming distance of the exact path of `costs` to `path` (blackbox gradient)."""
    predicted = path_solvers.blackbox_path(costs, INTERPOLATION)
    return jnp.sum(predicted * (1 - path) + (1 - predicted) * path)


def perturbed(costs: jax.Array, path: jax.Array, true_costs: jax.Array, beta: jax.Array,
              key: jax.Array) -> jax.Array:
    """The Fenchel-Young loss of the perturbed path (noise scaled by the mean predicted cost)."""
    scale = jax.lax.stop_gradient(jnp.mean(costs)) + 1e-6
    return path_solvers.perturbed_fenchel_young(costs, path, key, SAMPLES, SIGMA * scale)


def direct_costs(costs: jax.Array, path: jax.Array, true_costs: jax.Array, beta: jax.Array,
                 key: jax.Array) -> jax.Array:
    """The mean squared error of the costs (sees the true costs)."""
    return jnp.mean((costs - true_costs) ** 2)


METHODS: dict[str, Callable] = {
    "relaxjax-bellman-ford": relaxjax_bellman_ford,
    "relaxjax-walk": relaxjax_walk,
    "blackbox": blackbox,
    "perturbed": perturbed,
    "direct-costs": direct_costs,
}
