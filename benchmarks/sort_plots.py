"""PNGs of a `relaxjax-bench sort` run: validation EM over training, and a test set in predicted order."""
from __future__ import annotations

from pathlib import Path

import jax
import numpy as np

from relaxjax.benchmarks import multidigit, plotting
from relaxjax.benchmarks.sort import chance_em


def save(results: list[dict], test: multidigit.Split, folder: str) -> list[Path]:
    """Write sort-curves.png and sort-test-set.png into `folder`; the paths written (none without matplotlib)."""
    plt = plotting.pyplot()
    if plt is None:
        return []
    out = plotting.folder(folder)
    return [plotting.curves(plt, results, out / "sort-curves.png", "n", "val_em", lambda n: f"n = {n}",
                            "validation EM", (0, 1), chance_em),
            _test_set(results[-1], test, plt, out / "sort-test-set.png")]


def _test_set(result: dict, test: multidigit.Split, plt, path: Path) -> Path:
    images, values = multidigit.compose(test, result["test_indices"][:1])
    scores = jax.vmap(jax.vmap(result["model"]))(images)
    order = np.argsort(np.asarray(scores[0]), kind="stable")
    truth = np.sort(np.asarray(values[0]))
    fig, axes = plt.subplots(1, len(order), figsize=(2 * len(order), 1.0), squeeze=False)
    for rank, (ax, i) in enumerate(zip(axes[0], order)):
        ax.imshow(np.asarray(images[0, i]), cmap="gray")
        right = int(values[0, i]) == int(truth[rank])
        ax.set_title(f"{int(values[0, i]):04d}  s={float(scores[0, i]):.2f}", fontsize=7,
                     color="green" if right else "red")
        ax.axis("off")
    fig.suptitle(f"a test set ordered by predicted score ({result['method']}, n = {result['n']})", fontsize=8)
    return plotting.save(fig, plt, path)
