"""Element assignments become functional updates of the variable that holds the array or list.

    a[i] = v         ->  a = rj__.setitem(a, (i,), v)
    a[i][j] = v      ->  a = rj__.setitem(a, (i, j), v)       # a path of subscripts
    a[i, j] = v      ->  a = rj__.setitem(a, ((i, j),), v)    # one multi-index
    a[1:3] = v       ->  a = rj__.setitem(a, (slice(1, 3, None),), v)
"""
from __future__ import annotations

import gast

from relaxjax.transforms import templates
from relaxjax.generated_names import op
from relaxjax.transforms.context import Context


def index_expression(index: gast.AST) -> gast.AST:
    """The subscript of `a[...]` as an expression (`1:3` -> `slice(1, 3, None)`)."""
    if isinstance(index, gast.Slice):
        parts = [p if p is not None else templates.constant(None) for p in (index.lower, index.upper, index.step)]
        return gast.Call(func=templates.name("slice"), args=parts, keywords=[])
    if isinstance(index, gast.Tuple):
        return templates.tuple_of([index_expression(e) for e in index.elts])
    return index


class _SubscriptStores(gast.NodeTransformer):
    def visit_Assign(self, node: gast.Assign) -> gast.AST:
        target = node.targets[0]
        if not isinstance(target, gast.Subscript):
            return node
        path = []
        while isinstance(target, gast.Subscript):
            path.insert(0, index_expression(target.slice))
            target = target.value
        return templates.replace(f"base = {op('setitem')}(base, path, value)", node, base=target,
                                 path=templates.tuple_of(path), value=node.value)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite `a[...] = v` (after canonicalisation, one target each) into `a = rj__.setitem(...)`."""
    return _SubscriptStores().visit(node)
