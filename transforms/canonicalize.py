"""Rewrite sugar into the few forms the later passes handle.

    x += v                    ->  x = x + v
    a[i] += v                 ->  a[i] = a[i] + v
    a = b = v                 ->  rjtmp_1 = v; a = rjtmp_1; b = rjtmp_1
    a[i], a[j] = a[j], a[i]   ->  rjtmp_1 = a[j]; rjtmp_2 = a[i]; a[i] = rjtmp_1; a[j] = rjtmp_2
    a[i], b = pair            ->  rjtmp_1 = pair; a[i] = rjtmp_1[0]; b = rjtmp_1[1]
    a < b <= c                ->  a < b and b <= c

Python evaluates the whole right-hand side before assigning any target; the temporaries keep that.
(A chained comparison evaluates its middle operand twice; relaxed programs have no side effects.)
"""
from __future__ import annotations

import copy

import gast

from relaxjax.transforms import templates
from relaxjax.generated_names import TEMP_PREFIX
from relaxjax.transforms.context import Context


def _load(target: gast.AST) -> gast.AST:
    node = copy.deepcopy(target)
    templates._set_ctx(node, gast.Load)
    return node


def _has_subscript(target: gast.AST) -> bool:
    return any(isinstance(n, gast.Subscript) for n in gast.walk(target))


class _Canonicalize(gast.NodeTransformer):
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def _temp(self) -> str:
        self.ctx.counter += 1
        return f"{TEMP_PREFIX}{self.ctx.counter}"

    def visit_AugAssign(self, node: gast.AugAssign) -> gast.AST:
        self.generic_visit(node)
        value = gast.BinOp(left=_load(node.target), op=node.op, right=node.value)
        new = gast.Assign(targets=[node.target], value=value, type_comment=None)
        return gast.copy_location(new, node)

    def visit_Assign(self, node: gast.Assign) -> gast.AST | list[gast.AST]:
        self.generic_visit(node)
        if len(node.targets) > 1:
            temp = self._temp()
            out = templates.replace(f"{temp} = value", node, value=node.value)
            for t in node.targets:
                out.extend(self._split(t, templates.name(temp), node))
            return out
        return self._split(node.targets[0], node.value, node)

    def _split(self, target: gast.AST, value: gast.AST, origin: gast.AST) -> list[gast.AST]:
        """`target = value`, with tuple targets that hold subscripts taken apart."""
        if not (isinstance(target, (gast.Tuple, gast.List)) and _has_subscript(target)):
            return templates.replace("target = value", origin, target=target, value=value)
        out, temps = [], []
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts) and not any(
                isinstance(e, gast.Starred) for e in value.elts):
            for elt in value.elts:
                temps.append(self._temp())
                out += templates.replace(f"{temps[-1]} = value", origin, value=elt)
            parts = [templates.name(t) for t in temps]
        else:
            temp = self._temp()
            out += templates.replace(f"{temp} = value", origin, value=value)
            parts = [templates.expression(f"{temp}[{k}]", origin) for k in range(len(target.elts))]
        for elt, part in zip(target.elts, parts):
            out += self._split(elt, part, origin)
        return out

    def visit_Compare(self, node: gast.Compare) -> gast.AST:
        self.generic_visit(node)
        if len(node.ops) == 1:
            return node
        operands = [node.left] + node.comparators
        pairs = [gast.Compare(left=copy.deepcopy(operands[k]), ops=[op],
                              comparators=[copy.deepcopy(operands[k + 1])]) for k, op in enumerate(node.ops)]
        for pair in pairs:
            gast.copy_location(pair, node)
        return gast.copy_location(gast.BoolOp(op=gast.And(), values=pairs), node)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Canonicalise augmented, multiple and tuple-with-subscript assignments and chained comparisons."""
    return _Canonicalize(ctx).visit(node)
