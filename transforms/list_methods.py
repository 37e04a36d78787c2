"""Growing a list becomes a functional update, so the list is part of the state of branches and loops.

    xs.append(v)     ->  xs = rj__.list_append(xs, v)
    xs.extend(vs)    ->  xs = rj__.list_extend(xs, vs)
"""
from __future__ import annotations

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.context import RUNTIME, Context

_METHODS = {"append": "list_append", "extend": "list_extend"}


class _ListMethods(gast.NodeTransformer):
    def visit_Expr(self, node: gast.Expr) -> gast.AST:
        call = node.value
        if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and call.func.attr in _METHODS and isinstance(call.func.value, gast.Name)
                and len(call.args) == 1 and not call.keywords):
            target = call.func.value
            return templates.replace(f"rjtmp_list = {RUNTIME}.{_METHODS[call.func.attr]}(rjtmp_list, rjtmp_value)",
                                     node, rjtmp_list=target, rjtmp_value=call.args[0])[0]
        return node


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite `name.append(v)` and `name.extend(vs)` statements into assignments of `name`."""
    return _ListMethods().visit(node)
