"""Errors that name the user's file and line.

Generated code is compiled under the user's file name with the user's line numbers, so the innermost
frame that runs generated code tells where in the user's source an operator was called from.
"""
from __future__ import annotations

import sys
from types import CodeType

_GENERATED: set[CodeType] = set()


def register_generated(code: CodeType) -> None:
    """Remember `code` and every code object nested in it as generated from user source."""
    _GENERATED.add(code)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            register_generated(const)


def user_location() -> str | None:
    """`file:line` of the innermost generated frame on the stack, or None outside generated code."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code in _GENERATED:
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def traceback_location(tb) -> str | None:
    """`file:line` of the innermost generated frame in a traceback, or None if none ran generated code."""
    where = None
    while tb is not None:
        if tb.tb_frame.f_code in _GENERATED:
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


class RelaxError(Exception):
    """A relaxed function did something relaxjax cannot do; the message names the user's line."""

    def __init__(self, message: str):
        where = user_location()
        super().__init__(f"{where}: {message}" if where else message)


class UndefinedVariableError(RelaxError, UnboundLocalError):
    """A variable was read on a path where it has no value (Python's UnboundLocalError)."""


class StructureError(RelaxError):
    """A variable changes structure (a list's length) across a branch or loop iteration."""


class IndexOutOfRangeError(RelaxError, IndexError):
    """An index known while tracing (a Python int, or a loop index over a static range) falls outside
    its list or array on a path every run takes (Python's IndexError)."""
