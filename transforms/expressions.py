"""Expressions whose meaning relaxjax changes become runtime calls.

    a < b                ->  rj__.lt(a, b)          (also <=, >, >=, ==, !=)
    x is y               ->  rj__.is_(x, y)         (also `is not`)
    x in c               ->  rj__.contains(c, x)    (also `not in`: rj__.not_contains)
    f"{x}"               ->  f"{rj__.text_of(x)}"     # a traced value is an error naming the line
    raise E              ->  raise rj__.raising(E)    # under a traced decision: an error that says so
    [e for x in a if c]  ->  rj__.filtered_list([rj__.kept(c, lambda: e, 'file:line') for x in a])
    a[j] < a[i]          ->  rj__.lt(a[j], a[i], rj__.same_place(a, (j,), (i,)))   # exact on one element
    not x                ->  rj__.not_(x)
    a and b and c        ->  rj__.and_(a, lambda: b, lambda: c)     # static short-circuit kept
    a or b               ->  rj__.or_(a, lambda: b)
    x if c else y        ->  rj__.if_exp(c, lambda: x, lambda: y)
    a[i], a[i, j]        ->  rj__.getitem(a, i), rj__.getitem(a, (i, j))
    f(x, k=v)            ->  rj__.call(f, x, k=v)    # builtins get their relaxed versions
    a = f(a, i)          ->  a = rj__.call_rebinding((0,), f, a, i)   # marked by the aliases pass
    [0.0] * n            ->  rj__.repeat([0.0], n)   # n must be static
    p + q, -p, ~p        ->  rj__.add(p, q), ...      # (also -, *, unary +) unless an operand is a
                                                       # number literal: bools count as ints, as in Python
    a ** b               ->  rj__.pow_(a, b)          # Python's types: 2 ** -1 is 0.5
    a // b               ->  rj__.floordiv(a, b)      # of soft floats: an integer, marked as one
    a / b                ->  rj__.truediv(a, b)       # of hard ints: a float that stays hard
    p & q                ->  rj__.bitand(p, q)        # (also |, ^) relaxed between truth values
    sharp(e, beta=b)     ->  rj__.call_sharp(sharp, lambda: e, b)   # e at inverse temperature b
"""
from __future__ import annotations

import copy

import gast

from relaxjax.transforms import templates
from relaxjax.generated_names import op
from relaxjax.transforms.analysis import runtime_operator
from relaxjax.transforms.anno import Key, get_anno
from relaxjax.transforms.context import Context
from relaxjax.transforms.subscript_stores import index_expression

_COMPARE = {gast.Lt: "lt", gast.LtE: "le", gast.Gt: "gt", gast.GtE: "ge", gast.Eq: "eq", gast.NotEq: "ne",
            gast.Is: "is_", gast.IsNot: "is_not"}


def _runtime(attr: str) -> gast.Attribute:
    runtime, attr = op(attr).split(".")
    return gast.Attribute(value=templates.name(runtime), attr=attr, ctx=gast.Load())


def _call(origin: gast.AST, attr: str, *args: gast.AST) -> gast.Call:
    return gast.copy_location(gast.Call(func=_runtime(attr), args=list(args), keywords=[]), origin)


def _thunk(body: gast.AST) -> gast.Lambda:
    args = gast.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                          defaults=[])
    return gast.copy_location(gast.Lambda(args=args, body=body), body)


def _sharp_arguments(node: gast.Call) -> tuple[gast.AST, gast.AST] | None:
    """`(expr, beta)` of a call `sharp(expr, beta)` or `sharp(expr, beta=b)` (`relaxjax.sharp`, or
    imported by that name; the runtime checks which function it is)."""
    f = node.func
    name = f.id if isinstance(f, gast.Name) else f.attr if isinstance(f, gast.Attribute) else None
    if name != "sharp" or any(isinstance(a, gast.Starred) for a in node.args):
        return None
    if len(node.args) == 2 and not node.keywords:
        return node.args[0], node.args[1]
    if len(node.args) == 1 and [k.arg for k in node.keywords] == ["beta"]:
        return node.args[0], node.keywords[0].value
    return None


# Operators whose meaning on truth values differs between Python (ints) and JAX (logical), unless an
# operand is a number literal (which makes JAX compute in ints too): see runtime/arithmetic.py.
_ARITHMETIC = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.USub: "neg", gast.UAdd: "pos",
               gast.Invert: "invert"}


_BITWISE = {gast.BitAnd: "bitand", gast.BitOr: "bitor", gast.BitXor: "bitxor"}
_NUMERIC_RESULT = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod, gast.Pow)


