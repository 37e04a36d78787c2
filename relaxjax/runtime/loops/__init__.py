"""Loops: `for` and `while`, with or without `break` / `continue` / `return`.

One path for every loop (statements.py): the loop's `IterationSpace` (iteration.py), then the first
strategy that can run it — vectorised (vectorised.py), stream (stream.py), one scan (scan.py), unrolled
— where a strategy that cannot raises `Declined` (strategy.py). A `while`, and a loop whose body may
leave it (its passes are `Outcome`s: outcomes.py), records its passes in one scan and folds them from
the end (halting.py).
"""
from relaxjax.runtime.loops.iteration import Enumerate, IterationSpace, TracedRange, Zip, range_
from relaxjax.runtime.loops.outcomes import Outcome, exit_, finish, go, if_outcome, then
from relaxjax.runtime.loops.statements import for_stmt, while_stmt
from relaxjax.runtime.loops.stream import Streamed, streamed
from relaxjax.runtime.loops.strategy import Declined
from relaxjax.runtime.loops.vectorised import Independent, independent, put_slots, take_slots

__all__ = ["Declined", "Enumerate", "Independent", "IterationSpace", "Outcome", "Streamed", "TracedRange", "Zip",
           "exit_", "finish", "for_stmt", "go", "if_outcome", "independent", "put_slots", "range_", "streamed",
           "take_slots", "then", "while_stmt"]
