"""The noise under which a relaxed program takes its decisions: `relax(fn, dist=...)`.

A comparison `a < b` is relaxed to `P(a + e / beta < b)` for noise `e` on the difference of the compared
values, drawn from a standardised distribution (location 0, scale 1): `cdf(beta * (b - a))`. The same
distribution gives `P(a == b)` (its density at `beta * (a - b)` over its density at 0), `abs`, the
position weights of a soft index (differences of the CDF), and, through the comparisons, `if`, `while`
and the boolean operators.

`min`/`max` of more than two values (and `argmin`/`argmax`): with the logistic distribution (the paper's)
the softmax weights; with any other, what relaxjax computes for the loop `m = x[0]; for v in x[1:]:
if v < m: m = v` (for two values both are the `if` form).

Scales differ between distributions (the logistic's standard deviation is pi / sqrt(3), the
Gaussian's 1, the Cauchy's is undefined), so a good `beta` for one is not one for another.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr, ndtri

_LOG4 = math.log(4.0)


@dataclasses.dataclass(frozen=True)
class Distribution:
    """A noise distribution, standardised: `cdf(z) = P(e <= z)` and its `density`, elementwise on arrays.

    `cdf` must be increasing from 0 at -inf to 1 at +inf, finite with a finite derivative for every z
    (infinite ones included). `ratio(z)` is `density(z) / density(0)`; give it when a stabler form than
    the quotient exists. `cdf_integral(z)` is the integral of `cdf` from -inf to z, which the expected
    rounding of a soft value (`floor`, `int()`, `round()`) uses for its far tails at a small beta; without
    it those tails are left out (a heavy-tailed noise such as the Cauchy has no expected rounding).
    `quantile(u)` (the inverse of `cdf`) lets mode "sampled" draw the noise of a rounding; without it
    rounding is exact in that mode.
    """

    name: str
    cdf: Callable[[Any], Any]
    density: Callable[[Any], Any]
    ratio: Callable[[Any], Any] | None = None
    cdf_integral: Callable[[Any], Any] | None = None
    quantile: Callable[[Any], Any] | None = None

    def density_ratio(self, z: Any) -> Any:
        """`density(z) / density(0)`: 1 at z = 0 (a relaxed `a == b` at a tie)."""
        if self.ratio is not None:
            return self.ratio(z)
        return self.density(z) / self.density(jnp.zeros_like(z))

    def __repr__(self) -> str:
        return f"Distribution({self.name!r})"


def _logistic_ratio(z: Any) -> Any:
    """4 sigmoid(z) sigmoid(-z) = sech(z / 2) ** 2, in log space: no overflow at any z."""
    return jnp.exp(_LOG4 + jax.nn.log_sigmoid(z) + jax.nn.log_sigmoid(-z))


def _gaussian_cdf_integral(z: Any) -> Any:
    return z * ndtr(z) + jnp.exp(-0.5 * z * z) / jnp.sqrt(2 * jnp.pi)


def _laplace_cdf_integral(z: Any) -> Any:
    return jnp.where(z < 0, 0.5 * jnp.exp(jnp.minimum(z, 0.0)), z + 0.5 * jnp.exp(-jnp.maximum(z, 0.0)))


def _laplace_cdf(z: Any) -> Any:
    # each branch's exp sees only a non-positive argument, so neither it nor its derivative overflows
    return jnp.where(z < 0, 0.5 * jnp.exp(jnp.minimum(z, 0.0)), 1.0 - 0.5 * jnp.exp(-jnp.maximum(z, 0.0)))


LOGISTIC = Distribution("logistic", jax.nn.sigmoid, lambda z: jax.nn.sigmoid(z) * jax.nn.sigmoid(-z),
                        _logistic_ratio, jax.nn.softplus, lambda u: jnp.log(u) - jnp.log1p(-u))
GAUSSIAN = Distribution("gaussian", ndtr, lambda z: jnp.exp(-0.5 * z * z) / jnp.sqrt(2 * jnp.pi),
                        lambda z: jnp.exp(-0.5 * z * z), _gaussian_cdf_integral, ndtri)
CAUCHY = Distribution("cauchy", lambda z: 0.5 + jnp.arctan(z) / jnp.pi, lambda z: 1.0 / (jnp.pi * (1.0 + z * z)),
                      lambda z: 1.0 / (1.0 + z * z), None, lambda u: jnp.tan(jnp.pi * (u - 0.5)))
LAPLACE = Distribution("laplace", _laplace_cdf, lambda z: 0.5 * jnp.exp(-jnp.abs(z)), lambda z: jnp.exp(-jnp.abs(z)),
                       _laplace_cdf_integral, lambda u: -jnp.sign(u - 0.5) * jnp.log1p(-2 * jnp.abs(u - 0.5)))

BUILTIN = {d.name: d for d in (LOGISTIC, GAUSSIAN, CAUCHY, LAPLACE)}


def resolve(dist: str | Distribution) -> Distribution:
    """A `Distribution` from a built-in name (`"logistic"`, `"gaussian"`, `"cauchy"`, `"laplace"`) or
    itself."""
    if isinstance(dist, Distribution):
        return dist
    if isinstance(dist, str) and dist in BUILTIN:
        return BUILTIN[dist]
    raise ValueError(f"dist must be one of {sorted(BUILTIN)} or a relaxjax.Distribution, got {dist!r}")
