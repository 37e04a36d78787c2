"""From a Python function object to its gast definition, at the user's line numbers."""
from __future__ import annotations

import inspect
import textwrap
import types
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
    text = textwrap.dedent("".join(lines))
    if not _same_code(text, inspect.unwrap(fn)):
        raise ConversionError(
            f"the source of '{name}' in its file has changed since the function was defined (the file was "
            f"edited after it was imported); reload the module (importlib.reload) or restart", filename, first)
    tree = gast.parse(text)
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


def _same_code(text: str, fn: Callable) -> bool:
    """Whether `text` (the function's source as the file has it now) still compiles to the code `fn`
    runs: the same arguments, constants and names. Tolerant of import hooks that rewrite code (pytest's
    assertion rewriting adds its own constants and `@`-names), so an edit that changes only operators
    goes unnoticed; one that changes a constant, a name or the arguments is caught."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return True
    try:
        module = compile(text, "<source>", "exec")
    except SyntaxError:
        return False
    found = [c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == code.co_name]
    if len(found) != 1:
        return False
    fresh = found[0]
    arguments = lambda c: c.co_varnames[:c.co_argcount + c.co_kwonlyargcount]   # noqa: E731
    constants = lambda c: {(type(v), repr(v)) for v in c.co_consts if not isinstance(v, types.CodeType)}  # noqa: E731
    names = set(code.co_names) | set(code.co_freevars)   # compiled alone, free variables are globals
    return (arguments(fresh) == arguments(code) and constants(fresh) <= constants(code)
            and set(fresh.co_names) <= names and all(n.startswith("@") for n in names - set(fresh.co_names)
                                                     - set(code.co_freevars)))
