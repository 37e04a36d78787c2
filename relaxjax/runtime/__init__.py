"""The runtime operators that generated code calls (as `rj__.<name>`), all semantics of relaxjax.

Each operator dispatches on the kind of its operands at trace time: static Python values run as plain
Python, hard traced values exactly, soft traced values relaxed (DESIGN.md §1). See each module's table.
"""
from relaxjax.runtime.builtins import (abs_, argmax_, argmin_, call, float_, int_, len_, list_append,
                                       list_extend, max_, min_, repeat)
from relaxjax.runtime.conditionals import if_exp, if_stmt
from relaxjax.runtime.context import Options, current, options
from relaxjax.runtime.errors import RelaxError, UndefinedVariableError
from relaxjax.runtime.exits import Outcome, exit_, for_exit_stmt, go, if_outcome, while_exit_stmt
from relaxjax.runtime.indexing import getitem, setitem
from relaxjax.runtime.logic import and_, eq, ge, gt, le, lt, ne, not_, or_, truth
from relaxjax.runtime.loops import for_stmt, range_, while_stmt
from relaxjax.runtime.merge import merge
from relaxjax.runtime.values import BoundedInt, SoftBool, SoftIndex, Undefined

__all__ = [
    "Outcome", "exit_", "for_exit_stmt", "go", "if_outcome", "while_exit_stmt", "SoftIndex", "argmax_", "argmin_", "list_append", "list_extend", "BoundedInt", "Options", "RelaxError", "SoftBool", "Undefined", "UndefinedVariableError", "abs_",
    "and_", "call", "current", "eq", "float_", "for_stmt", "ge", "getitem", "gt", "if_exp", "if_stmt",
    "int_", "le", "len_", "lt", "max_", "merge", "min_", "ne", "not_", "options", "or_", "range_", "repeat",
    "setitem", "truth", "while_stmt",
]
