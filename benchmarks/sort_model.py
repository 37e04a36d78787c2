"""The paper's CNN for four-digit MNIST numbers: one image (28 x 112) in, one score out. `relaxjax-bench
edit` uses the same trunk on single digits (28 x 28), with one output per symbol."""
from __future__ import annotations

import equinox as eqx
import jax


class ScoreCNN(eqx.Module):
    """conv 1->32 5x5 pad 2, ReLU, max-pool 2, conv 32->64 5x5 pad 2, ReLU, max-pool 2, dense 64, ReLU, dense 1."""

    conv1: eqx.nn.Conv2d
    conv2: eqx.nn.Conv2d
    hidden: eqx.nn.Linear
    out: eqx.nn.Linear

    def __init__(self, key: jax.Array, height: int = 28, width: int = 112, outputs: int = 1):
        k1, k2, k3, k4 = jax.random.split(key, 4)
        self.conv1 = eqx.nn.Conv2d(1, 32, 5, padding=2, key=k1)
        self.conv2 = eqx.nn.Conv2d(32, 64, 5, padding=2, key=k2)
        self.hidden = eqx.nn.Linear(64 * (height // 4) * (width // 4), 64, key=k3)
        self.out = eqx.nn.Linear(64, outputs, key=k4)

    def __call__(self, image: jax.Array) -> jax.Array:
        """The score of one image [28, 112]."""
        return self.outputs(image)[0]

    def outputs(self, image: jax.Array) -> jax.Array:
        """All the outputs of one image: [outputs]."""
        pool = eqx.nn.MaxPool2d(2, 2)
        x = pool(jax.nn.relu(self.conv1(image[None].astype(self.conv1.weight.dtype))))
        x = pool(jax.nn.relu(self.conv2(x)))
        return self.out(jax.nn.relu(self.hidden(x.reshape(-1))))
