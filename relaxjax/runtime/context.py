"""The options a relaxed function is being traced with (beta, mode, max_iter, dist, off, calls).

Operators read them from here instead of taking them as arguments, so that generated code stays close
to the user's source. `RelaxedFunction` pushes the options around each trace; tests of single operators
use `options(...)` directly.
"""
from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, Iterator

from relaxjax.runtime.distributions import LOGISTIC, Distribution
from relaxjax.runtime.trace import STATE

MODES = ("relaxed", "hard", "straight_through", "sampled")   # straight_through runs the first two (api.py)
# Runtime optimisations that `off` can switch off; each computes the same values the slower way:
STRATEGIES = {
    "vectorised": "a loop whose iterations are independent runs them all at once (one vmap)",
    "stream": "a loop whose steps share a few elements a[j + c] carries those elements, not the array",
    "fed_reads": "reads b[j + c] inside a loop run at once or streamed are fed in, not read by index",
    "provenance": "a merge of arrays mixes only the elements the branches wrote",
    "deferred_positions": "a position merged by several tests in a row is built once, not mixed at each",
}


@dataclasses.dataclass(frozen=True)
class Options:
    """What one trace of a relaxed function runs with.

    `beta` may be a traced value (it is an argument of the jitted function); `mode`, `max_iter` and
    `dist` (the noise distribution) are structural and change the compiled program. `off` names the
    optimisations switched off (`STRATEGIES`, and the compiler's optional passes); `calls` runs calls to
    the user's own functions (converted, by the API layer; None: every call runs as it is); `positions`
    how a position chosen under soft tests is held (positions.py: "distribution" or "expected").
    """

    beta: Any = 10.0
    mode: str = "relaxed"
    max_iter: int = 100
    dist: Distribution = LOGISTIC
    off: frozenset = frozenset()
    calls: Any = None
    positions: str = "distribution"

    def on(self, strategy: str) -> bool:
        """Whether the optimisation `strategy` (one of `STRATEGIES`) may run."""
        return strategy not in self.off

    @property
    def hard(self) -> bool:
        """Decisions are bools and the program runs exactly (hard mode; sampled mode draws them)."""
        return self.mode in ("hard", "sampled")

    @property
    def sampled(self) -> bool:
        """Decisions on floating values are drawn at random (sampling.py)."""
        return self.mode == "sampled"




def current() -> Options:
    """The innermost active options (defaults when none are active)."""
    stack = STATE.options
    return stack[-1] if stack else Options()


@contextlib.contextmanager
def options(**kwargs: Any) -> Iterator[Options]:
    """Run the enclosed code with these options, e.g. `with options(beta=5.0, mode="hard"):`."""
    opts = dataclasses.replace(current(), **kwargs)
    stack = STATE.options
    stack.append(opts)
    try:
        yield opts
    finally:
        stack.pop()
