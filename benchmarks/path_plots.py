"""PNGs of a `relaxjax-bench path` run: validation cost-optimal paths over training, and a test map with
the true path and each method's predicted path drawn over it."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from relaxjax.benchmarks import plotting
from relaxjax.benchmarks.path import predicted_paths


def save(results: list[dict], tests: dict, folder: str) -> list[Path]:
    """Write path-curves.png and path-test-map.png into `folder` (`tests`: the test split of each size);
    the paths written (none without matplotlib)."""
    plt = plotting.pyplot()
    if plt is None:
        return []
    out = plotting.folder(folder)
    size = results[-1]["size"]
    return [plotting.curves(plt, results, out / "path-curves.png", "size", "val_optimal", lambda k: f"{k}x{k}",
                            "validation cost-optimal paths", (0, 1)),
            _test_map([r for r in results if r["size"] == size], tests[size], plt, out / "path-test-map.png")]


def _test_map(results: list[dict], test: dict, plt, path: Path) -> Path:
    image, truth = test["images"][:1], test["paths"][0]
    size = truth.shape[0]
    fig, axes = plt.subplots(1, len(results), figsize=(3 * len(results), 3.3), squeeze=False)
    for ax, r in zip(axes[0], results):
        costs, mask = predicted_paths(r["model"], r["state"], image)
        mask = np.asarray(mask[0])
        ax.imshow(image[0], extent=(0, size, size, 0))
        for cells, colour, offset in ((truth, "white", -0.12), (mask, "red", 0.12)):
            rows, cols = np.nonzero(cells)
            ax.scatter(cols + 0.5 + offset, rows + 0.5 + offset, s=12, c=colour, edgecolors="black", linewidths=0.3)
        optimal = float(np.sum(test["costs"][0] * mask)) <= float(test["optimum"][0]) * (1 + 1e-6)
        ax.set_title(f"{r['method']}\n{'cost-optimal' if optimal else 'not optimal'}", fontsize=7)
        ax.axis("off")
    fig.suptitle("a test map: true path (white), predicted path (red)", fontsize=8)
    return plotting.save(fig, plt, path)
