"""The results table that `relaxjax-bench path` and `edit` print: one row per method and size."""
from __future__ import annotations

from typing import Iterable


def learning_table(results: list[dict], size: str, methods: Iterable[str], baseline: str,
                   metrics: dict[str, str]) -> str:
    """A fixed-width table of training runs: size (headed `size`), method (as wide as the longest of
    `methods`, so that rows printed one at a time line up), steps, training seconds, median step, that
    step over the `baseline` method's at the same size, and the test `metrics` (result key to header)."""
    method_width = max(22, *(len(m) + 1 for m in methods))
    ratio = f"/ {baseline}"
    size_width = max(5, len(size))
    header = (f"{size:>{size_width}}  {'method':<{method_width}} {'steps':>6} {'train s':>8} {'step ms':>8} "
              f"{ratio:>{len(ratio)}} " + " ".join(f"{h:>{max(6, len(h) + 1)}}" for h in metrics.values()))
    lines = [header, "-" * len(header)]
    steps = {r["size"]: r["step_seconds"] for r in results if r["method"] == baseline}
    for r in results:
        over = r["step_seconds"] / steps[r["size"]] if r["size"] in steps else float("nan")
        figures = " ".join(f"{r['test'][k]:>{max(6, len(h) + 1)}.3f}" for k, h in metrics.items())
        lines.append(f"{r['size']:>{size_width}}  {r['method']:<{method_width}} {r['config']['steps']:>6} "
                     f"{r['train_seconds']:>8.1f} {1e3 * r['step_seconds']:>8.1f} {over:>{len(ratio)}.2f} {figures}")
    return "\n".join(lines)
