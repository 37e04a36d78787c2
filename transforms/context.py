"""What the passes share about the function being converted."""
from __future__ import annotations

import dataclasses

import gast

from relaxjax.transforms.errors import ConversionError



@dataclasses.dataclass
class Context:
    """The file and function under conversion, and a counter for fresh names."""

    filename: str
    function_name: str
    counter: int = 0
    mutated_parameters: tuple[str, ...] = ()   # parameters the function changes in place (aliases pass)

    def fresh(self, stem: str) -> str:
        """A new name `stem__N`, unique in this function."""
        self.counter += 1
        return f"{stem}__{self.counter}"

    def error(self, node: gast.AST, message: str) -> ConversionError:
        """A ConversionError at `node`'s line."""
        return ConversionError(message, self.filename, getattr(node, "lineno", None))
