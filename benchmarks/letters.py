"""Synthetic handwritten letters for `relaxjax-bench edit --glyphs letters`.

Each glyph is a lowercase letter of one of the Hershey script faces (the stroke fonts of the PyPI package
Hershey-Fonts): its strokes get a random affine map (rotation, shear, scale, shift) and a smooth random
displacement (elastic jitter), are scaled so that the larger side spans 20 pixels and centred in 28x28
(EMNIST's normalisation), and are drawn as a pen of random width. Every image is drawn afresh from a
seed, so the splits share no image.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

FACES = ("scripts", "scriptc", "cursive")
SIZE, BOX = 28, 20          # the image and the box the glyph is scaled into, in pixels
PER_CLASS = {"train": 1000, "val": 200, "test": 200}
_SPACING = 0.3              # font units between the points a stroke is drawn with (a glyph spans 9 to 30)


def splits(alphabet: int, seed: int = 0) -> dict[str, dict[str, np.ndarray]]:
    """Rendered letters a, b, ... of the first `alphabet` (2 to 26) for "train", "val" and "test", in the
    shape of `edit_data.splits`: "images" (uint8 [N, 28, 28]), "labels", "by_class", "names"."""
    if not 2 <= alphabet <= 26:
        raise ValueError(f"alphabet {alphabet}: the letters give 2 to 26 symbols")
    fonts = [font(face) for face in FACES]
    shapes = [[strokes(f, chr(ord("a") + c)) for f in fonts] for c in range(alphabet)]
    out = {}
    for k, (name, count) in enumerate(PER_CLASS.items()):
        rng = np.random.default_rng([seed, k])
        labels = np.repeat(np.arange(alphabet, dtype=np.int32), count)
        images = np.stack([render(shapes[c][rng.integers(len(FACES))], rng) for c in labels])
        out[name] = {"images": images, "labels": labels,
                     "by_class": [np.flatnonzero(labels == c) for c in range(alphabet)],
                     "names": "abcdefghijklmnopqrstuvwxyz"[:alphabet]}
    return out


def font(face: str):
    """The Hershey font `face`, loaded (about 30 ms)."""
    try:
        from HersheyFonts import HersheyFonts   # a benchmark-only dependency
    except ImportError as error:
        raise ValueError("the letters need the package Hershey-Fonts: pip install 'relaxjax[bench]'") from error
    loaded = HersheyFonts()
    loaded.load_default_font(face)
    return loaded


def strokes(loaded_font, letter: str) -> list[np.ndarray]:
    """The pen strokes of `letter` in a loaded Hershey font: polylines of (x, y) points, y pointing down."""
    lines, polylines = list(loaded_font.lines_for_text(letter)), []
    for start, end in lines:
        if polylines and tuple(polylines[-1][-1]) == tuple(start):
            polylines[-1].append(end)
        else:
            polylines.append([start, end])
    return [np.asarray(p, dtype=np.float64) for p in polylines]


def render(polylines: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One jittered image of a glyph's strokes: uint8 [28, 28]."""
    points = np.concatenate([_along(p) for p in polylines])
    points = (points - points.mean(0)) / np.ptp(points, axis=0).max()
    angle, shear = rng.uniform(-0.25, 0.25), rng.uniform(-0.3, 0.3)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    points = points @ (rotation @ np.array([[1.0, shear], [0.0, 1.0]])).T * rng.uniform(0.85, 1.1, 2)
    frequency, phase = rng.uniform(1.0, 3.0, (2, 2)), rng.uniform(0, 2 * np.pi, 2)
    points = points + 0.04 * np.sin(points @ frequency + phase)   # elastic: a smooth displacement
    low, high = points.min(0), points.max(0)
    points = (points - (low + high) / 2) * (BOX / (high - low).max()) + SIZE / 2 + rng.uniform(-1.5, 1.5, 2)
    ink = np.zeros((SIZE, SIZE))
    x, y = np.clip(points[:, 0], 0, SIZE - 1.001), np.clip(points[:, 1], 0, SIZE - 1.001)
    col, row = x.astype(int), y.astype(int)
    for dr, dc, weight in ((0, 0, (1 - (y - row)) * (1 - (x - col))), (0, 1, (1 - (y - row)) * (x - col)),
                           (1, 0, (y - row) * (1 - (x - col))), (1, 1, (y - row) * (x - col))):
        np.add.at(ink, (row + dr, col + dc), weight)
    ink = 1.0 - np.exp(-2.0 * ndimage.gaussian_filter(ink, rng.uniform(0.7, 1.1)))   # overlaps saturate
    return np.round(255 * ink).astype(np.uint8)


def _along(polyline: np.ndarray) -> np.ndarray:
    """Points every _SPACING font units along a polyline."""
    steps = [np.linspace(a, b, max(2, int(np.linalg.norm(b - a) / _SPACING) + 1))
             for a, b in zip(polyline, polyline[1:])]
    return np.concatenate(steps)
