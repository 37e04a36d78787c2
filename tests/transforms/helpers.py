"""Run one pass on source text and read the result back as text."""
import ast
import textwrap

import gast

from relaxjax.transforms.context import Context


def run_pass(module, source: str) -> str:
    node = gast.parse(textwrap.dedent(source)).body[0]
    ctx = Context(filename="test.py", function_name=node.name)
    out = module.transform(node, ctx)
    return ast.unparse(gast.gast_to_ast(out)).strip()


def same(a: str, b: str) -> bool:
    norm = lambda s: ast.unparse(ast.parse(textwrap.dedent(s))).strip()
    return norm(a) == norm(b)
