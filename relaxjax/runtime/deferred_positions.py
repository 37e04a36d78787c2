"""A position merged by several tests in a row, held apart until its distribution is needed.

`came[r][c] = rr * k + cc` under the soft test of each of a cell's eight neighbours merges the cell's
distribution over positions eight times. Mixed in full, each merge touches every weight, and its
derivative keeps the difference of the two sides' weights. Each such merge only moves the mass `q` of
the test to one position `v`: `(1 - q) * before + q * onehot(v)`. So the position is held as its
starting distribution and the list of those steps `(q_j, v_j)`, a merge appends one, and the
weights are built (`base * prod_j (1 - q_j)` plus a scatter of `q_j * prod_{i > j} (1 - q_i)` at the
`v_j`, whose derivative keeps only the positions) when something reads them or the value leaves the
branch.

| merge (`a if test else b`, p = P(test); a hard test: p is 0 or 1) | result |
| --- | --- |
| a position `v` and a distribution `d` | `d` and the step `(p, v)` (`(1 - p, v)` for `d if test else v`) |
| `d` plus one step `(q, v)` and `d` itself | `d` and the step `(p * q, v)` (`((1 - p) * q, v)` the other way round) |
| anything else, or more than `MOST_STEPS` steps | None: the caller mixes the weights in full |
"""
from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from relaxjax.runtime.values import SoftBool, SoftIndex, unwrap

MOST_STEPS = 16

try:
    from jax.extend.core import get_opaque_trace_state as _trace_state
except ImportError:   # older JAX: the weights are built at every read
    _trace_state = None


class DeferredIndex(SoftIndex):
    """A SoftIndex over `offset..hi`: the distribution `base` after the `steps` `(q, v)`, each moving
    the mass `q` to the position `v`; `weights` builds the distribution it stands for."""

    __slots__ = ("base", "steps", "hi", "_built")

    def __init__(self, base: SoftIndex, steps: tuple, lo: int, hi: int):
        self.base, self.steps, self.offset, self.hi = base, steps, lo, hi
        self._built = None

    @property
    def weights(self) -> Any:
        trace = _trace_state() if _trace_state is not None else object()
        if self._built is None or self._built[0] != trace:   # built weights are only valid in their trace
            self._built = (trace, _build(self))
        return self._built[1]

    @property
    def shape(self) -> tuple:
        """The shape of the array of positions (one distribution per element)."""
        return self.base.weights.shape[:-1]


def _build(x: DeferredIndex) -> Any:
    base = x.base.weights
    dtype = jnp.result_type(base, *[q for q, _ in x.steps])
    size, shape = x.hi - x.offset + 1, x.shape
    kept, moved = jnp.ones(shape, dtype), []
    for q, _ in reversed(x.steps):
        moved.append(jnp.broadcast_to(jnp.asarray(q, dtype) * kept, shape).reshape(-1))
        kept = kept * (1 - jnp.asarray(q, dtype))
    pad = [(0, 0)] * len(shape) + [(x.base.offset - x.offset, x.hi - x.base.offset - base.shape[-1] + 1)]
    flat = (jnp.pad(base.astype(dtype), pad) * kept[..., None]).reshape(-1, size)
    places = jnp.stack([jnp.broadcast_to(jnp.asarray(unwrap(v)) - x.offset, shape).reshape(-1)
                        for _, v in reversed(x.steps)], axis=1)
    flat = flat.at[jnp.arange(flat.shape[0])[:, None], places].add(jnp.stack(moved, axis=1))
    return flat.reshape(shape + (size,))


def _parts(x: Any) -> tuple[SoftIndex, tuple] | None:
    """A distribution as its starting one and its steps; None for a single position."""
    if isinstance(x, DeferredIndex):
        return x.base, x.steps
    if isinstance(x, SoftIndex):
        return x, ()
    return None


def _one_step_on(longer: tuple, shorter: tuple) -> bool:
    return len(longer) == len(shorter) + 1 and all(s is t for s, t in zip(longer, shorter))


def merged(test: Any, a: Any, b: Any, lo: int, hi: int, shape: tuple) -> DeferredIndex | None:
    """`a if test else b` held deferred over `lo..hi` (positions of `shape`), or None where it cannot
    be (see the module's table)."""
    yes = test.prob if isinstance(test, SoftBool) else jnp.asarray(test).astype(jnp.result_type(float))
    parts_a, parts_b = _parts(a), _parts(b)
    if parts_a is None and parts_b is None:
        return None
    if parts_a is None or parts_b is None:
        (base, steps), v, q = (parts_b, a, yes) if parts_a is None else (parts_a, b, 1 - yes)
    else:
        (base, steps_a), (base_b, steps_b) = parts_a, parts_b
        if base is not base_b:
            return None
        if len(steps_a) == len(steps_b) and all(s is t for s, t in zip(steps_a, steps_b)):
            return a   # the same distribution on both sides
        if _one_step_on(steps_a, steps_b):
            steps, (q, v) = steps_b, steps_a[-1]
            q = yes * q
        elif _one_step_on(steps_b, steps_a):
            steps, (q, v) = steps_a, steps_b[-1]
            q = (1 - yes) * q
        else:
            return None
    if base.weights.shape[:-1] != shape or len(steps) >= MOST_STEPS:
        return None
    return DeferredIndex(base, steps + ((q, v),), lo, hi)


def _flatten(x: DeferredIndex) -> tuple:
    return (x.weights,), x.offset


jax.tree_util.register_pytree_node(DeferredIndex, _flatten, lambda offset, c: SoftIndex(c[0], offset))
