"""The exact grid shortest path in JAX, and the two ways of differentiating through it that the
shortest-path task compares relaxjax with: blackbox differentiation (Vlastelica et al., ICLR 2020) and
perturbed optimizers with the Fenchel-Young loss (Berthet et al., NeurIPS 2020).

Paths run from the top-left to the bottom-right cell over the 8-neighbourhood, weighted by the cells
they enter, both end cells counted; a path is a 0/1 mask over the cells.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

STEPS = tuple((di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0))


def _neighbours(x: jax.Array, fill: float) -> jax.Array:
    """`out[s, i, j] = x[i + di, j + dj]` for each step s = (di, dj), `fill` outside the grid."""
    k = x.shape[0]
    padded = jnp.pad(x, 1, constant_values=fill)
    return jnp.stack([padded[1 + di:1 + di + k, 1 + dj:1 + dj + k] for di, dj in STEPS])


def distances(costs: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The cost of the cheapest path from the top-left cell to every cell, and the step (an index into
    `STEPS`) from each cell to its predecessor on it: Bellman-Ford to its fixed point (at most k * k
    rounds), a predecessor changed only by a strictly cheaper path, so that they form a tree. Costs below
    0 count as 0 (a path through negative cells has no cheapest)."""
    k = costs.shape[0]
    costs = jnp.maximum(costs, 0.0)
    start = jnp.full_like(costs, jnp.inf).at[0, 0].set(costs[0, 0])

    def round_(state):
        dist, step, _, n = state
        through = _neighbours(dist, jnp.inf) + costs
        better = (jnp.min(through, axis=0) < dist).at[0, 0].set(False)
        new = jnp.where(better, jnp.min(through, axis=0), dist)
        return new, jnp.where(better, jnp.argmin(through, axis=0).astype(jnp.int32), step), jnp.any(better), n + 1

    dist, step, _, _ = jax.lax.while_loop(lambda s: s[2] & (s[3] < k * k), round_,
                                          (start, jnp.zeros(costs.shape, jnp.int32), True, 0))
    return dist, step


def shortest_path(costs: jax.Array) -> jax.Array:
    """One cheapest path as a 0/1 mask (float): walked back from the bottom-right cell along the
    predecessors that `distances` recorded."""
    k = costs.shape[0]
    _, step_back = distances(costs)
    di = jnp.asarray([s[0] for s in STEPS])[step_back]
    dj = jnp.asarray([s[1] for s in STEPS])[step_back]

    def walk(_, state):
        i, j, mask = state
        at_start = (i == 0) & (j == 0)
        i, j = jnp.where(at_start, i, i + di[i, j]), jnp.where(at_start, j, j + dj[i, j])
        return i, j, mask.at[i, j].set(1.0)

    mask = jnp.zeros_like(costs).at[k - 1, k - 1].set(1.0)
    return jax.lax.fori_loop(0, k * k, walk, (k - 1, k - 1, mask))[2]


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def blackbox_path(costs: jax.Array, interpolation: float) -> jax.Array:
    """The exact path of `costs`; its derivative is the blackbox one: for an incoming gradient g, the
    difference of the paths of `costs` and `costs + interpolation * g`, over `interpolation`."""
    return shortest_path(costs)


def _blackbox_forward(costs, interpolation):
    path = shortest_path(costs)
    return path, (costs, path)


def _blackbox_backward(interpolation, residuals, incoming):
    costs, path = residuals
    moved = shortest_path(costs + interpolation * incoming)
    return (-(path - moved) / interpolation,)


blackbox_path.defvjp(_blackbox_forward, _blackbox_backward)


def perturbed_fenchel_young(costs: jax.Array, target: jax.Array, key: jax.Array, samples: int,
                            sigma: float) -> jax.Array:
    """The Fenchel-Young loss of the Gaussian-perturbed shortest path for the path `target`:
    `<costs, target> - E[min_y <costs + sigma Z, y>]`, whose gradient is `target - E[y*(costs + sigma Z)]`."""
    noise = jax.random.normal(key, (samples,) + costs.shape, costs.dtype)
    perturbed = costs[None] + sigma * noise
    paths = jax.lax.stop_gradient(jax.vmap(shortest_path)(perturbed))   # the envelope theorem: held fixed
    return jnp.sum(costs * target) - jnp.mean(jnp.sum(perturbed * paths, axis=(1, 2)))
