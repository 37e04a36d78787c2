"""What one pass leaves on a node for a later pass: the only facts passes attach to gast nodes.

| key | set by | on | read by | value |
| --- | --- | --- | --- | --- |
| `REBINDS` | aliases | a `Call` | expressions | positions of the arguments whose variables the call's result replaces (`a = f(a, i)`: `(0,)`) |
| `REST` | returns | a `For` / `While` that holds a `return` | row_hoisting, control_flow | True: the loop's `orelse` holds the rest of the function, run on the paths that did not return |
| `OUTCOME` | control_flow | an `If` inside a loop body whose branches end the body | control_flow | the names of the loop's state |
| `OUTCOME_LOOP` | control_flow | a loop inside a loop body, that may return | control_flow | `(variable, names)`: the variable that takes its outcome, and the outer loop's state |

An annotation travels with its node through `copy.deepcopy` (passes copy the rest of a block into
branches).
"""
from __future__ import annotations

import enum
from typing import Any

import gast

_FIELD = "_relaxjax_anno"


class Key(enum.Enum):
    """The annotations passes leave (see the module docstring)."""

    REBINDS = "rebinds"
    REST = "rest"
    OUTCOME = "outcome"
    OUTCOME_LOOP = "outcome_loop"


def set_anno(node: gast.AST, key: Key, value: Any) -> None:
    """Attach `value` to `node` under `key`."""
    node.__dict__.setdefault(_FIELD, {})[key] = value


def get_anno(node: gast.AST, key: Key, default: Any = None) -> Any:
    """The value attached to `node` under `key`, or `default`."""
    return node.__dict__.get(_FIELD, {}).get(key, default)
