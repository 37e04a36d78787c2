"""PNGs of a `relaxjax-bench edit` run: the validation error over training, and test pairs with the
strings each method reads in them."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from relaxjax.benchmarks import edit_data, plotting
from relaxjax.benchmarks.edit import class_matching, predicted_strings

PAIRS_SHOWN = 3


def save(results: list[dict], data: dict, folder: str) -> list[Path]:
    """Write edit-curves.png and edit-test-pairs.png into `folder` (`data`: each length's splits and
    pairs); the paths written (none without matplotlib)."""
    plt = plotting.pyplot()
    if plt is None:
        return []
    out = plotting.folder(folder)
    length = results[-1]["size"]
    return [plotting.curves(plt, results, out / "edit-curves.png", "size", "val_mae", lambda n: f"strings of {n}",
                            "validation MAE of the distance", (0, None)),
            _test_pairs([r for r in results if r["size"] == length], data[length], plt, out / "edit-test-pairs.png")]


def _test_pairs(results: list[dict], data: dict, plt, path: Path) -> Path:
    pairs = {k: v[:PAIRS_SHOWN] for k, v in data["test_pairs"].items()}
    alphabet = len(data["val"]["by_class"])
    readings = []
    for r in results:
        matching = class_matching(predicted_strings(r["model"], data["val"], data["val_pairs"]),
                                  data["val_pairs"]["symbols"], alphabet)
        readings.append((r["method"], matching[predicted_strings(r["model"], data["test"], pairs)]))
    names = data["test"]["names"]
    fig, axes = plt.subplots(PAIRS_SHOWN, 1, figsize=(8, 2.2 * PAIRS_SHOWN), squeeze=False)
    for n, ax in enumerate(axes[:, 0]):
        glyphs = data["test"]["images"][pairs["glyphs"][n]]                  # [2, length, 28, 28]
        ax.imshow(np.concatenate([np.concatenate(list(row), axis=1) for row in glyphs], axis=0), cmap="gray_r")
        lines = [f"true {_spelled(pairs['symbols'][n], names)}, distance {pairs['distance'][n]:.0f}"]
        for method, symbols in readings:
            distance = edit_data.levenshtein(symbols[n:n + 1, 0], symbols[n:n + 1, 1])[0]
            lines.append(f"{method}: {_spelled(symbols[n], names)}, distance {distance}")
        ax.set_title("\n".join(lines), fontsize=7, loc="left")
        ax.axis("off")
    return plotting.save(fig, plt, path)


def _spelled(symbols: np.ndarray, names: str) -> str:
    return " / ".join("".join(names[c] for c in row) for row in symbols)
