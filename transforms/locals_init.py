"""Every local variable starts as `rj__.Undefined('name')`, so reading it where no path assigned it
raises an error that names it (Python's UnboundLocalError), and branch and loop states always exist.

    def f(a):                     def f(a):
        if a > 0:                     b = rj__.Undefined('b')
            b = 1          ->         if a > 0:
        return b                          b = 1
                                      return b
"""
from __future__ import annotations

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.analysis import bound_names, target_names
from relaxjax.generated_names import op
from relaxjax.transforms.context import Context


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Prepend an Undefined placeholder for each name the body binds that is not a parameter."""
    params = {n for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs
              for n in target_names(a)}
    for extra in (node.args.vararg, node.args.kwarg):
        if extra is not None:
            params.update(target_names(extra))
    init = []
    for name in bound_names(node.body):
        if name not in params:
            init += templates.replace(f"{name} = {op('Undefined')}({name!r})", node)
    node.body = init + node.body
    return node
