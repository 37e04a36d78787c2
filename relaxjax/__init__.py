"""relaxjax: plain Python algorithms, relaxed into smooth, jit-compiled JAX functions.

    from relaxjax import relax

    @relax(beta=5.0)
    def swaps(a): ...

See the README for the supported Python, the semantics and the options.
"""
from relaxjax.api import Explanation, RelaxedFunction, explain, relax
from relaxjax.runtime.distributions import Distribution
from relaxjax.runtime.errors import RelaxError, UndefinedVariableError
from relaxjax.runtime.sharp import sharp
from relaxjax.runtime.unfinished import MaxIterWarning
from relaxjax.runtime.values import SoftBool
from relaxjax.transforms.errors import ConversionError

__all__ = ["ConversionError", "Distribution", "Explanation", "MaxIterWarning", "RelaxError", "RelaxedFunction",
           "SoftBool", "UndefinedVariableError", "explain", "relax", "sharp"]
__version__ = "0.1.0"
