"""Calls from a relaxed function into the user's other functions, which are converted too.

The runtime's `call` asks the traced options' `calls` (a `UserCalls`, put there by `RelaxedFunction`)
whether a call target is user code and, if so, has it run converted, under the same
options, guarded against recursion. The runtime itself never converts anything.
"""
from __future__ import annotations

import contextlib
import inspect
import os
import sysconfig
import types
from typing import Any, Callable, Iterator

from relaxjax.conversion import convert
from relaxjax.runtime import context
from relaxjax.runtime.errors import RelaxError
from relaxjax.runtime.trace import STATE
from relaxjax.runtime.values import is_static

_LIBRARIES = {"jax", "jaxlib", "numpy", "math", "builtins", "functools", "operator", "itertools", "scipy",
              "equinox", "flax", "optax", "haiku", "relaxjax", "typing", "collections", "random"}
_LIBRARY_DIRS = tuple({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")})


def user_function(func: Any) -> bool:
    """Whether `func` is user code: a `def` function outside installed libraries and the standard library,
    or one of the benchmarks' programs (plain Python written as a user writes it, wherever installed)."""
    if not isinstance(func, types.FunctionType) or func.__name__ == "<lambda>":
        return None
    module = func.__module__ or ""
    if module.startswith("relaxjax.benchmarks."):
        return True
    if module.split(".")[0] in _LIBRARIES:
        return False
    return not os.path.abspath(func.__code__.co_filename).startswith(_LIBRARY_DIRS)


@contextlib.contextmanager
def calling(func: Callable) -> Iterator[None]:
    """Mark `func` as being traced, so that a call back into it is reported as recursion."""
    stack = STATE.calling
    if func in stack:
        chain = " -> ".join(f.__name__ for f in stack[stack.index(func):] + [func])
        raise RelaxError(f"recursion ({chain}) is not supported: a relaxed program must have a static "
                         f"structure; write it as a loop")
    stack.append(func)
    try:
        yield
    finally:
        stack.pop()


class UserCalls:
    """How the runtime's `call` runs the user's own functions: converted (and cached) like the relaxed
    function that calls them, under the same options. A `relaxed` function (an instance of the class
    given) called inside another is converted from its original, `__wrapped__`."""

    def __init__(self, relaxed: type):
        self.relaxed = relaxed

    def _plain(self, func: Any) -> Callable | None:
        if isinstance(func, self.relaxed):
            func = func.__wrapped__
        if inspect.ismethod(func):   # a method of the user's object: its function, with the object as `self`
            return func if user_function(func.__func__) else None
        return func if user_function(func) else None

    def converts(self, func: Any) -> bool:
        """Whether `func` is user code that relaxjax converts; everything else runs as it is."""
        return self._plain(func) is not None

    def call(self, func: Any, args: tuple, kwargs: dict, rebound: tuple[int, ...]) -> Any:
        """Call user function `func` converted. It may change in place only the arguments its result
        replaces (`rebound`: `a = f(a, ...)`)."""
        func = self._plain(func)
        if inspect.ismethod(func):
            args, rebound, func = (func.__self__,) + tuple(args), tuple(k + 1 for k in rebound), func.__func__
        converted = convert(func, context.current().off)
        if converted.mutated_parameters:
            signature = inspect.signature(func)
            names = list(signature.parameters)
            bound = signature.bind(*args, **kwargs).arguments
            taken_back = {names[k] for k in rebound if k < len(names)}
            changed = [p for p in converted.mutated_parameters if p in bound and p not in taken_back
                       and (isinstance(bound[p], (list, dict)) or not is_static(bound[p]))]
            if changed:
                raise RelaxError(f"{func.__qualname__}() changes its argument {changed[0]!r} in place, which in "
                                 f"Python the caller would see; relaxjax updates lists functionally and cannot "
                                 f"pass the change back. Return the changed value and assign it (`a = "
                                 f"{func.__name__}(a, ...)` with `return a` at its end)")
        with calling(func):
            return converted.instantiate(func)(*args, **kwargs)

