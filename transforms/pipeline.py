"""The passes, in order, from the user's function to the generated one."""
from __future__ import annotations

import gast

from relaxjax.transforms import (aliases, canonicalize, control_flow, expressions, fence, independent_loops,
                                 list_methods, live_iteration, locals_init, returns, row_hoisting, subscript_stores)
from relaxjax.transforms.context import Context

PASSES = (fence, aliases, returns, list_methods, independent_loops, row_hoisting, locals_init, canonicalize,
          live_iteration, subscript_stores, expressions, control_flow)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Run every pass over the function definition `node`."""
    for p in PASSES:
        node = p.transform(node, ctx)
    return node
