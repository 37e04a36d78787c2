"""Building code from source templates instead of node by node.

`replace("x = rj__.f(a)", origin, x=target, a=expr)` parses the template, substitutes the named
placeholders by nodes (or renames them, given a string) and puts every node of the template itself at
the line of `origin`, so errors and tracebacks point at the user's line.
"""
from __future__ import annotations

import copy
import textwrap
from typing import Any

import gast


def _set_ctx(node: gast.AST, ctx: gast.AST) -> None:
    if isinstance(node, (gast.Name, gast.Subscript, gast.Attribute)):
        node.ctx = ctx()
    if isinstance(node, (gast.Tuple, gast.List)):
        node.ctx = ctx()
        for elt in node.elts:
            _set_ctx(elt, ctx)


class _Substitute(gast.NodeTransformer):
    def __init__(self, subs: dict[str, Any]):
        self.subs = subs

    def visit_Name(self, node: gast.Name) -> gast.AST:
        if node.id not in self.subs:
            return node
        new = self.subs[node.id]
        if isinstance(new, str):
            return gast.Name(id=new, ctx=node.ctx, annotation=None, type_comment=None)
        new = copy.deepcopy(new)
        _set_ctx(new, type(node.ctx))
        return new

    def visit_FunctionDef(self, node: gast.FunctionDef) -> gast.AST:
        if node.name in self.subs:
            node.name = self.subs[node.name]
        self.generic_visit(node)
        return node


def locate(node: gast.AST, origin: gast.AST | None) -> None:
    """Give `node` and everything under it the location of `origin`."""
    line = getattr(origin, "lineno", None)
    for sub in gast.walk(node):
        if "lineno" in sub._attributes:
            sub.lineno = sub.end_lineno = line
            sub.col_offset, sub.end_col_offset = 0, 0


def replace(template: str, origin: gast.AST | None = None, **subs: Any) -> list[gast.stmt]:
    """The statements of `template` with placeholders substituted, located at `origin`."""
    module = gast.parse(textwrap.dedent(template))
    for stmt in module.body:
        locate(stmt, origin)
    return [_Substitute(subs).visit(stmt) for stmt in module.body]


def expression(template: str, origin: gast.AST | None = None, **subs: Any) -> gast.expr:
    """One expression built from `template`."""
    return replace(template, origin, **subs)[0].value


def name(identifier: str, store: bool = False) -> gast.Name:
    """A Name node."""
    return gast.Name(id=identifier, ctx=gast.Store() if store else gast.Load(), annotation=None,
                     type_comment=None)


def tuple_of(nodes: list[gast.expr], store: bool = False) -> gast.Tuple:
    """A Tuple node of `nodes`."""
    return gast.Tuple(elts=list(nodes), ctx=gast.Store() if store else gast.Load())


def constant(value: Any) -> gast.Constant:
    """A Constant node."""
    return gast.Constant(value=value, kind=None)
