"""What the benchmarks' PNGs share: matplotlib if installed (headless), and saving a figure."""
from __future__ import annotations

from pathlib import Path
from typing import Any


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


def save(fig: Any, plt: Any, path: Path) -> Path:
    """Lay out `fig`, write it to `path` (100 dpi) and close it."""
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
