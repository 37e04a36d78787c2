"""In-place list methods become functional updates, so the list is part of the state of branches and
loops (a JAX array's own `.sort()` would return a sorted copy and leave the variable unchanged).

    xs.append(v)     ->  xs = rj__.list_append(xs, v)
    xs.extend(vs)    ->  xs = rj__.list_extend(xs, vs)
    xs.sort()        ->  xs = rj__.list_sort(xs)     # (keywords passed on: reverse=, key=)
    xs.reverse()     ->  xs = rj__.list_reverse(xs)
    heapq.heappush(h, x)     ->  h, rjtmp_heap_1 = rj__.heap_call(heapq.heappush, h, x)
    d, u = heapq.heappop(h)  ->  h, rjtmp_heap_2 = rj__.heap_call(heapq.heappop, h); d, u = rjtmp_heap_2

`pop`, `insert`, `remove` and `clear` on a variable are rejected with the line. The `heapq` functions that
change their list (`heappush`, `heappop`, `heapify`, `heappushpop`, `heapreplace`, called as
`heapq.f(...)` or imported by name) on a list held in a variable are taken out of the simple statement
that calls them, into an assignment before it; under a lambda, a comprehension, a conditional expression
or `and` / `or`, or where the statement reads the list again, they are rejected with the line. Whether the
function called is `heapq`'s is checked at run time (`rj__.heap_call` calls any other as it is).
"""
from __future__ import annotations

import gast

from relaxjax.transforms import templates
from relaxjax.generated_names import TEMP_PREFIX, op
from relaxjax.transforms.context import Context

_HEAPQ = ("heappush", "heappop", "heapify", "heappushpop", "heapreplace")
_METHODS = {"append": "list_append", "extend": "list_extend", "sort": "list_sort", "reverse": "list_reverse"}
_REJECTED = {"pop": "index the element (`x = xs[-1]`) and slice (`xs = xs[:-1]`)",
             "insert": "build a new list with slices (`xs = xs[:i] + [v] + xs[i:]`)",
             "remove": "build a new list without the element", "clear": "assign an empty list"}


class _ListMethods(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_Call(self, node: gast.Call) -> gast.AST:
        f = node.func
        if isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and f.attr in _REJECTED:
            raise self.ctx.error(node, f"`{f.value.id}.{f.attr}(...)` changes a list in place, which is not "
                                       f"supported in a relaxed function; {_REJECTED[f.attr]}")
        name = _heapq_name(node)
        if name is not None:
            raise self.ctx.error(node, f"`{name}(...)` changes its list in place, which relaxjax follows in a "
                                       f"statement on a list held in a variable, but not under a lambda, a "
                                       f"comprehension, a conditional expression or `and` / `or` (which may not "
                                       f"run): write it as a loop or an `if` statement")
        self.generic_visit(node)
        return node

    def visit_Expr(self, node: gast.Expr) -> gast.AST:
        call = node.value
        if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and call.func.attr in _METHODS and isinstance(call.func.value, gast.Name)
                and len(call.args) == (1 if call.func.attr in ("append", "extend") else 0)
                and (not call.keywords or call.func.attr == "sort")):
            target, args = call.func.value, "".join(", rjtmp_value" for _ in call.args)
            assign = templates.replace(
                f"rjtmp_list = {op(_METHODS[call.func.attr])}(rjtmp_list{args})", node,
                rjtmp_list=target, rjtmp_value=call.args[0] if call.args else None)[0]
            assign.value.keywords = call.keywords   # `xs.sort(reverse=True)`, `key=`
            return assign
        self.generic_visit(node)
        return node


class _HeapCalls(gast.NodeTransformer):
    """Each heapq call that changes its list, in a simple statement, becomes an assignment before it:
    `out.append(heapq.heappop(h))` -> `h, rjtmp_heap_1 = rj__.heap_call(heapq.heappop, h)` then
    `out.append(rjtmp_heap_1)`. Calls under a lambda, a comprehension, a conditional expression or
    `and` / `or` (which may not run) stay, for the error of `_ListMethods`."""

    def __init__(self, ctx: Context):
        self.ctx, self.count = ctx, 0

    def _hoist(self, node: gast.stmt) -> gast.AST | list:
        found: list = []
        new = _Hoisted(self, found).visit(node)
        if not found:
            return node
        heaps = {call.args[0].id for _, call in found}
        calls = {id(sub) for _, call in found for sub in gast.walk(call)}
        for sub in gast.walk(new):
            if isinstance(sub, gast.Name) and sub.id in heaps and id(sub) not in calls:
                raise self.ctx.error(node, f"`{sub.id}` is used in the statement that changes it through heapq; "
                                           f"write the heapq call as a statement of its own")
        out = []
        for temp, call in found:
            assign = templates.replace(f"rjtmp_list, {temp} = {op('heap_call')}(rjtmp_func, rjtmp_list)", node,
                                       rjtmp_list=call.args[0], rjtmp_func=call.func)[0]
            assign.value.args.extend(call.args[1:])
            out.append(assign)
        if not (isinstance(new, gast.Expr) and isinstance(new.value, gast.Name)):   # `heappush(h, x)` alone
            out.append(new)
        return out

    visit_Expr = visit_Assign = visit_AugAssign = visit_Return = _hoist

    def temp(self) -> str:
        """A fresh temporary's name."""
        self.count += 1
        return f"{TEMP_PREFIX}heap_{self.count}"


class _Hoisted(gast.NodeTransformer):
    """Replaces the heapq calls of one statement by temporaries (innermost first), recording them."""

    def __init__(self, owner: _HeapCalls, found: list):
        self.owner, self.found = owner, found

    def visit_Call(self, node: gast.Call) -> gast.AST:
        self.generic_visit(node)
        if _heapq_name(node) is None or not node.args or not isinstance(node.args[0], gast.Name) or node.keywords:
            return node
        temp = self.owner.temp()
        self.found.append((temp, node))
        return templates.name(temp)

    def _leave(self, node: gast.AST) -> gast.AST:
        return node

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _leave
    visit_IfExp = visit_BoolOp = _leave


def _heapq_name(call: gast.Call) -> str | None:
    """`heapq.heappush` for a call of one of the heapq functions that change their list, else None."""
    f = call.func
    if isinstance(f, gast.Attribute) and f.attr in _HEAPQ and isinstance(f.value, gast.Name):
        return f"{f.value.id}.{f.attr}"
    if isinstance(f, gast.Name) and f.id in _HEAPQ:
        return f.id
    return None


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite in-place list method statements into assignments of the variable."""
    return _ListMethods(ctx).visit(_HeapCalls(ctx).visit(node))
