"""The losses of `relaxjax-bench edit`: the class scores of one pair of glyph sequences ([2, length,
alphabet]), the true edit distance and the true symbols in, a number out. Only `direct-labels` sees the
symbols.

| method | what it differentiates |
| --- | --- |
| `relaxjax-levenshtein` | the textbook dynamic program of `algorithms.py` (each glyph's symbol the class of highest score, `a[i - 1] == b[j - 1]`, `min` of the three moves), plain Python relaxed by relaxjax; the absolute difference to the true distance |
| `relaxjax-levenshtein-raised` | the same program, the absolute difference to the true distance plus `RAISE` (half an edit): a right reading still asks for longer distances, a steady push to read glyphs apart (softmin-dp's distances, short when read surely, push the same way) |
| `relaxjax-levenshtein-squared` | the same program, the squared difference |
| `relaxjax-straight-through` | the same program in mode "straight_through": the exact distance forward, the relaxed program's gradient backward; the absolute difference |
| `softmin-dp` | the task-specific smooth edit distance: substitution cost `1 - <p, q>` of the softmax rows, the soft-min `-gamma logsumexp(-x / gamma)` of the three moves (as soft-DTW); the absolute difference |
| `direct-labels` | the cross-entropy of the scores to the true symbols: an upper bound that sees what the others do not |
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from relaxjax import relax
from relaxjax.benchmarks import algorithms

BETA = 10.0   # the relaxjax methods' inverse temperature (README)
GAMMA = 0.3   # softmin-dp's temperature (README)
RAISE = 0.5   # relaxjax-levenshtein-raised's target over the true distance (README)

_relaxed = relax(algorithms.levenshtein)
_straight_through = relax(algorithms.levenshtein, mode="straight_through")


def relaxjax_levenshtein(scores: jax.Array, distance: jax.Array, symbols: jax.Array, beta: jax.Array) -> jax.Array:
    """`|relaxed edit distance - distance|`."""
    return jnp.abs(_relaxed(scores[0], scores[1], beta=beta) - distance)


def relaxjax_levenshtein_raised(scores: jax.Array, distance: jax.Array, symbols: jax.Array,
                                beta: jax.Array) -> jax.Array:
    """`|relaxed edit distance - (distance + RAISE)|`."""
    return jnp.abs(_relaxed(scores[0], scores[1], beta=beta) - distance - RAISE)


def relaxjax_levenshtein_squared(scores: jax.Array, distance: jax.Array, symbols: jax.Array,
                                 beta: jax.Array) -> jax.Array:
    """`(relaxed edit distance - distance) ** 2`."""
    return (_relaxed(scores[0], scores[1], beta=beta) - distance) ** 2


def relaxjax_straight_through(scores: jax.Array, distance: jax.Array, symbols: jax.Array,
                              beta: jax.Array) -> jax.Array:
    """`|exact edit distance - distance|`, differentiated through the relaxed program."""
    return jnp.abs(_straight_through(scores[0], scores[1], beta=beta) - distance)


def softmin_dp(scores: jax.Array, distance: jax.Array, symbols: jax.Array, beta: jax.Array) -> jax.Array:
    """`|soft edit distance of the softmax rows - distance|`."""
    p = jax.nn.softmax(scores, axis=-1)
    return jnp.abs(soft_edit_distance(p[0], p[1], GAMMA) - distance)


def direct_labels(scores: jax.Array, distance: jax.Array, symbols: jax.Array, beta: jax.Array) -> jax.Array:
    """The mean cross-entropy of the scores to the true symbols (sees the labels)."""
    log_p = jax.nn.log_softmax(scores, axis=-1)
    return -jnp.mean(jnp.take_along_axis(log_p, symbols[..., None], axis=-1))


def soft_edit_distance(p: jax.Array, q: jax.Array, gamma: float) -> jax.Array:
    """The edit distance of two sequences of symbol distributions ([m, A], [n, A]) with the soft-min
    `-gamma logsumexp(-x / gamma)` of the three moves and substitution cost `1 - <p_i, q_j>`: a scan over
    rows, each row a scan over its cells."""
    cost = 1.0 - p @ q.T

    def softmin(values: jax.Array) -> jax.Array:
        return -gamma * jax.nn.logsumexp(-values / gamma)

    def row(above: jax.Array, xs: tuple) -> tuple:
        i, cost_row = xs

        def cell(left, ins):
            up, diagonal, substitution = ins
            d = softmin(jnp.stack([up + 1.0, left + 1.0, diagonal + substitution]))
            return d, d

        start = (i + 1).astype(cost.dtype)
        _, rest = jax.lax.scan(cell, start, (above[1:], above[:-1], cost_row))
        return jnp.concatenate([start[None], rest]), None

    first = jnp.arange(q.shape[0] + 1, dtype=cost.dtype)
    last, _ = jax.lax.scan(row, first, (jnp.arange(p.shape[0]), cost))
    return last[-1]


METHODS: dict[str, Callable] = {
    "relaxjax-levenshtein": relaxjax_levenshtein,
    "relaxjax-levenshtein-raised": relaxjax_levenshtein_raised,
    "relaxjax-levenshtein-squared": relaxjax_levenshtein_squared,
    "relaxjax-straight-through": relaxjax_straight_through,
    "softmin-dp": softmin_dp,
    "direct-labels": direct_labels,
}
