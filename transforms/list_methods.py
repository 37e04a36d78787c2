"""In-place list methods become functional updates, so the list is part of the state of branches and
loops (a JAX array's own `.sort()` would return a sorted copy and leave the variable unchanged).

    xs.append(v)     ->  xs = rj__.list_append(xs, v)
    xs.extend(vs)    ->  xs = rj__.list_extend(xs, vs)
    xs.sort()        ->  xs = rj__.list_sort(xs)     # (keywords passed on: reverse=, key=)
    xs.reverse()     ->  xs = rj__.list_reverse(xs)

`pop`, `insert`, `remove` and `clear` on a variable are rejected with the line.
"""
from __future__ import annotations

import gast

from relaxjax.transforms import templates
from relaxjax.generated_names import op
from relaxjax.transforms.context import Context

_METHODS = {"append": "list_append", "extend": "list_extend", "sort": "list_sort", "reverse": "list_reverse"}
_REJECTED = {"pop": "index the element (`x = xs[-1]`) and slice (`xs = xs[:-1]`)",
             "insert": "build a new list with slices (`xs = xs[:i] + [v] + xs[i:]`)",
             "remove": "build a new list without the element", "clear": "assign an empty list"}


class _ListMethods(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_Call(self, node: gast.Call) -> gast.AST:
        f = node.func
        if isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and f.attr in _REJECTED:
            raise self.ctx.error(node, f"`{f.value.id}.{f.attr}(...)` changes a list in place, which is not "
                                       f"supported in a relaxed function; {_REJECTED[f.attr]}")
        self.generic_visit(node)
        return node

    def visit_Expr(self, node: gast.Expr) -> gast.AST:
        call = node.value
        if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and call.func.attr in _METHODS and isinstance(call.func.value, gast.Name)
                and len(call.args) == (1 if call.func.attr in ("append", "extend") else 0)
                and (not call.keywords or call.func.attr == "sort")):
            target, args = call.func.value, "".join(", rjtmp_value" for _ in call.args)
            assign = templates.replace(
                f"rjtmp_list = {op(_METHODS[call.func.attr])}(rjtmp_list{args})", node,
                rjtmp_list=target, rjtmp_value=call.args[0] if call.args else None)[0]
            assign.value.keywords = call.keywords   # `xs.sort(reverse=True)`, `key=`
            return assign
        self.generic_visit(node)
        return node


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite in-place list method statements into assignments of the variable."""
    return _ListMethods(ctx).visit(node)
