"""Element writes through a second name for the same list are rejected: Python changes the one list
both names hold, relaxjax's functional updates change only the name written to.

    b = a;        b[0] = v     # Python: a[0] is v too
    row = d[i];   row[j] = v   # Python: d[i][j] is v too
    for row in d: row[j] = v   # Python: every d[k][j] is v
    d = [row, row]; d[0][0] = v          # Python: row[0] and d[1][0] are v too (also `out.append(row)`)
    d = [[0.0] * m] * n; d[i][j] = v     # Python: one row repeated n times, so every d[k][j] is v

Each is a ConversionError at the write's line that says how to write it (`d[i][j] = v`, or a copy:
`b = list(a)`). The pass also records which parameters the function changes in place
(`ctx.mutated_parameters`), and marks on each call the arguments whose in-place change no one else
can see (annotation `REBINDS`): fresh values (`f([0.0] * n)`, `f(a[:])`) and the names its result is
assigned to (`a = f(a, i)`); a user function may change only those (`runtime.builtins.call_rebinding`).
"""
from __future__ import annotations

import builtins

import gast

from relaxjax.transforms.analysis import element_root, source_text, subscript_base
from relaxjax.transforms.anno import Key, get_anno, set_anno
from relaxjax.transforms.context import Context


_Views = dict   # name -> (the name it is a view of, subscripts taken, how it was bound)


