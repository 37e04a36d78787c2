"""The runtime operators that generated code calls (as `rj__.<name>`), all semantics of relaxjax.

Each operator dispatches on the kind of its operands at trace time: static Python values run as plain
Python, hard traced values exactly, soft traced values relaxed (DESIGN.md §1). See each module's table.
"""
from relaxjax.runtime.arithmetic import add, floordiv, invert, mul, neg, pos, pow_, sub, truediv
from relaxjax.runtime.builtins import (abs_, argmax_, argmin_, call, call_rebinding, contains, float_, heap_call,
                                       int_, len_, list_append, list_extend, list_reverse, list_sort, max_, min_,
                                       not_contains, raising, repeat, text_of)
from relaxjax.runtime.conditionals import and_, if_exp, if_stmt, or_
from relaxjax.runtime.context import Options, current, options
from relaxjax.runtime.errors import RelaxError, UndefinedVariableError
from relaxjax.runtime.filtered import filtered, filtered_list, kept
from relaxjax.runtime.indexing import getitem, setitem
from relaxjax.runtime.logic import (bitand, bitor, bitxor, eq, ge, gt, is_, is_not, le, lt, ne, not_, same_place,
                                    truth)
from relaxjax.runtime.loops import (Outcome, exit_, finish, for_stmt, go, if_outcome, independent, put_slots, range_,
                                    streamed, take_slots, then, while_stmt)
from relaxjax.runtime.merge import merge
from relaxjax.runtime.rows import hoist_rows, restore_rows, row_key
from relaxjax.runtime.sharp import call_sharp
from relaxjax.runtime.values import BoundedInt, SoftBool, SoftCount, SoftIndex, Undefined

__all__ = [
    "BoundedInt", "Options", "Outcome", "RelaxError", "SoftBool", "SoftCount", "SoftIndex", "Undefined",
    "UndefinedVariableError", "abs_", "add", "and_", "argmax_", "argmin_", "bitand", "bitor", "bitxor", "call",
    "call_rebinding", "call_sharp", "contains", "current", "eq", "exit_", "filtered", "filtered_list", "finish",
    "float_", "floordiv", "for_stmt", "ge", "getitem", "go", "gt", "heap_call", "hoist_rows", "if_exp", "if_outcome",
    "if_stmt", "independent", "int_", "invert", "is_", "is_not", "kept", "le", "len_", "list_append", "list_extend",
    "list_reverse", "list_sort", "lt", "max_", "merge", "min_", "mul", "ne", "neg", "not_", "not_contains",
    "options", "or_", "pos", "pow_", "put_slots", "raising", "range_", "repeat", "restore_rows", "row_key",
    "same_place", "setitem", "streamed", "sub", "take_slots", "text_of", "then", "truediv", "truth", "while_stmt",
]
