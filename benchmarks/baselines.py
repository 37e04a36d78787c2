"""Hand-written JAX versions of the benchmark algorithms' relaxations, as plainly and fast as we can:
the baselines relaxjax's generated code is measured against. Same semantics (DESIGN.md §1).

Scans whose steps carry a few values recompute each step in the backward pass (`jax.checkpoint`)
instead of saving its intermediates: measured faster for odd-even sort, edit distance, the grid and
the expert's bubble sort (n=256: 216 -> 68 ms), slower for the plain bubble sort, whose steps carry
the array (1565 -> 1720 ms). The expert's scan as the issue gives it stays as it is
(`bubble_swaps_carried`); `bubble_swaps_carried_checkpointed` is the same with checkpointed steps."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


def _scan(step, init, xs, length=None):
    """`lax.scan` whose backward pass recomputes each step from its carry."""
    return lax.scan(jax.checkpoint(step, prevent_cse=False), init, xs, length=length)


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


def bubble_swaps_carried(a: jax.Array, beta: jax.Array, scan=lax.scan) -> tuple[jax.Array, jax.Array]:
    """Relaxed bubble sort as an expert writes it: a pass carries the element that bubbles up and reads
    the next one as a scan input, so no step indexes the array (the issue's "expert" scan). Same
    values as `bubble_swaps`."""
    n = a.shape[0]

    def outer(carry, i):
        a, swaps = carry

        def inner(carry, xs):
            x, swaps = carry
            j, y = xs
            p = jax.nn.sigmoid(beta * (x - y)) * (j < n - 1 - i)
            return (p * x + (1 - p) * y, swaps + p), p * y + (1 - p) * x
        (last, swaps), rest = scan(inner, (a[0], swaps), (jnp.arange(n - 1), a[1:]))
        return (jnp.concatenate([rest, last[None]]), swaps), None

    return scan(outer, (a, jnp.zeros((), a.dtype)), jnp.arange(n))[0]


def bubble_swaps_carried_checkpointed(a: jax.Array, beta: jax.Array) -> tuple[jax.Array, jax.Array]:
    """`bubble_swaps_carried` with each step of both scans recomputed in the backward pass."""
    return bubble_swaps_carried(a, beta, scan=_scan)


def edit_distance(s: jax.Array, t: jax.Array, beta: jax.Array) -> jax.Array:
    """Relaxed edit distance between soft symbol sequences: a scan over rows, each row a scan over
    columns, softmin of the three moves. A cell reads the row above as scanned inputs (`prev[1:]`,
    `prev[:-1]`, one row of `s @ t.T`), never by index: an indexed read of a scan's constant adds a
    whole-array cotangent every step backward (m = 64: 26 ms for a `same[i, j]` read, 11 ms this way)."""
    m = s.shape[0]
    same = s @ t.T
    first = jnp.arange(m + 1, dtype=s.dtype)

    def softmin3(a, b, c):
        v = jnp.stack([a, b, c])
        return jax.nn.softmax(-beta * v) @ v

    def row(prev, xs):
        i, same_row = xs

        def cell(left, above):
            up, diagonal, same_ij = above
            d = softmin3(up + 1.0, left + 1.0, diagonal + 1.0 - same_ij)
            return d, d
        start = (i + 1).astype(s.dtype)
        _, rest = _scan(cell, start, (prev[1:], prev[:-1], same_row))
        return jnp.concatenate([start[None], rest]), None

    last, _ = _scan(row, first, (jnp.arange(m), same))
    return last[m]


def grid_shortest_path(cost: jax.Array, beta: jax.Array) -> jax.Array:
    """Relaxed Bellman-Ford on a k x k grid with 8-neighbourhoods: 2k rounds as a `lax.scan`; within a
    round every cell is independent, so the eight neighbour relaxations run on whole shifted grids,
    in the order the plain Python loops visit them."""
    k = cost.shape[0]
    big = 1e6
    dist = jnp.full((k, k), big, cost.dtype).at[0, 0].set(cost[0, 0])
    padded_shape = (k + 2, k + 2)
    moves = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
    inside = jnp.zeros(padded_shape, bool).at[1:-1, 1:-1].set(True)

    def round_(dist, _):
        padded = jnp.zeros(padded_shape, dist.dtype).at[1:-1, 1:-1].set(dist)
        new = dist
        for dr, dc in moves:
            neighbour = lax.dynamic_slice(padded, (1 + dr, 1 + dc), (k, k))
            valid = lax.dynamic_slice(inside, (1 + dr, 1 + dc), (k, k))
            candidate = neighbour + cost
            p = jax.nn.sigmoid(beta * (new - candidate)) * valid
            new = p * candidate + (1 - p) * new
        return new, None

    return _scan(round_, dist, None, length=2 * k)[0][k - 1, k - 1]


def odd_even_swaps(a: jax.Array, beta: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Relaxed odd-even transposition sort as a vectorised network: each layer compares all its
    disjoint pairs at once (static index arrays), two layers per `lax.scan` step."""
    n = a.shape[0]

    def layer(a, first):
        i = jnp.arange(first, n - 1, 2)
        x, y = a[i], a[i + 1]
        p = jax.nn.sigmoid(beta * (x - y))
        return a.at[i].set(p * y + (1 - p) * x).at[i + 1].set(p * x + (1 - p) * y), jnp.sum(p)

    def two_layers(carry, _):
        a, swaps = carry
        a, even = layer(a, 0)
        a, odd = layer(a, 1)
        return (a, swaps + even + odd), None

    a, swaps = _scan(two_layers, (a, jnp.zeros((), a.dtype)), None, length=n // 2)[0]
    if n % 2:
        a, last = layer(a, 0)
        swaps = swaps + last
    return a, swaps
