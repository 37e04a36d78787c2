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
                                   (s,) = rj__.for_exit_stmt(xs, loop_body__2, (s,), ('s',))
"""
from __future__ import annotations

import copy

import gast

from relaxjax.transforms import templates
from relaxjax.transforms.analysis import bound_names, target_names
from relaxjax.transforms.context import RUNTIME, Context


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
    line = f"{RUNTIME}.{call.format(state=f'({state})', names=f'({labels})')}"
    return templates.replace(f"({state}) = {line}" if names else line, origin, **subs)


def _has_exits(stmts: list[gast.stmt]) -> bool:
    """Whether `break` or `continue` of the enclosing loop occurs in `stmts` (not in inner loops)."""
    for stmt in stmts:
        if isinstance(stmt, (gast.Break, gast.Continue)):
            return True
        if isinstance(stmt, gast.If) and _has_exits(stmt.body + stmt.orelse):
            return True
    return False


def _outcome(kind: str, names: list[str], origin: gast.AST) -> list[gast.stmt]:
    state = "".join(n + ", " for n in names)
    return templates.replace(f"return {RUNTIME}.{kind}(({state}))", origin)


def _lower_exits(stmts: list[gast.stmt], names: list[str], origin: gast.AST) -> list[gast.stmt]:
    """Every path of a loop body ends in `return rj__.go(state)` or `return rj__.exit_(state)`."""
    out: list[gast.stmt] = []
    for k, stmt in enumerate(stmts):
        if isinstance(stmt, gast.Break):
            return out + _outcome("exit_", names, stmt)
        if isinstance(stmt, gast.Continue):
            return out + _outcome("go", names, stmt)
        if isinstance(stmt, gast.If) and _has_exits([stmt]):
            rest = stmts[k + 1:]
            stmt.body = _lower_exits(stmt.body + copy.deepcopy(rest), names, stmt)
            stmt.orelse = _lower_exits(stmt.orelse + copy.deepcopy(rest), names, stmt)
            stmt.rj_outcome = names
            return out + [stmt]
        out.append(stmt)
    return out + _outcome("go", names, stmts[-1] if stmts else origin)


class _ControlFlow(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_If(self, node: gast.If) -> list[gast.stmt]:
        self.generic_visit(node)
        if getattr(node, "rj_outcome", None) is not None:
            return self._outcome_if(node, node.rj_outcome)
        names = bound_names(node.body + node.orelse)
        true_name, false_name = self.ctx.fresh("if_true"), self.ctx.fresh("if_false")
        ret = _state_return(names, node)
        return [
            _function(true_name, names, node.body + [ret], node),
            _function(false_name, names, node.orelse + [ret], node),
            *_state_call(names, f"if_stmt(rjtmp_test, {true_name}, {false_name}, {{state}}, {{names}})", node,
                         rjtmp_test=node.test),
        ]

    def _outcome_if(self, node: gast.If, names: list[str]) -> list[gast.stmt]:
        """An `if` whose branches end the loop body: it returns their combined outcome."""
        true_name, false_name = self.ctx.fresh("if_true"), self.ctx.fresh("if_false")
        state = "".join(n + ", " for n in names)
        labels = "".join(repr(n) + ", " for n in names)
        return [
            _function(true_name, names, node.body, node),
            _function(false_name, names, node.orelse, node),
            *templates.replace(f"return {RUNTIME}.if_outcome(rjtmp_test, {true_name}, {false_name}, "
                               f"({state}), ({labels}))", node, rjtmp_test=node.test),
        ]

    def _orelse(self, node: gast.AST, names: list[str]) -> tuple[list[gast.stmt], str]:
        """The `else` of a loop (what runs when it ends without `break`) as a function of the state."""
        if not node.orelse:
            return [], ""
        name = self.ctx.fresh("loop_else")
        return [_function(name, names, node.orelse + [_state_return(names, node)], node)], ", " + name

    def visit_For(self, node: gast.For) -> list[gast.stmt]:
        targets = target_names(node.target)
        exits = _has_exits(node.body)
        if exits:
            names = [n for n in bound_names(node.body + node.orelse) if n not in targets]
            node.body = _lower_exits(node.body, names, node)
        self.generic_visit(node)
        if not exits:
            names = [n for n in bound_names(node.body) if n not in targets]
        orelse, orelse_name = self._orelse(node, names)
        body_name = self.ctx.fresh("loop_body")
        body = node.body + ([] if exits else [_state_return(names, node)])
        if isinstance(node.target, gast.Name):
            params = [node.target.id] + names
        else:
            item = self.ctx.fresh("item")
            params = [item] + names
            body = templates.replace(f"target = {item}", node, target=node.target) + body
        call = (f"for_exit_stmt(rjtmp_iter, {body_name}, {{state}}, {{names}}{orelse_name})" if exits
                else f"for_stmt(rjtmp_iter, {body_name}, {{state}}, {{names}})")
        return [*orelse, _function(body_name, params, body, node),
                *_state_call(names, call, node, rjtmp_iter=node.iter)]

    def visit_While(self, node: gast.While) -> list[gast.stmt]:
        exits = _has_exits(node.body)
        if exits:
            names = bound_names(node.body + node.orelse)
            node.body = _lower_exits(node.body, names, node)
        self.generic_visit(node)
        if not exits:
            names = bound_names(node.body)
        orelse, orelse_name = self._orelse(node, names)
        test_name, body_name = self.ctx.fresh("loop_test"), self.ctx.fresh("loop_body")
        test = _function(test_name, names, templates.replace("return test", node, test=node.test), node)
        body = node.body + ([] if exits else [_state_return(names, node)])
        call = (f"while_exit_stmt({test_name}, {body_name}, {{state}}, {{names}}{orelse_name})" if exits
                else f"while_stmt({test_name}, {body_name}, {{state}}, {{names}})")
        return [*orelse, test, _function(body_name, names, body, node), *_state_call(names, call, node)]


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite every `if`, `for` and `while` in `node` (innermost first) into runtime operator calls."""
    return _ControlFlow(ctx).visit(node)