class _Aliases:
    """Walks the function in order, tracking which names are views of which (after `b = a`, `row =
    d[i]`, `for row in d`) until either name is bound again. Branches join (either may hold); loop
    bodies run twice, so a view made late in a body meets the writes early in the next pass."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.written: set[str] = set()   # names whose elements are written anywhere
        self.methods: set[str] = set()   # names changed by xs.append(...) and the like
        self.repeated: dict[str, str] = {}   # names bound to one list repeated (`[[0.0] * m] * n`): how

    def block(self, stmts: list[gast.stmt], views: _Views) -> _Views:
        for stmt in stmts:
            views = self.statement(stmt, views)
        return views

    def statement(self, stmt: gast.stmt, views: _Views) -> _Views:
        self._calls(stmt)
        views = self._elements(stmt, views)
        if isinstance(stmt, gast.If):
            return {**self.block(stmt.body, dict(views)), **self.block(stmt.orelse, dict(views))}
        if isinstance(stmt, (gast.For, gast.While)):
            before = dict(views)
            for _ in range(2):
                if isinstance(stmt, gast.For):
                    for name in _names(stmt.target):
                        views = _rebind(views, name)
                        views[name] = (element_root(stmt.iter) or source_text(stmt.iter), 1,
                                       f"`for {name} in {source_text(stmt.iter)}`")
                views = {**before, **self.block(stmt.body, views)}
            return {**views, **self.block(stmt.orelse, dict(views))}
        if isinstance(stmt, gast.Return) and _user_call(stmt.value):   # `return f(a)`: no one here looks again
            set_anno(stmt.value, Key.REBINDS, tuple(k for k, arg in enumerate(stmt.value.args)
                                                    if isinstance(arg, gast.Name) or element_root(arg) is None))
        if isinstance(stmt, (gast.Assign, gast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            for target in targets:
                for sub in gast.walk(target):
                    if isinstance(sub, gast.Subscript) and isinstance(sub.ctx, gast.Store):
                        self._write(sub, stmt, views)
            for target in targets:
                if isinstance(target, gast.Name) or isinstance(target, (gast.Tuple, gast.List)):
                    for name in _names(target):
                        views = _rebind(views, name)
                        self.repeated.pop(name, None)
                if isinstance(target, gast.Name) and isinstance(stmt, gast.Assign) and _repeats_a_list(stmt.value):
                    self.repeated[target.id] = f"`{target.id} = {source_text(stmt.value)}`"
                if isinstance(target, gast.Name) and isinstance(stmt, gast.Assign) and isinstance(
                        stmt.value, (gast.List, gast.Tuple)):
                    for element in stmt.value.elts:   # `d = [row, row]`: each row is an element of d
                        root = element_root(element)
                        if root is not None and root != target.id:
                            views[root] = (target.id, 1, f"`{target.id} = {source_text(stmt.value)}`")
                if isinstance(target, gast.Name) and _user_call(stmt.value):
                    set_anno(stmt.value, Key.REBINDS, tuple(sorted(set(get_anno(stmt.value, Key.REBINDS, ())) | {
                        k for k, arg in enumerate(stmt.value.args)
                        if isinstance(arg, gast.Name) and arg.id == target.id})))
                if isinstance(target, gast.Name) and isinstance(stmt, gast.Assign):
                    source, depth = element_root(stmt.value), _depth(stmt.value)
                    if source is not None and source != target.id:
                        views[target.id] = (source, depth, f"`{target.id} = {source_text(stmt.value)}`")
        return views

    def _write(self, target: gast.Subscript, stmt: gast.stmt, views: _Views) -> None:
        base, depth = subscript_base(target), _depth(target)
        if not isinstance(base, gast.Name):
            return
        self.written.add(base.id)
        if base.id in self.repeated and depth >= 2:
            raise self.ctx.error(stmt, f"'{base.id}' is bound by {self.repeated[base.id]}, one list repeated, so in "
                                       f"Python this write changes that element of every row; relaxjax cannot "
                                       f"follow that. Build the rows apart: `[[0.0] * m for _ in range(n)]`")
        if base.id in views:
            source, _, how = views[base.id]
            self._fail(stmt, base.id, source, how)
        for name, (source, taken, how) in views.items():
            if source == base.id and depth > taken:
                self._fail(stmt, name, source, how)

    def _fail(self, stmt: gast.stmt, name: str, source: str, how: str) -> None:
        raise self.ctx.error(stmt, f"'{name}' is bound by {how}, so in Python it shares its list with {source} "
                                   f"and this write changes both; relaxjax updates lists functionally and "
                                   f"cannot follow that. Write through {source} (`{source}[i][j] = v`), or "
                                   f"copy first (`{name} = list(...)`)")

    def _elements(self, stmt: gast.stmt, views: _Views) -> _Views:
        """`out.append(row)`, `out.extend([row])`: `row` is an element of `out` from here on."""
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        f = getattr(call, "func", None)
        if not (isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and f.attr in ("append", "extend")
                and len(call.args) == 1):
            return views
        added = call.args[0].elts if f.attr == "extend" and isinstance(call.args[0], (gast.List, gast.Tuple)) \
            else [call.args[0]] if f.attr == "append" else []
        views = dict(views)
        for element in added:
            root = element_root(element)
            if root is not None and root != f.value.id:
                views[root] = (f.value.id, 1, f"`{source_text(call)}`")
        return views

    def _calls(self, stmt: gast.stmt) -> None:
        for node in gast.walk(stmt):
            if _user_call(node):   # a fresh value (`[0.0] * n`, `a[:]`) is seen by no one else
                set_anno(node, Key.REBINDS, tuple(k for k, arg in enumerate(node.args) if element_root(arg) is None))
            f = getattr(node, "func", None)
            if isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and f.attr in (
                    "append", "extend", "sort", "reverse", "insert", "pop", "remove", "clear"):
                self.methods.add(f.value.id)


def _repeats_a_list(expr: gast.AST) -> bool:
    """`[[...]] * n`, `[row] * n`, `n * [xs]`: a list whose elements are one list (or a name) repeated."""
    if not (isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Mult)):
        return False
    may_be_lists = (gast.List, gast.ListComp, gast.Name, gast.BinOp, gast.Subscript)
    return any(isinstance(side, gast.List) and any(isinstance(e, may_be_lists) for e in side.elts)
               for side in (expr.left, expr.right))


def _user_call(node: gast.AST) -> bool:
    """A call that may reach a user function: `f(...)` with `f` not a builtin (methods and `jnp.f`
    are library calls)."""
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and node.func.id not in _BUILTIN_NAMES)


_BUILTIN_NAMES = frozenset(dir(builtins))


def _names(target: gast.AST) -> list[str]:
    return [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]


def _depth(expr: gast.AST) -> int:
    depth = 0
    while isinstance(expr, gast.Subscript):
        expr, depth = expr.value, depth + 1
    return depth


def _rebind(views: _Views, name: str) -> _Views:
    """`name` is bound to something new: it is no longer a view, nor does anything view it."""
    return {k: v for k, v in views.items() if k != name and v[0] != name}


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Check `node` for element writes through aliases; record the parameters it changes in place."""
    visitor = _Aliases(ctx)
    visitor.block(node.body, {})
    params = [a.id for a in node.args.args + node.args.kwonlyargs if isinstance(a, gast.Name)]
    changed = visitor.written | visitor.methods
    ctx.mutated_parameters = tuple(p for p in params if p in changed)
    return node
