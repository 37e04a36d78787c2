"""The cost network of the Warcraft shortest-path work: the first layers of ResNet18 on the map image,
adaptive max-pooling to one value per cell, the mean over channels as the cell's cost.

conv 7x7 stride 2 (3 -> 64), batch norm, ReLU, max-pool 3x3 stride 2, one basic residual block (two
conv 3x3 with batch norm), adaptive max-pool to k x k, channel mean. It maps a batch of images at once
(batch norm needs the batch); its running statistics live in a separate `state` dict, as Equinox keeps
state outside the model.
"""
from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

MOMENTUM = 0.9
EPS = 1e-5


class CostNet(eqx.Module):
    """Images (B, H, W, 3) uint8 -> costs (B, k, k) >= 0."""

    stem: eqx.nn.Conv2d
    conv1: eqx.nn.Conv2d
    conv2: eqx.nn.Conv2d
    scales: dict
    cells: int = eqx.field(static=True)

    def __init__(self, key: jax.Array, cells: int):
        k1, k2, k3 = jax.random.split(key, 3)
        self.stem = eqx.nn.Conv2d(3, 64, 7, stride=2, padding=3, use_bias=False, key=k1)
        self.conv1 = eqx.nn.Conv2d(64, 64, 3, padding=1, use_bias=False, key=k2)
        self.conv2 = eqx.nn.Conv2d(64, 64, 3, padding=1, use_bias=False, key=k3)
        self.scales = {name: (jnp.ones(64), jnp.zeros(64)) for name in ("stem", "conv1", "conv2")}
        self.cells = cells

    def init_state(self) -> dict:
        """Running means and variances of the three batch norms."""
        return {name: (jnp.zeros(64), jnp.ones(64)) for name in self.scales}

    def __call__(self, images: jax.Array, state: dict, train: bool) -> tuple[jax.Array, dict]:
        """The costs of a batch of images and the updated batch-norm state (unchanged when not `train`)."""
        x = jnp.moveaxis(images.astype(self.stem.weight.dtype) / 255.0, -1, 1)   # (B, 3, H, W)
        new_state = {}

        def norm(name, x):
            if train:
                mean, var = jnp.mean(x, axis=(0, 2, 3)), jnp.var(x, axis=(0, 2, 3))
                running_mean, running_var = state[name]
                new_state[name] = (MOMENTUM * running_mean + (1 - MOMENTUM) * jax.lax.stop_gradient(mean),
                                   MOMENTUM * running_var + (1 - MOMENTUM) * jax.lax.stop_gradient(var))
            else:
                mean, var = state[name]
                new_state[name] = state[name]
            scale, shift = self.scales[name]
            return (x - mean[:, None, None]) / jnp.sqrt(var[:, None, None] + EPS) * scale[:, None, None] \
                + shift[:, None, None]

        x = jax.nn.relu(norm("stem", jax.vmap(self.stem)(x)))
        x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 3, 3), (1, 1, 2, 2),
                                  ((0, 0), (0, 0), (1, 1), (1, 1)))
        y = jax.nn.relu(norm("conv1", jax.vmap(self.conv1)(x)))
        x = jax.nn.relu(x + norm("conv2", jax.vmap(self.conv2)(y)))
        b, c, h, w = x.shape
        cells = self.cells
        x = jnp.max(x.reshape(b, c, cells, h // cells, cells, w // cells), axis=(3, 5))   # adaptive max-pool
        return jnp.mean(x, axis=1), new_state
