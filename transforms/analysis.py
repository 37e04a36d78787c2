"""Which names a block of statements binds: the state a branch or loop body must pass on."""
from __future__ import annotations

import ast

import gast

from relaxjax.generated_names import RUNTIME, TEMP_PREFIX


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


def runtime_operator(expr: gast.AST) -> str | None:
    """The operator `name` of a runtime call `rj__.name(...)` in generated code, else None."""
    f = expr.func if isinstance(expr, gast.Call) else None
    if isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and f.value.id == RUNTIME:
        return f.attr
    return None


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


def reads(node: gast.AST, name: str, outside: gast.AST | None = None) -> bool:
    """Whether `node` reads the variable `name` anywhere (`x += 1` and `del x` count), leaving out the
    subtree `outside`."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is outside:
            continue
        if isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Store):
            return True
        if isinstance(n, gast.AugAssign) and name in target_names(n.target):
            return True
        if isinstance(n, _COMPREHENSIONS) and any(name in target_names(g.target) for g in n.generators):
            stack.append(n.generators[0].iter)   # the rest reads the comprehension's own variable
            continue
        stack.extend(gast.iter_child_nodes(n))
    return False


_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def live_on_entry(stmts: list[gast.stmt], name: str) -> bool:
    """Whether running `stmts` may read `name`'s value from before them: a read that some path reaches
    before assigning it. Conservative: a statement it does not know reads whatever it mentions."""
    for stmt in stmts:
        if isinstance(stmt, gast.Assign):
            if reads(stmt.value, name) or any(reads(t, name) for t in stmt.targets):
                return True
            if any(name in target_names(t) for t in stmt.targets):
                return False
        elif isinstance(stmt, gast.If):
            if reads(stmt.test, name) or live_on_entry(stmt.body, name) or live_on_entry(stmt.orelse, name):
                return True
            if _assigns(stmt.body, name) and _assigns(stmt.orelse, name):
                return False
        elif isinstance(stmt, gast.For):   # may run no step; a step's reads of the loop variable are its own
            if reads(stmt.iter, name) or reads(stmt.target, name) or live_on_entry(stmt.orelse, name):
                return True
            if name not in target_names(stmt.target) and live_on_entry(stmt.body, name):
                return True
        elif isinstance(stmt, gast.While):
            if reads(stmt.test, name) or live_on_entry(stmt.body, name) or live_on_entry(stmt.orelse, name):
                return True
        elif reads(stmt, name):
            return True
    return False


def _read_when_run(root: gast.AST, name: str) -> bool:
    """Whether a lambda (not one of its own parameters) or a generator expression in `root` reads `name`.
    The lambdas the compiler hands a runtime operator (`rj__.and_(a, lambda: b)`) run within that call
    and do not count; a user's call, `rj__.call(f, ...)`, may keep what it is given."""
    at_once = {id(a) for n in gast.walk(root) if runtime_operator(n) not in (None, "call") for a in n.args}
    return any(id(n) not in at_once and (isinstance(n, gast.GeneratorExp) or (
        isinstance(n, gast.Lambda) and name not in {a.id for a in n.args.args})) and reads(n, name)
        for n in gast.walk(root))


def _assigns(stmts: list[gast.stmt], name: str) -> bool:
    """Whether every path through `stmts` that runs to their end assigns `name` (loops may not run)."""
    return any((isinstance(s, gast.Assign) and any(name in target_names(t) for t in s.targets))
               or (isinstance(s, gast.If) and _assigns(s.body, name) and _assigns(s.orelse, name))
               for s in stmts)


def live_after(root: gast.AST, stmt: gast.stmt, name: str) -> bool:
    """Whether some path that runs after `stmt` (in the function `root`) may read the value `stmt` leaves
    in `name`: the rest of each enclosing block, the next pass and the `else` of each enclosing loop, or a
    lambda or generator expression anywhere in `root` (it reads the variable when it runs, which may be
    after `stmt` wherever it was written). Conservative, as `live_on_entry`."""
    if _read_when_run(root, name):
        return True
    parents = parent_map(root)
    node = stmt
    while node is not root and id(node) in parents:
        parent = parents[id(node)]
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if not isinstance(block, list) or not any(s is node for s in block):
                continue
            rest = block[[k for k, s in enumerate(block) if s is node][0] + 1:]
            if live_on_entry(rest, name):
                return True
            if _assigns(rest, name):
                return False
            if isinstance(parent, (gast.For, gast.While)) and field == "body":
                if isinstance(parent, gast.While) and reads(parent.test, name):
                    return True
                own = isinstance(parent, gast.For) and name in target_names(parent.target)
                if (not own and live_on_entry(parent.body, name)) or live_on_entry(parent.orelse, name):
                    return True
        node = parent
    return False
