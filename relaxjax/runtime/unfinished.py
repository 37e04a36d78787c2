"""Loops cut off at `max_iter` passes with mass still running are reported, never silent.

A relaxed `while` (and a `for` over a range whose bound is only known at run time) runs at most
`max_iter` passes; what is still running then ends with the last state, which is not what the program
computes. `report` attaches a host callback that warns with `MaxIterWarning` when, on the actual inputs,
more than `THRESHOLD` of the probability (hard mode: any run) was still going. Filter it with the
`warnings` module (`warnings.simplefilter("error", relaxjax.MaxIterWarning)` to stop instead: the call
raises the `MaxIterWarning`, which JAX would otherwise report as a `JaxRuntimeError` of the callback).
"""
from __future__ import annotations

import threading
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.runtime import context, explain, sampling
from relaxjax.runtime.errors import user_location

THRESHOLD = 1e-3


class MaxIterWarning(RuntimeWarning):
    """A loop stopped at `max_iter` passes while part of its probability (hard: the run) still ran."""


_RAISED: list[MaxIterWarning] = []   # raised inside a host callback (another thread), not yet re-raised
_LOCK = threading.Lock()


def raised() -> MaxIterWarning | None:
    """The `MaxIterWarning` a callback raised as an error (under `warnings.simplefilter("error", ...)`)
    since the last call, if any; it is taken off the list."""
    with _LOCK:
        out = _RAISED[0] if _RAISED else None
        _RAISED.clear()
    return out


def report(running: Any, what: str, text: str | None = None) -> None:
    """Warn at run time if `running` (the probability, or in hard mode the fact, that the loop still
    runs after its last pass) exceeds THRESHOLD on the inputs it gets. `text`: the warning's own words
    (for what is not a loop: a heap that overflowed), instead of those about a loop cut at max_iter."""
    if isinstance(running, bool) and not running:
        return
    where = user_location() or "a relaxed function"
    opts = context.current()
    max_iter = opts.max_iter
    if opts.sampled:   # the share of the samples still running: one callback, not one per sample
        running = sampling.mean_over_samples(jnp.asarray(running, dtype=jnp.result_type(float)))

    def warn(value: Any) -> None:
        worst = float(np.max(np.asarray(value, dtype=np.float64)))
        if worst > THRESHOLD:
            share = (f"{worst:.1%} of the samples still ran" if opts.sampled else "it was still running"
                     if opts.hard else f"{worst:.1%} of its probability still ran")
            try:
                warnings.warn(f"{where}: {text}" if text else
                              f"{where}: {what} stopped after max_iter={max_iter} passes while {share}, so "
                              f"the result is not the program's; raise max_iter (relax(..., max_iter=N))",
                              MaxIterWarning, stacklevel=2)
            except MaxIterWarning as err:   # the warnings filter made it an error: JAX wraps what a callback
                with _LOCK:                 # raises; the call re-raises this one (`raised`)
                    _RAISED.append(err)
                raise

    jax.debug.callback(warn, jnp.asarray(running, dtype=jnp.result_type(float)))
    if text is None:
        explain.watch("while" if "while" in what else "for", running)
