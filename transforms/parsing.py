"""From a Python function object to its gast definition, at the user's line numbers."""
from __future__ import annotations

import inspect
import textwrap
from typing import Callable

import gast

from relaxjax.transforms.errors import ConversionError


def parse_function(fn: Callable) -> tuple[gast.FunctionDef, str]:
    """The gast FunctionDef of `fn` (decorators removed) and the name of its file.

    Raises ConversionError when the source cannot be found (REPL, `exec`) or is not a `def`.
    """
    filename = getattr(getattr(fn, "__code__", None), "co_filename", "<unknown>")
    name = getattr(fn, "__name__", repr(fn))
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError) as err:
        raise ConversionError(
            f"the source of '{name}' is not available ({err}); relaxjax converts source code, so define "
            f"the function in a file (not in a REPL, `exec` or `eval`) and import it", filename,
            getattr(getattr(fn, "__code__", None), "co_firstlineno", None)) from None
    tree = gast.parse(textwrap.dedent("".join(lines)))
    node = tree.body[0] if tree.body else None
    if not isinstance(node, gast.FunctionDef) or name == "<lambda>":
        raise ConversionError(f"'{name}' is not defined by a `def` statement; relaxjax converts "
                              f"functions written with `def`", filename, first)
    for sub in gast.walk(node):
        for attr in ("lineno", "end_lineno"):
            if getattr(sub, attr, None) is not None:
                setattr(sub, attr, getattr(sub, attr) + first - 1)
    node.decorator_list = []
    return node, filename
