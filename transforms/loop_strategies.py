"""The strategy a `for` loop over a range may run with: vectorised, or as a stream.

A loop whose iterations cannot see each other's effects is marked so that the runtime may run all its
iterations at once (one `vmap`) instead of one after another:

    for j in range(s, n - 1, 2):           for j in rj__.independent(range(s, n - 1, 2), ('swaps',),
                                                                  (('a', (0, 1)),), ()):
        if a[j] > a[j + 1]:                    a__slot__1, a__slot__2 = rj__.take_slots(a, j, (0, 1), (0, 1))
            a[j], a[j + 1] = a[j + 1], a[j]     if a__slot__1 > a__slot__2:
            swaps += 1.0              ->            a__slot__1, a__slot__2 = a__slot__2, a__slot__1
                                                    swaps += 1.0
                                                a = rj__.put_slots(a, j, (0, 1), (a__slot__1, a__slot__2))

The rewritten loop means what the original means when run one iteration after another (each reads its
elements, works on them as variables, and writes them back), so the runtime is free to do that
instead (the runtime's vectorised strategy decides, on the values: positions in range, arrays it can
gather). control_flow moves the mark into the loop operator's `strategy` argument:
`rj__.for_stmt(range(s, n - 1, 2), body, state, names, rj__.independent(('swaps',), ...))`.

Iterations are independent when every name the body changes is one of
- an array written only at `a[j + c]` (deeper subscripts allowed), `j` the loop variable and the offsets
  `c` spanning less than the step, so no two iterations touch one element; the body uses `a` no other way;
- an accumulator: `x += e` once, outside any inner loop, and `x` used nowhere else in the body (the
  runtime adds the iterations' increments in order, so hard mode sums exactly as Python does);
- a variable of one iteration: assigned before any read on every path through the body (as
  `analysis.live_on_entry` sees it; an inner loop's variable counts), and not read after the loop before
  it is assigned again, nor by a lambda or generator expression anywhere in the function
  (`analysis.live_after`: a name reused by another loop nest does not count).
Loops with `break`, `continue`, `return`, nested functions or comprehensions are left alone. Arrays the
loop only reads, each only at `b[j + c]`, get slots too (`reads`, the last argument: fed in to the
`vmap` or the stream, never written back).

A loop over a range of step 1 whose written arrays are used only at `a[j + c]` but whose iterations do
depend on each other (bubble sort's pass: `a[j + 1]` is the next iteration's `a[j]`; or a running
value, `s += a[j]; a[j] = s`) gets the same slots and is marked `rj__.streamed(range(...), slots,
reads)` instead: the runtime may run it as a scan that carries the few elements in flight and reads and
emits the others (the runtime's stream strategy). Its other variables are carried as in any loop.
"""
from __future__ import annotations

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.analysis import element_root, live_after, live_on_entry, parent_map, target_names
from relaxjax.generated_names import RETURN_MARKER, SLOT, op
from relaxjax.transforms.context import Context

_UNSUPPORTED = (gast.Break, gast.Continue, gast.Return, gast.Yield, gast.YieldFrom, gast.Await, gast.Global,
                gast.Nonlocal, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda, gast.ListComp,
                gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr, gast.Try, gast.With, gast.Delete,
                gast.AsyncFor, gast.AsyncWith, gast.Starred)
_SCOPES = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.Lambda)


def _static_int(node: gast.AST) -> int | None:
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _static_int(node.operand)
        return None if inner is None else -inner
    return None


def _range_step(node: gast.AST) -> int | None:
    """The step of `range(...)` written with a literal step (1 if none), else None."""
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "range"
            and 1 <= len(node.args) <= 3 and not node.keywords):
        return None
    step = _static_int(node.args[2]) if len(node.args) == 3 else 1
    return step or None


def _offset(index: gast.AST, var: str) -> int | None:
    """`c` for an index `var`, `var + c`, `c + var` or `var - c` (c an int literal), else None."""
    if isinstance(index, gast.Name) and index.id == var:
        return 0
    if isinstance(index, gast.BinOp) and isinstance(index.op, (gast.Add, gast.Sub)):
        left, right = index.left, index.right
        if isinstance(left, gast.Name) and left.id == var and _static_int(right) is not None:
            return _static_int(right) if isinstance(index.op, gast.Add) else -_static_int(right)
        if isinstance(right, gast.Name) and right.id == var and isinstance(index.op, gast.Add):
            return _static_int(left)
    return None


