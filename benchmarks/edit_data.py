"""Pairs of handwritten strings and their edit distances, for `relaxjax-bench edit`.

A string is `length` MNIST digits of the classes 0 .. alphabet - 1, drawn uniformly; its partner is the
same string after a random number of edits (0 to `length`, uniform), each either a substitution (a
position gets another symbol) or a move (a symbol is deleted and a random one inserted at a random
position), so both strings keep the same length. Each symbol is drawn as a random image of its class
from the split. The label is the exact Levenshtein distance of the two strings (not the number of edits).
"""
from __future__ import annotations

import numpy as np

from relaxjax.benchmarks.multidigit import TRAIN_SIZE


def splits(mnist: dict[str, np.ndarray], alphabet: int) -> dict[str, dict[str, np.ndarray]]:
    """MNIST's train[:55000] / train[55000:] / test images of the digits 0 .. alphabet - 1: "images"
    (uint8 [N, 28, 28]), "labels", "by_class" (the indices of each class's images) and "names" (the
    symbols spelled, "0123...")."""
    if not 2 <= alphabet <= 10:
        raise ValueError(f"alphabet {alphabet}: the digits give 2 to 10 symbols")
    parts = {"train": (mnist["train_images"][:TRAIN_SIZE], mnist["train_labels"][:TRAIN_SIZE]),
             "val": (mnist["train_images"][TRAIN_SIZE:], mnist["train_labels"][TRAIN_SIZE:]),
             "test": (mnist["test_images"], mnist["test_labels"])}
    out = {}
    for name, (images, labels) in parts.items():
        keep = labels < alphabet
        labels = labels[keep].astype(np.int32)
        out[name] = {"images": images[keep], "labels": labels,
                     "by_class": [np.flatnonzero(labels == c) for c in range(alphabet)],
                     "names": "0123456789"[:alphabet]}
    return out


def pairs(rng: np.random.Generator, split: dict, count: int, length: int) -> dict[str, np.ndarray]:
    """`count` pairs of strings: "symbols" (int32 [count, 2, length]), "glyphs" (the images' indices in
    the split, same shape) and "distance" (float32 [count])."""
    alphabet = len(split["by_class"])
    first = rng.integers(0, alphabet, (count, length))
    second = np.stack([_edited(rng, row, alphabet) for row in first])
    symbols = np.stack([first, second], axis=1).astype(np.int32)
    glyphs = np.empty_like(symbols)
    for c, members in enumerate(split["by_class"]):
        where = symbols == c
        glyphs[where] = members[rng.integers(0, len(members), int(where.sum()))]
    return {"symbols": symbols, "glyphs": glyphs, "distance": levenshtein(first, second).astype(np.float32)}


def _edited(rng: np.random.Generator, string: np.ndarray, alphabet: int) -> np.ndarray:
    out = list(string)
    for _ in range(rng.integers(0, len(out) + 1)):
        if rng.random() < 0.5:
            at = rng.integers(0, len(out))
            out[at] = (out[at] + rng.integers(1, alphabet)) % alphabet   # another symbol
        else:
            del out[rng.integers(0, len(out))]
            out.insert(rng.integers(0, len(out) + 1), rng.integers(0, alphabet))
    return np.asarray(out)


def levenshtein(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The edit distances of integer strings row by row (`a` [N, m], `b` [N, n]): int [N]."""
    count, m, n = a.shape[0], a.shape[1], b.shape[1]
    previous = np.broadcast_to(np.arange(n + 1), (count, n + 1)).copy()
    for i in range(1, m + 1):
        row = np.empty_like(previous)
        row[:, 0] = i
        for j in range(1, n + 1):
            row[:, j] = np.minimum(np.minimum(previous[:, j] + 1, row[:, j - 1] + 1),
                                   previous[:, j - 1] + (a[:, i - 1] != b[:, j - 1]))
        previous = row
    return previous[:, n]
