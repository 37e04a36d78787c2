"""A `for` loop that uses an array only at a few rows, indexed by expressions the loop does not change,
carries those rows instead of the whole array:

    for j in range(1, m + 1):                   hoisted_rows__3, rjtmp_rows__4 = rj__.hoist_rows(
        d[i][j] = d[i - 1][j] + 1.0       ->        d, lambda: (i, i - 1), (0, -1))
                                                for j in range(1, m + 1):
                                                    hoisted_rows__3[rj__.row_key(rjtmp_rows__4, 0, i)][j] = \\
                                                        hoisted_rows__3[rj__.row_key(rjtmp_rows__4, 1, i - 1)][j] + 1.0
                                                d = rj__.restore_rows(d, hoisted_rows__3, rjtmp_rows__4)

A scanned loop's backward pass copies its whole carry every step, so carrying an (m, m) table that is
written one element at a time costs O(m^2) per step; carrying the two rows costs O(m). The pass only
proves that the rows are loop-invariant: every use of `d` in the loop is `d[e]...` with `e` made of
names, numbers and arithmetic, and no name in `e` is assigned in the loop. The runtime decides whether
the rows are distinct (the `offsets`: `i` and `i - 1` are distinct rows of any array of two or more
rows) and whether the array is one it can slice; if not, `hoisted_rows` is the array itself and
`row_key` gives back each index, so the loop runs exactly as written.

Loops with `return` inside are left alone (the write-back would not run on the returning path).
"""
from __future__ import annotations

import ast

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.analysis import parent_map
from relaxjax.generated_names import HOISTED, RETURN_MARKER, TEMP_PREFIX, op
from relaxjax.transforms.anno import Key, get_anno
from relaxjax.transforms.context import Context


_KEY_NODES = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Load, gast.operator, gast.unaryop)



def _assigned(loop: gast.For) -> set[str]:
    """Every name the loop binds anywhere inside, comprehension and nested function names included."""
    return {n.id for n in gast.walk(loop) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}


def _invariant_key(key: gast.AST, assigned: set[str]) -> bool:
    nodes = list(gast.walk(key))
    return (all(isinstance(n, _KEY_NODES) for n in nodes)
            and all(n.id not in assigned for n in nodes if isinstance(n, gast.Name))
            and all(isinstance(n.value, int) for n in nodes if isinstance(n, gast.Constant)))


def _text(node: gast.AST) -> str:
    return ast.unparse(gast.gast_to_ast(node))


def _base_and_offset(key: gast.AST) -> tuple[str, int]:
    """`i - 1` -> ("i", -1), `2 + i` -> ("i", 2), `3` -> ("", 3), `n - i` -> ("n - i", 0)."""
    if isinstance(key, gast.Constant):
        return "", key.value
    if isinstance(key, gast.BinOp) and isinstance(key.op, (gast.Add, gast.Sub)):
        if isinstance(key.right, gast.Constant):
            return _text(key.left), key.right.value if isinstance(key.op, gast.Add) else -key.right.value
        if isinstance(key.left, gast.Constant) and isinstance(key.op, gast.Add):
            return _text(key.right), key.left.value
    return _text(key), 0


def _uses(loop: gast.For, name: str, parents: dict[int, gast.AST]) -> list[gast.Subscript] | None:
    """The subscripts `name[e]` through which the loop uses `name`, or None if it uses it otherwise."""
    uses = []
    for node in gast.walk(loop):
        if not (isinstance(node, gast.Name) and node.id == name):
            continue
        sub = parents.get(id(node))
        if not (isinstance(sub, gast.Subscript) and sub.value is node and isinstance(sub.ctx, (gast.Load, gast.Store))
                and not isinstance(sub.slice, (gast.Slice, gast.Tuple))):
            return None
        outer = sub
        while outer is not None and not isinstance(outer, (gast.Lambda, gast.FunctionDef)):
            outer = parents.get(id(outer))
        if outer is not None:
            return None
        uses.append(sub)
    return uses


def _stored(uses: list[gast.Subscript], parents: dict[int, gast.AST]) -> bool:
    """Whether any use is (the root of) an assignment target."""
    for sub in uses:
        node = sub
        while isinstance(node, gast.Subscript):
            if isinstance(node.ctx, gast.Store):
                return True
            parent = parents.get(id(node))
            node = parent if isinstance(parent, gast.Subscript) and parent.value is node else None
    return False


class _RowHoisting(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_For(self, node: gast.For) -> list[gast.stmt] | gast.For:
        returns = any(isinstance(n, gast.Name) and n.id == RETURN_MARKER for n in gast.walk(node))
        before, after = [], []
        if not (returns or get_anno(node, Key.REST, False)):
            parents, assigned = parent_map(node), _assigned(node)
            outside = {n.id for part in (node.iter, node.target) for n in gast.walk(part) if isinstance(n, gast.Name)}
            for name in dict.fromkeys(n.value.id for n in gast.walk(node)
                                      if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)):
                if name in assigned or name in outside or name.startswith((HOISTED, TEMP_PREFIX + HOISTED)):
                    continue
                uses = _uses(node, name, parents)
                if uses and all(_invariant_key(u.slice, assigned) for u in uses):
                    self._hoist(node, name, uses, _stored(uses, parents), before, after)
        self.generic_visit(node)
        return before + [node] + after if before else node

    def _hoist(self, node: gast.For, name: str, uses: list[gast.Subscript], stored: bool,
               before: list[gast.stmt], after: list[gast.stmt]) -> None:
        """Rewrite `uses` to index the rows, and add the statements that take them out and put them back.
        Rows the loop writes are part of its state; rows it only reads are a temporary."""
        keys: dict[str, gast.AST] = {}
        for u in uses:
            keys.setdefault(_text(u.slice), u.slice)
        order = list(keys)
        rows = self.ctx.fresh(HOISTED if stored else TEMP_PREFIX + HOISTED)
        plan = self.ctx.fresh(TEMP_PREFIX + "rows")
        for u in uses:
            u.value = templates.name(rows)
            u.slice = templates.expression(f"{op('row_key')}({plan}, {order.index(_text(u.slice))}, key)",
                                           u, key=u.slice)
        placed = [_base_and_offset(k) for k in keys.values()]
        offsets = tuple(o for _, o in placed) if len({b for b, _ in placed}) == 1 else None
        before += templates.replace(f"{rows}, {plan} = {op('hoist_rows')}({name}, lambda: keys, {offsets!r})",
                                    node, keys=templates.tuple_of(list(keys.values())))
        if stored:
            after += templates.replace(f"{name} = {op('restore_rows')}({name}, {rows}, {plan})", node)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Hoist the loop-invariant rows of arrays out of every `for` loop (outermost first)."""
    return _RowHoisting(ctx).visit(node)