def _names(node: gast.AST, name: str) -> list[gast.Name]:
    """The occurrences of variable `name` in `node`, not counting comprehensions and lambdas that bind
    a name of their own by that spelling."""
    found, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, _SCOPES) and name in _scope_names(n):
            continue
        if isinstance(n, gast.Name) and n.id == name:
            found.append(n)
        stack.extend(gast.iter_child_nodes(n))
    return found


def _scope_names(node: gast.AST) -> set[str]:
    if isinstance(node, gast.Lambda):
        return {a.id for a in node.args.args}
    return {n for g in node.generators for n in target_names(g.target)}


def _accumulator(loop: gast.For, name: str, parents: dict[int, gast.AST]) -> bool:
    """`name += e` is the body's one use of `name`, not inside an inner loop."""
    uses = [n for s in loop.body for n in _names(s, name)]
    if len(uses) != 1:
        return False
    stmt = parents[id(uses[0])]
    if not (isinstance(stmt, gast.AugAssign) and stmt.target is uses[0] and isinstance(stmt.op, gast.Add)):
        return False
    node = parents[id(stmt)]
    while node is not loop:
        if isinstance(node, (gast.For, gast.While)):
            return False
        node = parents[id(node)]
    return True


class _Plan:
    """What a loop changes: the arrays it writes (name -> offsets) and its accumulators; `streamed` when
    its iterations depend on each other only through those arrays' elements `a[j + c]` (step 1). `reads`:
    the arrays it only reads, all at `b[j + c]` (their offsets), or by another index (None)."""

    def __init__(self, slots: dict[str, list[int]], accumulators: list[str], streamed: bool = False,
                 reads: dict[str, list[int] | None] | None = None):
        self.slots, self.accumulators, self.streamed, self.reads = slots, accumulators, streamed, reads or {}


def _slot_offsets(loop: gast.For, name: str, var: str, parents: dict[int, gast.AST]) -> list[int] | None:
    """The sorted offsets `c` if every use of `name` in the loop body is `name[var + c]`, else None."""
    offsets = []
    for use in (u for s in loop.body for u in _names(s, name)):
        sub = parents[id(use)]
        offset = _offset(sub.slice, var) if isinstance(sub, gast.Subscript) and sub.value is use else None
        if offset is None:
            return None
        offsets.append(offset)
    return sorted(set(offsets))


def _read_slots(loop: gast.For, var: str, changed: set[str],
                parents: dict[int, gast.AST]) -> dict[str, list[int] | None]:
    """The names the loop only reads and reads by index: each only as `name[var + c]`, with their offsets,
    or (None) at least once at an index that is not a constant (for the runtime to look at)."""
    loaded = {n.id for s in loop.body for n in gast.walk(s) if isinstance(n, gast.Name)} - changed - {var}
    found = {}
    for name in sorted(loaded):
        offsets = _slot_offsets(loop, name, var, parents)
        if offsets:
            found[name] = offsets
        elif any(isinstance(parents[id(u)], gast.Subscript) and parents[id(u)].value is u
                 and any(isinstance(n, gast.Name) for n in gast.walk(parents[id(u)].slice))
                 for s in loop.body for u in _names(s, name)):
            found[name] = None
    return found


def _plan(loop: gast.For, function: gast.FunctionDef) -> _Plan | None:
    """How the loop's iterations are independent, or None if the pass cannot show that they are."""
    step = _range_step(loop.iter)
    if step is None or loop.orelse or not isinstance(loop.target, gast.Name):
        return None
    var = loop.target.id
    body_nodes = [n for s in loop.body for n in gast.walk(s)]
    if any(isinstance(n, _UNSUPPORTED) or (isinstance(n, gast.Name) and n.id == RETURN_MARKER)
           or (isinstance(n, gast.Attribute) and not isinstance(n.ctx, gast.Load)) for n in body_nodes):
        return None
    parents = parent_map(loop)
    stored_names: dict[str, None] = {}
    written: dict[str, None] = {}
    for n in body_nodes:
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            stored_names[n.id] = None
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            root = element_root(n)
            if root is None:
                return None
            written[root] = None
    if var in stored_names or var in written:
        return None
    slots: dict[str, list[int]] = {}
    overlapping = False
    for name in written:
        offsets = None if name in stored_names else _slot_offsets(loop, name, var, parents)
        if not offsets:
            return None
        overlapping = overlapping or offsets[-1] - offsets[0] >= abs(step)
        slots[name] = offsets
    reads = _read_slots(loop, var, set(stored_names) | set(written), parents)
    fixed = {name: offsets for name, offsets in reads.items() if offsets is not None}
    streamed = _Plan(slots, [], streamed=True, reads=fixed) if step == 1 and slots else None
    if overlapping:
        return streamed
    accumulators = []
    for name in stored_names:
        if _accumulator(loop, name, parents):
            accumulators.append(name)
        elif live_on_entry(loop.body, name) or live_after(function, loop, name):
            return streamed
    return _Plan(slots, accumulators, reads=reads)


