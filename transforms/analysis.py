"""Which names a block of statements binds: the state a branch or loop body must pass on."""
from __future__ import annotations

import ast

import gast

from relaxjax.transforms.context import TEMP_PREFIX


def target_names(target: gast.AST) -> list[str]:
    """Names bound by an assignment target (`x`, `x, (y, z)`, `*rest`); subscripts bind none."""
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [n for elt in target.elts for n in target_names(elt)]
    if isinstance(target, gast.Starred):
        return target_names(target.value)
    return []


class _Bound(gast.NodeVisitor):
    def __init__(self):
        self.names: list[str] = []

    def _add(self, names: list[str]) -> None:
        for n in names:
            if n not in self.names and not n.startswith(TEMP_PREFIX):
                self.names.append(n)

    def visit_Assign(self, node: gast.Assign) -> None:
        for t in node.targets:
            self._add(target_names(t))
        self.generic_visit(node)

    def visit_AugAssign(self, node: gast.AugAssign) -> None:
        self._add(target_names(node.target))
        self.generic_visit(node)

    def visit_AnnAssign(self, node: gast.AnnAssign) -> None:
        self._add(target_names(node.target))

    def visit_For(self, node: gast.For) -> None:
        self._add(target_names(node.target))
        self.generic_visit(node)

    # Nested scopes bind their own names, not ours; generated branch functions are not variables.
    def visit_FunctionDef(self, node: gast.FunctionDef) -> None:
        for stmt in node.body:
            self.visit(stmt)

    def visit_Lambda(self, node: gast.Lambda) -> None:
        pass

    def visit_ListComp(self, node: gast.AST) -> None:
        pass

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp


def bound_names(stmts: list[gast.stmt]) -> list[str]:
    """Names that `stmts` assign, in order of first assignment (temporaries excluded).

    Statements inside generated functions count: their assignments are the state they return.
    """
    visitor = _Bound()
    for stmt in stmts:
        visitor.visit(stmt)
    return visitor.names


def element_root(expr: gast.AST) -> str | None:
    """`a` for `a`, `a[i]`, `a[i][j]`: the variable the expression is (an element or row of); None for
    a slice (a copy) or anything else."""
    while isinstance(expr, gast.Subscript) and not isinstance(expr.slice, gast.Slice):
        expr = expr.value
    return expr.id if isinstance(expr, gast.Name) else None


def subscript_base(expr: gast.AST) -> gast.AST:
    """The expression under every subscript of `expr` (`a` for `a[i][1:3]`)."""
    while isinstance(expr, gast.Subscript):
        expr = expr.value
    return expr


def source_text(node: gast.AST) -> str:
    """`node` as Python source, for messages."""
    return ast.unparse(gast.gast_to_ast(node))


def parent_map(root: gast.AST) -> dict[int, gast.AST]:
    """For every node under `root`, by `id`, the node it hangs from."""
    return {id(child): node for node in gast.walk(root) for child in gast.iter_child_nodes(node)}
