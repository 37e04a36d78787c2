"""The relaxjax compiler: gast passes that rewrite a plain Python function into calls of the runtime.

No JAX here. `pipeline.transform` runs the passes in order; each pass is one module with one job.
"""
from relaxjax.transforms.errors import ConversionError

__all__ = ["ConversionError"]
