"""Warcraft-like terrain maps with their shortest paths, generated offline.

A map is a k x k grid of cells of five terrain kinds (terrain.py), drawn as a (8k, 8k, 3) image with a
random tile variant per cell. The kinds come from a smooth Gaussian random field (sigma 1.2 cells) cut
at its quintiles, the five bands given the kinds in a random order per map, so terrain forms regions as
in the original data. The label is the shortest path from the top-left to the bottom-right cell over the
8-neighbourhood, weighted by the cells it enters and counting both end cells (the original's
convention), as a 0/1 mask; with five cost values ties are common, so the optimal cost and the number of
optimal paths are kept too, and a prediction is scored both on the exact mask and on its cost.
"""
from __future__ import annotations

import numpy as np

from relaxjax.benchmarks import terrain

STEPS = tuple((di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0))
TOLERANCE = 1e-9   # costs are sums of at most k*k of five values: equal sums differ by rounding alone


def generate(count: int, k: int, tiles: list, seed: int) -> dict:
    """`count` maps of k x k cells: `images` uint8 (count, 8k, 8k, 3), `costs` float32 (count, k, k),
    `paths` uint8 (count, k, k) (one optimal path), `optimum` float64 (count,) (its cost) and `optimal`
    int64 (count,) (the number of optimal paths, which tie with it)."""
    rng = np.random.default_rng(seed)
    kinds = _terrain(rng, count, k)
    costs = np.asarray(terrain.COSTS, np.float32)[kinds]   # the labels are exact for the costs as stored
    dist = distances(costs)
    return {"images": _draw(rng, kinds, tiles), "costs": costs, "paths": paths(costs, dist),
            "optimum": dist[:, -1, -1], "optimal": count_optimal(costs, dist)}


def _terrain(rng: np.random.Generator, count: int, k: int, sigma: float = 1.2) -> np.ndarray:
    """Kinds (count, k, k) from a smoothed Gaussian field cut at its quintiles, bands permuted per map."""
    pad = int(np.ceil(3 * sigma))
    noise = rng.normal(size=(count, k + 2 * pad, k + 2 * pad))
    offsets = np.arange(-pad, pad + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    field = sum(w * noise[:, pad + o:pad + o + k, :] for w, o in zip(kernel, offsets))
    field = sum(w * field[:, :, pad + o:pad + o + k] for w, o in zip(kernel, offsets))
    cuts = np.quantile(field.reshape(count, -1), [0.2, 0.4, 0.6, 0.8], axis=1).T   # (count, 4)
    bands = (field[..., None] > cuts[:, None, None, :]).sum(-1)
    order = np.argsort(rng.random((count, len(terrain.COSTS))), axis=1)
    return np.take_along_axis(order, bands.reshape(count, -1), axis=1).reshape(count, k, k)


def _draw(rng: np.random.Generator, kinds: np.ndarray, tiles: list) -> np.ndarray:
    count, k, _ = kinds.shape
    size = terrain.TILE
    images = np.zeros((count, k * size, k * size, 3), np.uint8)
    variants = rng.random(kinds.shape)
    for kind, sheet in enumerate(tiles):
        chosen = np.minimum((variants * len(sheet)).astype(int), len(sheet) - 1)
        for n, i, j in zip(*np.nonzero(kinds == kind)):
            images[n, i * size:(i + 1) * size, j * size:(j + 1) * size] = sheet[chosen[n, i, j]]
    return images


def _shifted(x: np.ndarray, di: int, dj: int, fill: float) -> np.ndarray:
    """`out[:, i, j] = x[:, i + di, j + dj]`, `fill` outside the grid."""
    out = np.full_like(x, fill)
    k = x.shape[1]
    out[:, max(0, -di):k - max(0, di), max(0, -dj):k - max(0, dj)] = \
        x[:, max(0, di):k - max(0, -di), max(0, dj):k - max(0, -dj)]
    return out


def distances(costs: np.ndarray) -> np.ndarray:
    """The cost of the cheapest path from the top-left cell to every cell, both ends counted (batched
    Bellman-Ford over the 8-neighbourhood, run to its fixed point)."""
    costs = np.asarray(costs, np.float64)
    dist = np.full_like(costs, np.inf)
    dist[:, 0, 0] = costs[:, 0, 0]
    while True:
        best = np.min([_shifted(dist, di, dj, np.inf) for di, dj in STEPS], axis=0) + costs
        best[:, 0, 0] = costs[:, 0, 0]
        new = np.minimum(dist, best)
        if np.array_equal(new, dist):
            return dist
        dist = new


def _tight(costs: np.ndarray, dist: np.ndarray, di: int, dj: int) -> np.ndarray:
    """Whether stepping into each cell from its neighbour at (di, dj) is on a cheapest path to it."""
    return np.abs(_shifted(dist, di, dj, np.inf) + costs - dist) <= TOLERANCE * np.maximum(1.0, dist)


def count_optimal(costs: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """The number of cheapest paths from the top-left to the bottom-right cell (exact integers)."""
    ways = np.zeros(dist.shape, np.int64)
    ways[:, 0, 0] = 1
    tight = [_tight(costs, dist, di, dj) for di, dj in STEPS]
    while True:   # the tight steps form a DAG (costs are positive): a fixed point within its depth
        new = sum(np.where(t, _shifted(ways, di, dj, 0), 0) for t, (di, dj) in zip(tight, STEPS))
        new[:, 0, 0] = 1
        if np.array_equal(new, ways):
            return ways[:, -1, -1]
        ways = new


def paths(costs: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """One cheapest path per map as a 0/1 mask: walked back from the bottom-right cell, each step to
    the first tight neighbour in `STEPS` order."""
    count, k, _ = dist.shape
    masks = np.zeros(dist.shape, np.uint8)
    tight = np.stack([_tight(costs, dist, di, dj) for di, dj in STEPS], axis=-1)   # (count, k, k, 8)
    for n in range(count):
        i = j = k - 1
        masks[n, i, j] = 1
        while (i, j) != (0, 0):
            di, dj = STEPS[int(np.argmax(tight[n, i, j]))]
            i, j = i + di, j + dj
            masks[n, i, j] = 1
    return masks


def path_cost(costs: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """The cost of each mask's cells under `costs` (both end cells included)."""
    return np.sum(np.asarray(costs, np.float64) * masks, axis=(1, 2))
