"""Reject, up front and with the line, the Python that relaxjax does not convert.

One visitor a construct, one message each, saying what to write instead where there is a known
alternative. Nothing is rewritten here.
"""
from __future__ import annotations

import re

import gast

from relaxjax.generated_names import RUNTIME, TEMP_PREFIX
from relaxjax.transforms import analysis
from relaxjax.transforms.context import Context

_UNSUPPORTED = {
    gast.Try: ("`try`", "a jitted function cannot catch errors per value; check inputs before the call"),
    gast.With: ("`with`", "move the context manager outside the relaxed function"),
    gast.AsyncWith: ("`async with`", "relaxed functions are synchronous"),
    gast.AsyncFor: ("`async for`", "relaxed functions are synchronous"),
    gast.AsyncFunctionDef: ("`async def`", "relaxed functions are synchronous"),
    gast.Await: ("`await`", "relaxed functions are synchronous"),
    gast.Yield: ("`yield` (a generator)", "return a list or an array instead"),
    gast.YieldFrom: ("`yield from` (a generator)", "return a list or an array instead"),
    gast.Global: ("`global`", "pass the value as an argument and return the new value"),
    gast.Nonlocal: ("`nonlocal`", "pass the value as an argument and return the new value"),
    gast.ClassDef: ("a class definition", "define the class outside the relaxed function"),
    gast.Import: ("`import` inside the function", "import at module level"),
    gast.ImportFrom: ("`import` inside the function", "import at module level"),
    gast.Delete: ("`del`", "assign a new value instead"),
    gast.Match: ("`match`", "use `if` / `elif`"),
    gast.NamedExpr: ("`:=`", "assign on a line of its own"),
}
_RESERVED = re.compile(rf"^({RUNTIME}|{TEMP_PREFIX}.*|.*__\d+)$")


class _Fence(gast.NodeVisitor):
    def __init__(self, ctx: Context, root: gast.FunctionDef):
        self.ctx, self.root = ctx, root

    def generic_visit(self, node: gast.AST) -> None:
        for kind, (construct, hint) in _UNSUPPORTED.items():
            if isinstance(node, kind):
                raise self.ctx.error(node, f"{construct} is not supported in a relaxed function; {hint}")
        super().generic_visit(node)

    def visit_FunctionDef(self, node: gast.FunctionDef) -> None:
        if node is not self.root:
            raise self.ctx.error(node, "a nested function definition is not supported yet; define it at "
                                       "module level")
        self.generic_visit(node)

    def visit_Name(self, node: gast.Name) -> None:
        if _RESERVED.match(node.id):
            raise self.ctx.error(node, f"the name '{node.id}' is reserved for code that relaxjax "
                                       f"generates; rename it")

    def visit_Call(self, node: gast.Call) -> None:
        if isinstance(node.func, gast.Name) and node.func.id == self.ctx.function_name:
            raise self.ctx.error(node, f"recursion ('{node.func.id}' calls itself) is not supported: a "
                                       f"relaxed program must have a static structure; write it as a loop")
        self.generic_visit(node)

    def _check_target(self, target: gast.AST) -> None:
        if isinstance(target, (gast.Tuple, gast.List)):
            for elt in target.elts:
                self._check_target(elt)
        elif isinstance(target, gast.Starred):
            raise self.ctx.error(target, "starred assignment (`a, *rest = ...`) is not supported; index "
                                         "the sequence instead")
        elif isinstance(target, gast.Attribute):
            raise self.ctx.error(target, f"assigning to an attribute (`{analysis.source_text(target)} = ...`) is not "
                                         f"supported: relaxjax carries variables, not objects, through branches "
                                         f"and loops; keep the value in a variable (a method can return it, and "
                                         f"its caller assign it)")
        elif isinstance(target, gast.Subscript):
            base = target
            while isinstance(base, gast.Subscript):
                base = base.value
            if not isinstance(base, gast.Name):
                raise self.ctx.error(target, "an element assignment must update a variable "
                                             "(`a[i] = v`, `a[i][j] = v`)")

    def visit_Assign(self, node: gast.Assign) -> None:
        for t in node.targets:
            self._check_target(t)
        self.generic_visit(node)

    def visit_AugAssign(self, node: gast.AugAssign) -> None:
        self._check_target(node.target)
        self.generic_visit(node)

    def visit_For(self, node: gast.For) -> None:
        if node.orelse:
            raise self.ctx.error(node, "`for ... else` is not supported; use a flag variable")
        if not all(isinstance(n, gast.Name) for n in gast.walk(node.target)
                   if not isinstance(n, (gast.Tuple, gast.List, gast.Store, gast.Load))):
            raise self.ctx.error(node, "a `for` target must be a name or a tuple of names")
        self.generic_visit(node)

    def visit_While(self, node: gast.While) -> None:
        if node.orelse:
            raise self.ctx.error(node, "`while ... else` is not supported; use a flag variable")
        self.generic_visit(node)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Raise ConversionError at the first unsupported construct; return `node` unchanged."""
    _Fence(ctx, node).visit(node)
    return node
