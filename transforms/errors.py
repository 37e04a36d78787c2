"""The error for source that relaxjax cannot convert, naming the construct, file and line."""
from __future__ import annotations


class ConversionError(SyntaxError):
    """Raised at conversion time for unsupported Python; `str()` gives `file:line: message`."""

    def __init__(self, message: str, filename: str = "<unknown>", lineno: int | None = None):
        super().__init__(message)
        self.msg, self.filename, self.lineno = message, filename, lineno

    def __str__(self) -> str:
        if self.lineno is None:
            return self.msg if self.filename == "<unknown>" else f"{self.filename}: {self.msg}"
        return f"{self.filename}:{self.lineno}: {self.msg}"