def _always_read(loop: gast.For, name: str, var: str, parents: dict[int, gast.AST]) -> tuple[int, ...]:
    """The offsets `c` at which the body reads or writes `name[var + c]` on every step: outside any branch,
    inner loop, later operand of `and` / `or`, comprehension or lambda (the runtime checks those indices)."""
    found = set()
    for use in (u for s in loop.body for u in _names(s, name)):
        sub = parents[id(use)]
        child, node, always = sub, parents.get(id(sub)), True
        while node is not None and node is not loop and always:
            always = not (isinstance(node, (gast.If, gast.IfExp, gast.While)) and child is not node.test
                          or isinstance(node, gast.BoolOp) and child is not node.values[0]
                          or isinstance(node, gast.For) and child is not node.iter
                          or isinstance(node, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp,
                                               gast.GeneratorExp)))
            child, node = node, parents.get(id(node))
        if always and isinstance(sub, gast.Subscript):
            found.add(_offset(sub.slice, var))
    return tuple(sorted(c for c in found if c is not None))


class _Slots(gast.NodeTransformer):
    """`a[j + c]` -> the variable of slot c."""

    def __init__(self, var: str, names: dict[str, dict[int, str]]):
        self.var, self.names = var, names

    def visit_Subscript(self, node: gast.Subscript) -> gast.AST:
        self.generic_visit(node)
        if isinstance(node.value, gast.Name) and node.value.id in self.names:
            slot = self.names[node.value.id][_offset(node.slice, self.var)]
            return gast.copy_location(gast.Name(id=slot, ctx=node.ctx, annotation=None, type_comment=None), node)
        return node


class _LoopStrategies(gast.NodeTransformer):
    def __init__(self, ctx: Context, function: gast.FunctionDef):
        self.ctx, self.function = ctx, function

    def visit_For(self, node: gast.For) -> gast.For:
        plan = _plan(node, self.function)
        if plan is not None:
            self._mark(node, plan)
        self.generic_visit(node)
        return node

    def _mark(self, node: gast.For, plan: _Plan) -> None:
        var = node.target.id
        names = {a: {c: self.ctx.fresh(a + SLOT) for c in offsets}
                 for a, offsets in {**plan.slots, **plan.reads}.items() if offsets is not None}
        parents = parent_map(node)
        always = {a: _always_read(node, a, var, parents) for a in names}
        node.body = [_Slots(var, names).visit(s) for s in node.body]
        take, put = [], []
        for a, slots in names.items():
            offsets = tuple(slots)
            variables = "".join(v + ", " for v in slots.values())
            take += templates.replace(f"({variables}) = {op('take_slots')}({a}, {var}, {offsets!r}, {always[a]!r})",
                                      node)
            if a in plan.slots:
                put += templates.replace(f"{a} = {op('put_slots')}({a}, {var}, {offsets!r}, ({variables}))", node)
        node.body = take + node.body + put
        spec = tuple((a, tuple(offsets)) for a, offsets in plan.slots.items())
        reads = "".join(f"({b}, {None if offsets is None else tuple(offsets)!r}), "
                        for b, offsets in plan.reads.items())
        marker = (f"{op('streamed')}(iterable, {spec!r}, ({reads}))" if plan.streamed else
                  f"{op('independent')}(iterable, {tuple(plan.accumulators)!r}, {spec!r}, ({reads}))")
        node.iter = templates.expression(marker, node.iter, iterable=node.iter)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Mark every `for` loop over a range whose iterations are independent, or depend on each other only
    through elements at fixed offsets of the loop variable (outermost first)."""
    return _LoopStrategies(ctx, node).visit(node)
