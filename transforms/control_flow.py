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
"""
from __future__ import annotations

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


class _ControlFlow(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def visit_If(self, node: gast.If) -> list[gast.stmt]:
        self.generic_visit(node)
        names = bound_names(node.body + node.orelse)
        true_name, false_name = self.ctx.fresh("if_true"), self.ctx.fresh("if_false")
        ret = _state_return(names, node)
        return [
            _function(true_name, names, node.body + [ret], node),
            _function(false_name, names, node.orelse + [ret], node),
            *_state_call(names, f"if_stmt(rjtmp_test, {true_name}, {false_name}, {{state}}, {{names}})", node,
                         rjtmp_test=node.test),
        ]

    def visit_For(self, node: gast.For) -> list[gast.stmt]:
        self.generic_visit(node)
        targets = target_names(node.target)
        names = [n for n in bound_names(node.body) if n not in targets]
        body_name = self.ctx.fresh("loop_body")
        body = node.body + [_state_return(names, node)]
        if isinstance(node.target, gast.Name):
            params = [node.target.id] + names
        else:
            item = self.ctx.fresh("item")
            params = [item] + names
            body = templates.replace(f"target = {item}", node, target=node.target) + body
        return [
            _function(body_name, params, body, node),
            *_state_call(names, f"for_stmt(rjtmp_iter, {body_name}, {{state}}, {{names}})", node,
                         rjtmp_iter=node.iter),
        ]

    def visit_While(self, node: gast.While) -> list[gast.stmt]:
        self.generic_visit(node)
        names = bound_names(node.body)
        test_name, body_name = self.ctx.fresh("loop_test"), self.ctx.fresh("loop_body")
        test = _function(test_name, names, templates.replace("return test", node, test=node.test), node)
        return [
            test,
            _function(body_name, names, node.body + [_state_return(names, node)], node),
            *_state_call(names, f"while_stmt({test_name}, {body_name}, {{state}}, {{names}})", node),
        ]


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite every `if`, `for` and `while` in `node` (innermost first) into runtime operator calls."""
    return _ControlFlow(ctx).visit(node)
