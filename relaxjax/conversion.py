"""Source to callable: parse, run the passes, compile under the user's file name and line numbers."""
from __future__ import annotations

import ast
import dataclasses
import threading
import types
import weakref
from typing import Callable

import gast

from relaxjax import runtime
from relaxjax.runtime.errors import register_generated
from relaxjax.transforms import pipeline, templates
from relaxjax.generated_names import RUNTIME
from relaxjax.transforms.context import Context
from relaxjax.transforms.parsing import parse_function

_FACTORY = "relaxjax_factory__"


@dataclasses.dataclass(frozen=True)
class Converted:
    """A converted function: `factory(runtime, *closure_values)` returns the generated function."""

    factory: types.FunctionType
    source: str
    freevars: tuple[str, ...]
    mutated_parameters: tuple[str, ...] = ()   # changed in place (element writes, list methods)

    def instantiate(self, fn: Callable) -> Callable:
        """The generated function, bound to `fn`'s current closure values."""
        cells = fn.__closure__ or ()
        return self.factory(runtime, *(c.cell_contents for c in cells))


_cache: "weakref.WeakKeyDictionary[Callable, dict[frozenset[str], tuple[object, Converted]]]" = \
    weakref.WeakKeyDictionary()
_lock = threading.Lock()


def convert(fn: Callable, off: frozenset[str] = frozenset()) -> Converted:
    """Convert `fn` once (cached per function object, code and the optional passes switched `off`)."""
    off = frozenset(off) & frozenset(pipeline.OPTIONAL)
    with _lock:
        hit = _cache.get(fn, {}).get(off)
        if hit is not None and hit[0] is fn.__code__:
            return hit[1]
    converted = _convert(fn, off)
    with _lock:
        _cache.setdefault(fn, {})[off] = (fn.__code__, converted)
    return converted


def _convert(fn: Callable, off: frozenset[str]) -> Converted:
    node, filename = parse_function(fn)
    ctx = Context(filename=filename, function_name=fn.__name__)
    node = pipeline.transform(node, ctx, off)
    freevars = fn.__code__.co_freevars
    source = ast.unparse(gast.gast_to_ast(node))
    params = ", ".join((RUNTIME,) + freevars)
    factory = gast.parse(f"def {_FACTORY}({params}):\n    return {node.name}").body[0]
    templates.locate(factory, node)   # the wrapper sits at the line of the user's `def`
    factory.body.insert(0, node)
    module = gast.gast_to_ast(gast.Module(body=[factory], type_ignores=[]))
    ast.fix_missing_locations(module)
    code = compile(module, filename, "exec")
    register_generated(code)
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return Converted(types.FunctionType(factory_code, fn.__globals__, _FACTORY), source, freevars,
                     ctx.mutated_parameters)
