"""A `for` over a list that its own body changes reads each element when its iteration starts, as
Python's list iterator does (iterating over a snapshot would see the old values):

    for v in a:                    ->  for rjtmp_k in range(len(a)):
        a[j] = v + 1                       v = a[rjtmp_k]
                                           a[j] = v + 1
    for k, v in enumerate(a, s):   ->  for rjtmp_k in range(len(a)):
                                           k, v = rjtmp_k + s, a[rjtmp_k]
    for u, v in zip(a, b):         ->  for rjtmp_k in range(min(len(a), len(b))):
                                           u, v = a[rjtmp_k], b[rjtmp_k]

A body that also rebinds the list (`a = ...`, `a.append(v)`) or a name in its expression (`for v in
a[i]:` with `i = ...` in the body), or a `reversed(a)` of it, is rejected with the line: Python would
iterate over an object that relaxjax's functional updates no longer name.
"""
from __future__ import annotations

import copy

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.analysis import bound_names, element_root, runtime_operator, source_text, subscript_base
from relaxjax.generated_names import TEMP_PREFIX
from relaxjax.transforms.context import Context


class _Stores(gast.NodeVisitor):
    """The variables whose elements a block assigns (`a[...] = v`), nested functions excluded."""

    def __init__(self):
        self.roots: set[str] = set()

    def visit_Assign(self, node: gast.Assign) -> None:
        if _is_write_back(node):   # an inner loop changed elements through its carried rows or slots
            self.roots.add(node.targets[0].id)
        for t in node.targets:
            for sub in gast.walk(t):
                base = subscript_base(sub)
                if isinstance(sub, gast.Subscript) and isinstance(sub.ctx, gast.Store) and isinstance(base, gast.Name):
                    self.roots.add(base.id)

    def visit_FunctionDef(self, node: gast.FunctionDef) -> None:
        pass

    visit_Lambda = visit_FunctionDef


def _stored_roots(stmts: list[gast.stmt]) -> set[str]:
    visitor = _Stores()
    for s in stmts:
        visitor.visit(s)
    return visitor.roots


def _call_name(expr: gast.AST) -> str | None:
    if isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) and not expr.keywords:
        return expr.func.id
    return None


def _is_write_back(node: gast.Assign) -> bool:
    """`d = rj__.restore_rows(d, ...)` or `d = rj__.put_slots(d, ...)`: row_hoisting.py or
    loop_strategies.py writing back the rows or elements a loop worked on."""
    return (runtime_operator(node.value) in ("restore_rows", "put_slots") and len(node.targets) == 1
            and isinstance(node.targets[0], gast.Name))


class _WithoutWriteBacks(gast.NodeTransformer):
    def visit_Assign(self, node: gast.Assign) -> gast.AST:
        return gast.Pass() if _is_write_back(node) else node


def _rebound(stmts: list[gast.stmt]) -> set[str]:
    """The names `stmts` assign, except by writing back the rows or elements an inner loop worked on
    (`d = rj__.restore_rows(d, ...)`, `d = rj__.put_slots(d, ...)`): that changes elements of `d`, as
    the loop itself did, and does not rebind it."""
    return set(bound_names([_WithoutWriteBacks().visit(s) for s in copy.deepcopy(stmts)]))


class _LiveIteration(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_For(self, node: gast.For) -> gast.AST:
        self.generic_visit(node)
        stored = _stored_roots(node.body)
        if not stored:
            return node
        it, call = node.iter, _call_name(node.iter)
        if call == "enumerate" and len(it.args) in (1, 2):
            sequences, start = it.args[:1], (it.args[1] if len(it.args) == 2 else None)
        elif call == "zip" and it.args:
            sequences, start = list(it.args), None
        else:
            sequences, start = [it], None
        live = [s for s in sequences if element_root(s) in stored]
        if not live:
            self._reject_hidden(node, stored)
            return node
        rebound = _rebound(node.body)
        for s in sequences:
            names = {n.id for n in gast.walk(s) if isinstance(n, gast.Name)}
            if names & rebound:
                raise self.ctx.error(node, f"this loop iterates over `{source_text(s)}` while its body changes "
                                           f"elements of it and also assigns {', '.join(sorted(names & rebound))}; "
                                           f"loop over `range(len(...))` and index instead")
        k = self.ctx.fresh(TEMP_PREFIX + "k")
        reads = [templates.expression("s[k]", node, s=s, k=k) for s in sequences]
        if call == "enumerate":
            first = templates.expression("k + s" if start is not None else "k", node, k=k, s=start)
            item = templates.tuple_of([first, reads[0]])
        elif call == "zip":
            item = templates.tuple_of(reads)
        else:
            item = reads[0]
        sizes = [templates.expression("len(s)", node, s=s) for s in sequences]
        size = sizes[0] if len(sizes) == 1 else gast.Call(func=templates.name("min"), args=sizes, keywords=[])
        node.iter = templates.expression("range(size)", node, size=size)
        node.body = templates.replace("target = item", node, target=node.target, item=item) + node.body
        node.target = templates.name(k, store=True)
        return node

    def _reject_hidden(self, node: gast.For, stored: set[str]) -> None:
        """`reversed(a)` and `enumerate(zip(a, ...))` over a changing list: not rewritten, so rejected."""
        for sub in gast.walk(node.iter):
            if _call_name(sub) in ("reversed", "enumerate", "zip", "iter") and any(
                    element_root(arg) in stored for arg in sub.args):
                raise self.ctx.error(node, f"this loop iterates over `{source_text(node.iter)}` while its body "
                                           f"changes elements of it; loop over `range(len(...))` and index instead")


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite loops over lists their bodies change into loops over indices that read as they go."""
    return _LiveIteration(ctx).visit(node)
