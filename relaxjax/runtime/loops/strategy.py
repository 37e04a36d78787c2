"""How a loop strategy says it cannot run a loop: `Declined`, the one fallback of the loop package."""
from __future__ import annotations

import contextlib
from typing import Iterator

import jax

from relaxjax.runtime.errors import StructureError
from relaxjax.runtime.loops.iteration import StaticIterationNeeded


class Declined(Exception):
    """A strategy cannot run this loop: it could not show that it computes what the loop as written
    computes, or the body needs what the strategy cannot give it (a static loop variable, a list that
    grows). The loop plan then tries the next strategy (vectorised -> stream -> scan -> unrolled)."""


# What a body raises, traced with a traced loop variable, when it needs the loop unrolled instead: its
# loop variable as a static value, a list that grows, a range with a traced bound in a comprehension.
NEEDS_UNROLLING = (jax.errors.ConcretizationTypeError, jax.errors.TracerIntegerConversionError,
                   jax.errors.TracerBoolConversionError, jax.errors.TracerArrayConversionError,
                   StructureError, StaticIterationNeeded)


@contextlib.contextmanager
def declined_if_unrolling_needed() -> Iterator[None]:
    """Turn the errors of a body that needs its loop unrolled (`NEEDS_UNROLLING`) into `Declined`."""
    try:
        yield
    except NEEDS_UNROLLING as err:
        raise Declined(str(err)) from err