def _number(node: gast.AST) -> bool:
    """A number literal other than True and False (`-1` included), or arithmetic left as written (it
    had such a literal, so its value is a number, never a truth value)."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    if isinstance(node, gast.BinOp) and isinstance(node.op, _NUMERIC_RESULT):
        return True
    return isinstance(node, gast.Constant) and type(node.value) in (int, float, complex)


def _element_path(node: gast.AST) -> tuple[str, list[gast.AST]] | None:
    """`("d", [i, j])` for `rj__.getitem(rj__.getitem(d, i), j)` (also `d[i, j]`), else None."""
    indices: list[gast.AST] = []
    while runtime_operator(node) == "getitem":
        index = node.args[1]
        indices = (list(index.elts) if isinstance(index, gast.Tuple) else [index]) + indices
        node = node.args[0]
    return (node.id, indices) if isinstance(node, gast.Name) and indices else None


def _same_place(left: gast.AST, right: gast.AST) -> gast.AST | None:
    """For two elements of one array, `a[j] < a[i]`, the runtime test of whether they are the same element
    (`rj__.same_place(a, (j,), (i,))`, or True when the indices are written alike); else None."""
    p, q = _element_path(left), _element_path(right)
    if p is None or q is None or p[0] != q[0] or len(p[1]) != len(q[1]):
        return None
    if all(gast.dump(x) == gast.dump(y) for x, y in zip(p[1], q[1])):
        return templates.constant(True)
    copies = [templates.tuple_of([copy.deepcopy(x) for x in path[1]]) for path in (p, q)]
    return _call(left, "same_place", templates.name(p[0]), *copies)


class _Expressions(gast.NodeTransformer):
    def __init__(self, filename: str):
        self.filename = filename

    def visit_Compare(self, node: gast.Compare) -> gast.AST:
        self.generic_visit(node)
        op = type(node.ops[0])
        if len(node.ops) == 1 and op in (gast.In, gast.NotIn):   # `x in c` -> rj__.contains(c, x)
            return _call(node, "contains" if op is gast.In else "not_contains", node.comparators[0], node.left)
        if len(node.ops) != 1 or op not in _COMPARE:
            return node
        same = _same_place(node.left, node.comparators[0]) if op not in (gast.Is, gast.IsNot) else None
        return _call(node, _COMPARE[op], node.left, node.comparators[0], *([same] if same is not None else []))

    def visit_BinOp(self, node: gast.BinOp) -> gast.AST:
        self.generic_visit(node)
        lists = (gast.List, gast.ListComp)
        if isinstance(node.op, gast.Mult) and (isinstance(node.left, lists) or isinstance(node.right, lists)):
            return _call(node, "repeat", node.left, node.right)
        if isinstance(node.op, gast.Pow):
            return _call(node, "pow_", node.left, node.right)
        if isinstance(node.op, gast.FloorDiv) and not (_number(node.left) and _number(node.right)):
            return _call(node, "floordiv", node.left, node.right)
        if isinstance(node.op, gast.Div) and not (_number(node.left) and _number(node.right)):
            return _call(node, "truediv", node.left, node.right)
        if type(node.op) in _BITWISE and not (_number(node.left) and _number(node.right)):
            return _call(node, _BITWISE[type(node.op)], node.left, node.right)
        if type(node.op) in _ARITHMETIC and not (_number(node.left) or _number(node.right)):
            return _call(node, _ARITHMETIC[type(node.op)], node.left, node.right)
        return node

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.AST:
        self.generic_visit(node)
        if isinstance(node.op, gast.Not):
            return _call(node, "not_", node.operand)
        if type(node.op) in _ARITHMETIC and not _number(node.operand):
            return _call(node, _ARITHMETIC[type(node.op)], node.operand)
        return node

    def visit_BoolOp(self, node: gast.BoolOp) -> gast.AST:
        self.generic_visit(node)
        name = "and_" if isinstance(node.op, gast.And) else "or_"
        return _call(node, name, node.values[0], *[_thunk(v) for v in node.values[1:]])

    def visit_ListComp(self, node: gast.ListComp) -> gast.AST:
        return self._filtered(node, "filtered_list")

    def visit_GeneratorExp(self, node: gast.GeneratorExp) -> gast.AST:
        return self._filtered(node, "filtered")

    def _filtered(self, node: gast.ListComp | gast.GeneratorExp, wrap: str) -> gast.AST:
        """`[e for x in a if c]` -> `rj__.filtered_list([rj__.kept(c, lambda: e, where) for x in a])`: a
        filter decided at run time keeps its item with its truth, for the reductions to read."""
        self.generic_visit(node)
        conditions = [c for g in node.generators for c in g.ifs]
        if not conditions:
            return node
        for g in node.generators:
            g.ifs = []
        test = conditions[0] if len(conditions) == 1 else _call(node, "and_", conditions[0],
                                                                  *[_thunk(c) for c in conditions[1:]])
        where = templates.constant(f"{self.filename}:{getattr(node, 'lineno', '?')}")
        node.elt = _call(node.elt, "kept", test, _thunk(node.elt), where)
        return _call(node, wrap, node)

    def visit_Raise(self, node: gast.Raise) -> gast.AST:
        self.generic_visit(node)
        if node.exc is not None:
            node.exc = _call(node.exc, "raising", node.exc)
        return node

    def visit_FormattedValue(self, node: gast.FormattedValue) -> gast.AST:
        self.generic_visit(node)
        node.value = _call(node.value, "text_of", node.value)
        return node

    def visit_IfExp(self, node: gast.IfExp) -> gast.AST:
        self.generic_visit(node)
        return _call(node, "if_exp", node.test, _thunk(node.body), _thunk(node.orelse))

    def visit_Subscript(self, node: gast.Subscript) -> gast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, gast.Load):
            return node
        return _call(node, "getitem", node.value, index_expression(node.slice))

    def visit_Call(self, node: gast.Call) -> gast.AST:
        self.generic_visit(node)
        if runtime_operator(node) is not None:
            return node
        sharp = _sharp_arguments(node)
        if sharp is not None:
            keyword = templates.constant(bool(node.keywords))
            return _call(node, "call_sharp", node.func, _thunk(sharp[0]), sharp[1], keyword)
        rebound = get_anno(node, Key.REBINDS, ())
        if rebound:   # `a = f(a, ...)`: the caller takes f's result in place of the list f may change
            new = gast.Call(func=_runtime("call_rebinding"),
                            args=[templates.tuple_of([templates.constant(k) for k in rebound]), node.func] + node.args,
                            keywords=node.keywords)
        else:
            new = gast.Call(func=_runtime("call"), args=[node.func] + node.args, keywords=node.keywords)
        return gast.copy_location(new, node)


def transform(node: gast.FunctionDef, ctx: Context) -> gast.FunctionDef:
    """Rewrite comparisons, boolean operators, conditional expressions, subscripts and calls."""
    return _Expressions(ctx.filename).visit(node)
