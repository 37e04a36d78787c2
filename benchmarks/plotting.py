"""What the benchmarks' PNGs share: matplotlib if installed (headless), and saving a figure."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable


def pyplot() -> Any:
    """`matplotlib.pyplot` on the Agg backend, or None (said on stdout) when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plots (pip install 'relaxjax[bench]')")
        return None
    return plt


def folder(name: str) -> Path:
    """The folder `name`, created if missing."""
    out = Path(name)
    out.mkdir(parents=True, exist_ok=True)
    return out


def curves(plt: Any, results: list[dict], path: Path, size: str, value: str, title: Callable[[Any], str],
           ylabel: str, ylim: tuple, chance: Callable[[Any], float] | None = None) -> Path:
    """One panel per size (`result[size]`), one line per method: validation figure `value` of each
    learning-curve point against its step (and a dotted line at `chance(size)`); saved to `path`."""
    sizes = sorted({r[size] for r in results})
    fig, axes = plt.subplots(1, len(sizes), figsize=(4 * len(sizes), 3.2), squeeze=False)
    for ax, s in zip(axes[0], sizes):
        for r in (r for r in results if r[size] == s):
            ax.plot([p["step"] for p in r["curve"]], [p[value] for p in r["curve"]], label=r["method"])
        if chance is not None:
            ax.axhline(chance(s), color="grey", lw=0.5, ls=":")
        ax.set(title=title(s), xlabel="step", ylabel=ylabel, ylim=ylim)
    axes[0][-1].legend(fontsize=7)
    return save(fig, plt, path)


def save(fig: Any, plt: Any, path: Path) -> Path:
    """Lay out `fig`, write it to `path` (100 dpi) and close it."""
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
