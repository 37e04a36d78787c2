"""`if`, `for` and `while` become functions of the state they change, passed to runtime operators.

    if c:                          def if_true__1(x, y):
        x = 1                          x = 1
    else:                  ->          return (x, y)
        y = 2                      def if_false__1(x, y):
                                       y = 2
                                       return (x, y)
                                   (x, y) = rj__.if_stmt(c, if_true__1, if_false__1, (x, y), ('x', 'y'))

    for i in range(n):             def loop_body__2(i, s):
        s = s + a[i]       ->          s = s + a[i]
                                       return (s,)
                                   (s,) = rj__.for_stmt(range(n), loop_body__2, (s,), ('s',))

    while x < 5:                   def loop_test__3(x):
        x = x + 1          ->          return x < 5
                                   def loop_body__3(x):
                                       x = x + 1
                                       return (x,)
                                   (x,) = rj__.while_stmt(loop_test__3, loop_body__3, (x,), ('x',))

The state is every name the statement assigns (nested statements already rewritten, so their state
shows as the targets of their operator calls). Other names are read through closures.

A loop whose body uses `break` or `continue` (at its own level) has its body rewritten first so that
every path ends in exactly one outcome, the rest of the block moved into the branch that goes on:

    for x in xs:                   def loop_body__2(x, s):
        if x > t:                      def if_true__3(s):
            break          ->              return rj__.exit_((s,))
        s = s + x                      def if_false__4(s):
                                           s = s + x
                                           return rj__.go((s,))
                                       return rj__.if_outcome(x > t, if_true__3, if_false__4, (s,), ('s',))
                                   (s,) = rj__.for_stmt(xs, loop_body__2, (s,), ('s',), exits=True)
"""
from __future__ import annotations

import copy

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.analysis import (bound_names, live_after, live_on_entry, reads, runtime_operator,
                                         target_names)
from relaxjax.generated_names import RETURN_MARKER, TEMP_PREFIX, op
from relaxjax.transforms.anno import Key, get_anno, set_anno
from relaxjax.transforms.context import Context


def _function(name: str, params: list[str], body: list[gast.stmt], origin: gast.AST) -> gast.FunctionDef:
    func = templates.replace(f"def {name}(): pass", origin)[0]
    func.args.args = [gast.Name(id=p, ctx=gast.Param(), annotation=None, type_comment=None) for p in params]
    func.body = list(body) or templates.replace("pass", origin)
    return func


def _state_return(names: list[str], origin: gast.AST) -> gast.Return:
    return templates.replace(f"return ({''.join(n + ', ' for n in names)})", origin)[0]


def _state_call(names: list[str], call: str, origin: gast.AST, **subs: gast.AST) -> list[gast.stmt]:
    state = "".join(n + ", " for n in names)
    labels = "".join(repr(n) + ", " for n in names)
    line = call.format(state=f'({state})', names=f'({labels})')
    return templates.replace(f"({state}) = {line}" if names else line, origin, **subs)




def _is_marker(stmt: gast.stmt) -> bool:
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Name) and stmt.value.id == RETURN_MARKER


def _returns_inside(stmt: gast.stmt) -> bool:
    return any(isinstance(n, gast.Name) and n.id == RETURN_MARKER for n in gast.walk(stmt))


def _has_exits(stmts: list[gast.stmt]) -> bool:
    """Whether a path through `stmts` leaves the enclosing loop: `break`, `continue`, a `return`, or an
    inner loop that may return."""
    for stmt in stmts:
        if isinstance(stmt, (gast.Break, gast.Continue)) or _is_marker(stmt):
            return True
        if isinstance(stmt, gast.If) and _has_exits(stmt.body + stmt.orelse):
            return True
        if isinstance(stmt, (gast.For, gast.While)) and _returns_inside(stmt):
            return True
    return False


def _strategy_mark(iterable: gast.expr) -> tuple[gast.expr, gast.expr | None]:
    """`(iterable, strategy)` of a loop the loop_strategies pass marked (`for j in rj__.streamed(range(n),
    slots, reads)` runs `range(n)` with the strategy `rj__.streamed(slots, reads)`), else `(iterable, None)`."""
    if runtime_operator(iterable) not in ("independent", "streamed"):
        return iterable, None
    return iterable.args[0], gast.Call(func=iterable.func, args=iterable.args[1:], keywords=[])


