"""The training steps' batch sharded over every local device: a one-axis mesh named "batch", the
examples split along it and the parameters replicated, under one `jit`. On one device this is a plain
`jit`; with several hosts, call `jax.distributed.initialize()` first and each host trains on its own."""
from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def mesh() -> Mesh:
    """A one-axis mesh, "batch", over every local device."""
    return Mesh(np.asarray(jax.local_devices()), ("batch",))


def split(devices: Mesh) -> NamedSharding:
    """Examples split along the leading axis."""
    return NamedSharding(devices, PartitionSpec("batch"))


def replicated(devices: Mesh) -> NamedSharding:
    """The same value on every device."""
    return NamedSharding(devices, PartitionSpec())


def batch_size(batch: int, devices: Mesh) -> int:
    """`batch` rounded down to a multiple of the device count (at least one example a device)."""
    return max(1, batch // devices.size) * devices.size
