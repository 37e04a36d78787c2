"""`return` inside `if` / `elif` / `else` (outside loops): the rest of the block moves into the branch
that did not return, and every `return e` becomes an assignment of the result.

    def f(x):                       def f(x):
        if x > 0:                       if x > 0:
            return 1.0                      return__0 = 1.0
        y = 2.0             ->          else:
        return y                            y = 2.0
                                            return__0 = y
                                        return return__0

No flag guards the rest of the block: under a soft condition p a flag would be correlated with the
state it guards and give terms in p**2; moving the rest into the branch keeps `p * a + (1 - p) * b`.
The rest is copied into each branch that falls through, so sequential early returns grow the code.

A `return` inside a loop becomes `return__0 = e` and a `rjtmp_return` marker (the loop operator's
return exit, made by control_flow), and the statements after the loop move into the loop's `orelse`
(annotated `REST`; the fence rejects loop-else in user code), which control_flow runs on the paths
that leave the loop otherwise (`rj__.finish`), never on the paths that returned.
"""
from __future__ import annotations

import copy

import gast

from relaxjax.transforms import templates
from relaxjax.generated_names import RESULT, RETURN_MARKER
from relaxjax.transforms.anno import Key, set_anno
from relaxjax.transforms.context import Context

def _returns(stmts: list[gast.stmt]) -> bool:
    return any(isinstance(n, gast.Return) for s in stmts for n in gast.walk(s))


def _mark_returns(stmts: list[gast.stmt]) -> list[gast.stmt]:
    """Inside a loop: `return e` -> `return__0 = e; rjtmp_return` (in nested loops and ifs too)."""
    out: list[gast.stmt] = []
    for stmt in stmts:
        if isinstance(stmt, gast.Return):
            value = stmt.value if stmt.value is not None else templates.constant(None)
            return out + templates.replace(f"{RESULT} = rjtmp_value\n{RETURN_MARKER}", stmt, rjtmp_value=value)
        if isinstance(stmt, gast.If):
            stmt.body, stmt.orelse = _mark_returns(stmt.body), _mark_returns(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            stmt.body = _mark_returns(stmt.body)
        out.append(stmt)
    return out


def _lower(stmts: list[gast.stmt]) -> list[gast.stmt]:
    out: list[gast.stmt] = []
    for k, stmt in enumerate(stmts):
        if isinstance(stmt, (gast.For, gast.While)) and _returns([stmt]):
            stmt.body = _mark_returns(stmt.body)
            stmt.orelse = _lower(copy.deepcopy(stmts[k + 1:]))   # free: the fence rejects user loop-else
            set_anno(stmt, Key.REST, True)
            return out + [stmt]
        if isinstance(stmt, gast.Return):
            value = stmt.value if stmt.value is not None else templates.constant(None)
            return out + templates.replace(f"{RESULT} = rjtmp_value", stmt, rjtmp_value=value)
        if isinstance(stmt, gast.If) and _returns([stmt]):
            rest = stmts[k + 1:]
            stmt.body = _lower(stmt.body + copy.deepcopy(rest))
            stmt.orelse = _lower(stmt.orelse + copy.deepcopy(rest))
            return out + [stmt]
        out.append(stmt)
    return out


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Lower the early returns of `node`. The result starts undefined (see locals_init), so a path that
    ends without `return` is an error when the result is used, instead of a None mixed into numbers."""
    body = node.body
    if not _returns(body[:-1]) and not (body and _returns([body[-1]]) and not isinstance(body[-1], gast.Return)):
        return node
    node.body = _lower(body) + templates.replace(f"return {RESULT}", body[-1])
    return node