def _outcome(kind: str, names: list[str], origin: gast.AST, extra: str = "") -> list[gast.stmt]:
    state = "".join(n + ", " for n in names)
    return templates.replace(f"return {op(kind)}(({state}){extra})", origin)


class _ControlFlow(gast.NodeTransformer):
    def __init__(self, ctx: Context, root: gast.FunctionDef):
        self.ctx, self.root = ctx, root

    def visit_If(self, node: gast.If) -> list[gast.stmt]:
        self.generic_visit(node)
        if get_anno(node, Key.OUTCOME) is not None:
            return self._outcome_if(node, get_anno(node, Key.OUTCOME))
        names = bound_names(node.body + node.orelse)
        true_name, false_name = self.ctx.fresh("if_true"), self.ctx.fresh("if_false")
        ret = _state_return(names, node)
        return [
            _function(true_name, names, node.body + [ret], node),
            _function(false_name, names, node.orelse + [ret], node),
            *_state_call(names, f"{op('if_stmt')}(rjtmp_test, {true_name}, {false_name}, {{state}}, {{names}})", node,
                         rjtmp_test=node.test),
        ]

    def _lower_exits(self, stmts: list[gast.stmt], names: list[str], origin: gast.AST) -> list[gast.stmt]:
        """Every path of a loop body ends in `return rj__.go(state)` or `return rj__.exit_(state, kind)`;
        after an inner loop that may return, the rest runs in a continuation (`rj__.then`)."""
        out: list[gast.stmt] = []
        labels = "".join(repr(n) + ", " for n in names)
        for k, stmt in enumerate(stmts):
            if isinstance(stmt, gast.Break):
                return out + _outcome("exit_", names, stmt)
            if isinstance(stmt, gast.Continue):
                return out + _outcome("go", names, stmt)
            if _is_marker(stmt):
                return out + _outcome("exit_", names, stmt, ", 'return'")
            if isinstance(stmt, gast.If) and _has_exits([stmt]):
                rest = stmts[k + 1:]
                stmt.body = self._lower_exits(stmt.body + copy.deepcopy(rest), names, stmt)
                stmt.orelse = self._lower_exits(stmt.orelse + copy.deepcopy(rest), names, stmt)
                set_anno(stmt, Key.OUTCOME, names)
                return out + [stmt]
            if isinstance(stmt, (gast.For, gast.While)) and _returns_inside(stmt):
                var, cont = self.ctx.fresh(TEMP_PREFIX + "loop_outcome"), self.ctx.fresh("after_loop")
                set_anno(stmt, Key.OUTCOME_LOOP, (var, names))
                cont_def = _function(cont, names, self._lower_exits(stmts[k + 1:], names, stmt), stmt)
                return out + [stmt, cont_def] + templates.replace(
                    f"return {op('then')}({var}, {cont}, ({labels}))", stmt)
            out.append(stmt)
        return out + _outcome("go", names, stmts[-1] if stmts else origin)

    def _outcome_if(self, node: gast.If, names: list[str]) -> list[gast.stmt]:
        """An `if` whose branches end the loop body: it returns their combined outcome."""
        true_name, false_name = self.ctx.fresh("if_true"), self.ctx.fresh("if_false")
        state = "".join(n + ", " for n in names)
        labels = "".join(repr(n) + ", " for n in names)
        return [
            _function(true_name, names, node.body, node),
            _function(false_name, names, node.orelse, node),
            *templates.replace(f"return {op('if_outcome')}(rjtmp_test, {true_name}, {false_name}, "
                               f"({state}), ({labels}))", node, rjtmp_test=node.test),
        ]

    def _loop(self, node: gast.AST, targets: list[str], kept: list[str]) -> tuple[list[str], str, list, list, bool]:
        """Shared by `for` and `while`: the state names, how the loop's result is used, and the
        statements before and after its operator call. `kept`: loop variables read after the loop,
        carried in the state like any other variable (Python keeps their last value)."""
        nested = get_anno(node, Key.OUTCOME_LOOP)   # inside a loop body, may return: an Outcome
        rest = node.orelse if get_anno(node, Key.REST, False) else None   # at function level, may return
        exits = _has_exits(node.body)
        targets = [t for t in targets if t not in kept]
        if nested is not None:
            names = list(nested[1])
        else:
            names = [n for n in bound_names(node.body + (rest or [])) if n not in targets or rest is not None]
            names += [n for n in kept if n not in names]
        if exits:
            node.body = self._lower_exits(node.body, names, node)
        else:
            local = [n for n in bound_names(node.body) if self._step_local(node, n)]
        self.generic_visit(node)
        body = node.body
        if not exits:   # a step's own variables start undefined where an operator call passes them on
            names = [n for n in bound_names(node.body) if n not in targets and n not in local]
            names += [n for n in kept if n not in names]
            own = bound_names([s for s in node.body if not isinstance(s, gast.FunctionDef)])
            body = [stmt for n in local if n in own and n not in targets and live_on_entry(node.body, n)
                    for stmt in templates.replace(f"{n} = {op('Undefined')}({n!r})", node)]
            body += node.body + [_state_return(names, node)]
        state = "".join(n + ", " for n in names)
        labels = "".join(repr(n) + ", " for n in names)
        returns = nested is not None or rest is not None
        after: list[gast.stmt] = []
        if nested is not None:
            use = f"{nested[0]} = {{call}}, returns=True)"
        elif rest is not None:
            var, rest_name = self.ctx.fresh(TEMP_PREFIX + "loop_outcome"), self.ctx.fresh("after_loop")
            use = f"{var} = {{call}}, returns=True)"
            after = [_function(rest_name, names, node.orelse + [_state_return(names, node)], node),
                     *templates.replace(f"({state}) = {op('finish')}({var}, {rest_name}, ({labels}))", node)]
        else:
            use = f"({state}) = {{call}})" if names else "{call})"
        return names, use, body, after, (exits or returns)

    def _step_local(self, loop: gast.For | gast.While, name: str) -> bool:
        """Whether each step of `loop` assigns `name` before reading it and no code outside the loop
        reads it: its value need not pass from step to step nor out of the loop."""
        if (isinstance(loop, gast.While) and reads(loop.test, name)) or any(reads(s, name) for s in loop.orelse):
            return False
        return not live_on_entry(loop.body, name) and not reads(self.root, name, outside=loop)

    def visit_For(self, node: gast.For) -> list[gast.stmt]:
        targets = target_names(node.target)
        rest = node.orelse if get_anno(node, Key.REST, False) else []   # the rest of the function, if it moved here
        kept = [t for t in targets if not t.startswith(TEMP_PREFIX) and (
            live_on_entry(rest, t) or (reads(self.root, t, outside=node) and live_after(self.root, node, t)))]
        names, use, body, after, exits = self._loop(node, targets, kept)
        body_name = self.ctx.fresh("loop_body")
        if isinstance(node.target, gast.Name) and node.target.id not in names:
            params = [node.target.id] + names
        else:
            item = self.ctx.fresh("item")
            params = [item] + names
            body = templates.replace(f"target = {item}", node, target=node.target) + body
        state = "".join(n + ", " for n in names)
        labels = "".join(repr(n) + ", " for n in names)
        iterable, strategy = _strategy_mark(node.iter)
        if kept:   # the strategies run steps out of order; the last step's variable needs them in order
            strategy = None
        kept_names = "".join(repr(n) + ", " for n in kept if n in names)
        call = templates.replace(use.format(call=f"{op('for_stmt')}(rjtmp_iter, {body_name}, ({state}), ({labels})"
                                                 + (", rjtmp_strategy" if strategy is not None else "")
                                                 + (", exits=True" if exits else "")
                                                 + (f", kept=({kept_names})" if kept_names else "")),
                                 node, rjtmp_iter=iterable, rjtmp_strategy=strategy)
        return [_function(body_name, params, body, node), *call, *after]

    def visit_While(self, node: gast.While) -> list[gast.stmt]:
        names, use, body, after, exits = self._loop(node, [], [])
        test_name, body_name = self.ctx.fresh("loop_test"), self.ctx.fresh("loop_body")
        test = _function(test_name, names, templates.replace("return test", node, test=node.test), node)
        state = "".join(n + ", " for n in names)
        labels = "".join(repr(n) + ", " for n in names)
        call = templates.replace(use.format(call=f"{op('while_stmt')}({test_name}, {body_name}, ({state}), ({labels})"
                                                 + (", exits=True" if exits else "")),
                                 node)
        return [test, _function(body_name, names, body, node), *call, *after]


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite every `if`, `for` and `while` in `node` (innermost first) into runtime operator calls."""
    return _ControlFlow(ctx, node).visit(node)
