"""Sorting losses of one set of scores given in the true ascending order.

relaxjax's losses are plain Python sorts relaxed by `relax`: the expected number of swaps they make
(zero for scores already in order; the paper's loss), or the binary cross-entropy of the permutation
matrix that a bubble sort moving the rows of an identity matrix produces. The baselines are written in
JAX from their papers: NeuralSort (Grover et al. 2019) and SoftSort (Prillo & Eisenschlos 2020) relax the permutation matrix and take
its cross-entropy with the true one; differentiable sorting networks (Petersen et al. 2021, 2022) run
an odd-even transposition network with logistic or Cauchy swaps and take the binary cross-entropy of the
permutation matrix it produces.
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax import relax
from relaxjax.benchmarks import algorithms

Loss = Callable[[jax.Array, jax.Array], jax.Array]  # (scores [n], temperature parameter) -> scalar


def bubble_sort_permutation(a):
    """Bubble sort that moves the rows of an identity matrix along with the values: row i of the result
    is the one-hot position, in the input, of the value that ends at rank i."""
    n = len(a)
    p = [[1.0 if r == c else 0.0 for c in range(n)] for r in range(n)]
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                p[j], p[j + 1] = p[j + 1], p[j]
    return p


_relaxed_bubble = relax(algorithms.bubble_swaps)
_relaxed_bubble_permutation = relax(bubble_sort_permutation)
_relaxed_odd_even = relax(algorithms.odd_even_swaps)


def relaxjax_bubble(scores: jax.Array, beta: jax.Array) -> jax.Array:
    """Expected swaps of the relaxed bubble sort (the paper's loss)."""
    return _relaxed_bubble(scores, beta=beta)[1]


def relaxjax_odd_even(scores: jax.Array, beta: jax.Array) -> jax.Array:
    """Expected swaps of the relaxed odd-even transposition sort."""
    return _relaxed_odd_even(scores, beta=beta)


def relaxjax_bubble_permutation(scores: jax.Array, beta: jax.Array) -> jax.Array:
    """Binary cross-entropy of the relaxed bubble sort's permutation matrix with the identity."""
    return _binary_cross_entropy_to_identity(jnp.asarray(_relaxed_bubble_permutation(scores, beta=beta)))


def _cross_entropy_to_identity(log_p: jax.Array) -> jax.Array:
    return -jnp.mean(jnp.diagonal(log_p))


def neuralsort(scores: jax.Array, tau: jax.Array) -> jax.Array:
    """Cross-entropy of NeuralSort's relaxed ascending permutation matrix with the identity."""
    s = -scores  # NeuralSort ranks in descending order
    n = s.shape[0]
    pairwise = jnp.abs(s[:, None] - s[None, :]).sum(axis=1)
    weights = (n + 1 - 2 * jnp.arange(1, n + 1, dtype=s.dtype))[:, None]
    return _cross_entropy_to_identity(jax.nn.log_softmax((weights * s[None, :] - pairwise[None, :]) / tau, axis=1))


def softsort(scores: jax.Array, tau: jax.Array) -> jax.Array:
    """Cross-entropy of SoftSort's relaxed ascending permutation matrix with the identity."""
    logits = -jnp.abs(jnp.sort(scores)[:, None] - scores[None, :]) / tau
    return _cross_entropy_to_identity(jax.nn.log_softmax(logits, axis=1))


def logistic_swap(x: jax.Array) -> jax.Array:
    """Probability of keeping a pair whose difference (second - first) times steepness is x: logistic CDF."""
    return jax.nn.sigmoid(x)


def cauchy_swap(x: jax.Array) -> jax.Array:
    """Probability of keeping a pair, Cauchy CDF (monotonic sorting networks)."""
    return jnp.arctan(x) / jnp.pi + 0.5


def sorting_network_matrix(scores: jax.Array, steepness: jax.Array, keep: Callable = logistic_swap) -> jax.Array:
    """The relaxed permutation matrix of an odd-even transposition network: row i mixes the inputs at rank i."""
    n = scores.shape[0]
    x, p = scores, jnp.eye(n, dtype=scores.dtype)
    for layer in range(n):
        first = np.arange(layer % 2, n - 1, 2)
        if first.size == 0:
            continue
        second = first + 1
        a, b = x[first], x[second]
        alpha = keep(steepness * (b - a))
        x = x.at[first].set(alpha * a + (1 - alpha) * b).at[second].set((1 - alpha) * a + alpha * b)
        alpha, row_a, row_b = alpha[:, None], p[first], p[second]
        p = p.at[first].set(alpha * row_a + (1 - alpha) * row_b).at[second].set((1 - alpha) * row_a + alpha * row_b)
    return p


def _binary_cross_entropy_to_identity(p: jax.Array) -> jax.Array:
    eye = jnp.eye(p.shape[0], dtype=p.dtype)
    tiny = jnp.finfo(p.dtype).eps
    p = jnp.clip(p, tiny, 1 - tiny)
    return -jnp.mean(eye * jnp.log(p) + (1 - eye) * jnp.log1p(-p))


def diffsort_logistic(scores: jax.Array, steepness: jax.Array) -> jax.Array:
    """BCE of the logistic odd-even sorting network's permutation matrix with the identity."""
    return _binary_cross_entropy_to_identity(sorting_network_matrix(scores, steepness, logistic_swap))


def diffsort_cauchy(scores: jax.Array, steepness: jax.Array) -> jax.Array:
    """BCE of the Cauchy odd-even sorting network's permutation matrix with the identity."""
    return _binary_cross_entropy_to_identity(sorting_network_matrix(scores, steepness, cauchy_swap))


# name -> (loss, default of its temperature parameter, what that parameter is)
METHODS: dict[str, tuple[Loss, float, str]] = {
    "relaxjax-bubble": (relaxjax_bubble, 8.0, "beta"),
    "relaxjax-odd-even": (relaxjax_odd_even, 8.0, "beta"),
    "relaxjax-bubble-perm": (relaxjax_bubble_permutation, 8.0, "beta"),
    "neuralsort": (neuralsort, 1.0, "tau"),
    "softsort": (softsort, 1.0, "tau"),
    "diffsort-logistic": (diffsort_logistic, 10.0, "steepness"),
    "diffsort-cauchy": (diffsort_cauchy, 10.0, "steepness"),
}
