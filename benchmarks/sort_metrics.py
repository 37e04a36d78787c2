"""EM and EW: how well scores order a set whose true values are known."""
from __future__ import annotations

import jax
import jax.numpy as jnp


def ranked_values(scores: jax.Array, values: jax.Array) -> jax.Array:
    """The true values in the order of ascending predicted score (last axis)."""
    return jnp.take_along_axis(values, jnp.argsort(scores, axis=-1, stable=True), axis=-1)


def exact_match(scores: jax.Array, values: jax.Array) -> jax.Array:
    """1.0 where the whole predicted ranking is right (equal values may come in either order), else 0.0."""
    ranked = ranked_values(scores, values)
    return jnp.all(ranked[..., 1:] >= ranked[..., :-1], axis=-1).astype(jnp.float32)


def element_wise(scores: jax.Array, values: jax.Array) -> jax.Array:
    """The fraction of positions that hold the value they should after ordering by score."""
    ranked = ranked_values(scores, values)
    return jnp.mean(ranked == jnp.sort(values, axis=-1), axis=-1)
