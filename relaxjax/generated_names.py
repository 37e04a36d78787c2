"""How generated code spells what the compiler (`relaxjax.transforms`) and the runtime share.

The passes write these names into the code they generate and the runtime reads some of them back (the
result variable, a slot's array): both import them from here, and this module imports neither side
(nor JAX). Every runtime operator a pass emits is listed in `OPERATORS` and spelled through `op`, so a
pass cannot emit a call the runtime lacks (tests check that each one exists in `relaxjax.runtime`).
"""
from __future__ import annotations

import re

RUNTIME = "rj__"   # the name under which generated code sees relaxjax.runtime
TEMP_PREFIX = "rjtmp_"   # temporaries a pass introduces; never part of a branch or loop state
RESULT = "return__0"   # the function's result, assigned where the user wrote `return e`
RETURN_MARKER = TEMP_PREFIX + "return"   # a `return` inside a loop, until control_flow lowers it
SLOT = "__slot"   # `a__slot__1`: the variable a loop works on in place of `a[j + c]`
HOISTED = "hoisted_rows"   # rows of a table a loop reads and writes, taken out of the table

OPERATORS = frozenset({
    # expressions
    "lt", "le", "gt", "ge", "eq", "ne", "is_", "is_not", "same_place", "contains", "not_contains", "text_of",
    "raising", "kept", "filtered", "filtered_list", "not_", "and_", "or_", "if_exp", "getitem", "add", "sub",
    "mul", "neg", "pos", "invert", "pow_", "floordiv", "truediv", "bitand", "bitor", "bitxor", "call", "call_rebinding", "call_sharp",
    "repeat",
    # statements
    "setitem", "if_stmt", "for_stmt", "while_stmt", "Undefined",
    "list_append", "list_extend", "list_sort", "list_reverse", "heap_call",
    # loops that may leave early
    "go", "exit_", "if_outcome", "then", "finish",
    # loop strategies the passes mark, and the element slots they work on
    "independent", "streamed", "take_slots", "put_slots", "hoist_rows", "row_key", "restore_rows",
})


def op(name: str) -> str:
    """`rj__.name`: how generated code calls runtime operator `name` (one of `OPERATORS`)."""
    if name not in OPERATORS:
        raise KeyError(f"{name!r} is not a runtime operator generated code may call")
    return f"{RUNTIME}.{name}"


def user_name(generated: str) -> str:
    """The variable a generated name stands for, as the user wrote it (`a__slot__1` is `a`)."""
    if generated == RESULT:
        return "the return value"
    return re.sub(rf"({SLOT}__\d+)+$", "", generated)
