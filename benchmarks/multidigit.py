"""Sets of four-digit MNIST numbers, composed as the paper does.

A number is four MNIST digits side by side (28 x 112, pixels / 255) and its value is the four-digit
number they spell; every digit image is drawn uniformly from the split. A set holds n numbers in
ascending order of value, which is all the supervision the sorting task gets.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

DIGITS = 4
TRAIN_SIZE = 55_000  # MNIST train[:55000] trains, train[55000:] validates, the 10k test images test


class Split(NamedTuple):
    """Digit images (uint8, [N, 28, 28]) and their labels ([N])."""

    images: jax.Array
    labels: jax.Array


def splits(mnist: dict[str, np.ndarray]) -> dict[str, Split]:
    """The paper's train / validation / test splits of MNIST's digits."""
    train_images, train_labels = mnist["train_images"], mnist["train_labels"]
    return {
        "train": Split(jnp.asarray(train_images[:TRAIN_SIZE]), jnp.asarray(train_labels[:TRAIN_SIZE])),
        "val": Split(jnp.asarray(train_images[TRAIN_SIZE:]), jnp.asarray(train_labels[TRAIN_SIZE:])),
        "test": Split(jnp.asarray(mnist["test_images"]), jnp.asarray(mnist["test_labels"])),
    }


def draw(key: jax.Array, split: Split, sets: int, n: int) -> jax.Array:
    """Indices of the digit images of `sets` sets of n numbers: int32 [sets, n, 4]."""
    return jax.random.randint(key, (sets, n, DIGITS), 0, split.labels.shape[0])


def compose(split: Split, indices: jax.Array) -> tuple[jax.Array, jax.Array]:
    """The sets that `indices` [..., n, 4] name, each in ascending order of value.

    Returns images float32 [..., n, 28, 112] in [0, 1] and values int32 [..., n].
    """
    digits = split.labels[indices].astype(jnp.int32)
    values = jnp.sum(digits * 10 ** jnp.arange(DIGITS - 1, -1, -1), axis=-1)
    order = jnp.argsort(values, axis=-1, stable=True)
    values = jnp.take_along_axis(values, order, axis=-1)
    indices = jnp.take_along_axis(indices, order[..., None], axis=-2)
    tiles = split.images[indices].astype(jnp.float32) / 255.0          # [..., n, 4, 28, 28]
    images = jnp.concatenate([tiles[..., k, :, :] for k in range(DIGITS)], axis=-1)
    return images, values
