"""The passes, in order, from the user's function to the generated one.

| pass | needs | leaves for the next |
| --- | --- | --- |
| fence | the parsed user function | nothing rewritten; unsupported Python rejected with its line |
| aliases | user source | `ctx.mutated_parameters`; annotation `REBINDS` on user calls (read by expressions) |
| returns | user source | `return e` as `return__0 = e`; inside a loop also a `rjtmp_return` marker, and the rest of the function in the loop's `orelse` (annotation `REST`) |
| list_methods | `xs.append(v)` and friends | `xs = rj__.list_append(xs, v)` |
| loop_strategies | `for j in range(...)` bodies with `a[j + c]` written as the user wrote them | the range wrapped in its strategy mark, `rj__.independent(range(...), ...)` / `rj__.streamed(range(...), ...)`; slot variables and `take_slots` / `put_slots` |
| row_hoisting | subscripts `d[i][j]` as written; the `REST` annotation | `rj__.hoist_rows` / `restore_rows` around loops that use a few rows of a table |
| locals_init | every name a function binds | `name = rj__.Undefined('name')` at the top |
| canonicalize | sugar (`+=`, tuple targets, chained comparisons) | one target per assignment, plain comparisons |
| live_iteration | `for v in a` whose body changes `a`; the write-backs of the two loop passes | an index loop reading `a[k]` each step |
| subscript_stores | one subscript target per assignment | `a = rj__.setitem(a, path, v)` |
| expressions | comparisons, boolean operators, subscripts, calls; `REBINDS` | runtime calls (`rj__.lt`, `rj__.getitem`, `rj__.call`, ...) |
| control_flow | `if` / `for` / `while` with every name they bind as plain assignments; the return marker, `REST`; strategy marks | functions of the state passed to `rj__.if_stmt`, `for_stmt` (a strategy mark becomes its last argument), `while_stmt`, their exit forms (annotations `OUTCOME`, `OUTCOME_LOOP` internally) |

Passes that only make the program faster (`OPTIONAL`) can be switched off (`transform(..., off=...)`):
the generated program then computes the same values the slow way, which the equivalence tests check.
"""
from __future__ import annotations

import gast

from relaxjax.transforms import (aliases, canonicalize, control_flow, expressions, fence, loop_strategies,
                                 list_methods, live_iteration, locals_init, returns, row_hoisting, subscript_stores)
from relaxjax.transforms.context import Context

PASSES = (fence, aliases, returns, list_methods, loop_strategies, row_hoisting, locals_init, canonicalize,
          live_iteration, subscript_stores, expressions, control_flow)
OPTIONAL = {"loop_strategies": loop_strategies, "row_hoisting": row_hoisting}


def transform(node: gast.FunctionDef, ctx: Context, off: frozenset[str] = frozenset()) -> gast.FunctionDef:
    """Run every pass over the function definition `node`, but the optional passes named in `off`."""
    unknown = set(off) - set(OPTIONAL)
    if unknown:
        raise ValueError(f"no optional pass named {sorted(unknown)}; the optional passes are {sorted(OPTIONAL)}")
    skipped = {OPTIONAL[name] for name in off}
    for p in PASSES:
        if p not in skipped:
            node = p.transform(node, ctx)
    return node
