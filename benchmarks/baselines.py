"""Hand-written JAX versions of the benchmark algorithms' relaxations, as plainly and fast as we can:
the baselines relaxjax's generated code is measured against. Same semantics (DESIGN.md §1)."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


def bubble_swaps(a: jax.Array, beta: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Relaxed bubble sort: both loops as `lax.scan`, the triangular inner bound masked, each
    compare-swap touching only its two elements."""
    n = a.shape[0]

    def outer(carry, i):
        def inner(carry, j):
            a, swaps = carry
            x, y = a[j], a[j + 1]
            p = jax.nn.sigmoid(beta * (x - y)) * (j < n - 1 - i)
            a = lax.dynamic_update_slice(a, jnp.stack([p * y + (1 - p) * x, p * x + (1 - p) * y]), (j,))
            return (a, swaps + p), None
        return lax.scan(inner, carry, jnp.arange(n - 1))[0], None

    return lax.scan(outer, (a, jnp.zeros((), a.dtype)), jnp.arange(n))[0]


def edit_distance(s: jax.Array, t: jax.Array, beta: jax.Array) -> jax.Array:
    """Relaxed edit distance between soft symbol sequences: a scan over rows, each row a scan over
    columns, softmin of the three moves."""
    m = s.shape[0]
    same = s @ t.T
    first = jnp.arange(m + 1, dtype=s.dtype)

    def softmin3(a, b, c):
        v = jnp.stack([a, b, c])
        return jax.nn.softmax(-beta * v) @ v

    def row(prev, i):
        def cell(left, j):
            d = softmin3(prev[j + 1] + 1.0, left + 1.0, prev[j] + 1.0 - same[i, j])
            return d, d
        _, rest = lax.scan(cell, (i + 1).astype(s.dtype), jnp.arange(m))
        cur = jnp.concatenate([(i + 1)[None].astype(s.dtype), rest])
        return cur, None

    last, _ = lax.scan(row, first, jnp.arange(m))
    return last[m]
