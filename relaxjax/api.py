"""`relax`: a plain Python algorithm in, a relaxed, jit-compiled JAX function out."""
from __future__ import annotations

import contextlib
import functools
import inspect
import numbers
from typing import Any, Callable, Iterable, TypeVar, overload

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax.calls import UserCalls, calling
from relaxjax.conversion import convert
from relaxjax.runtime import context, distributions, provenance, sampling, unfinished
from relaxjax.runtime import explain as explain_mod
from relaxjax.runtime import positions as positions_mod
from relaxjax.runtime.errors import RelaxError, traceback_location
from relaxjax.runtime.filtered import Kept
from relaxjax.runtime.indexing import Window
from relaxjax.runtime.distributions import Distribution
from relaxjax.runtime.values import MARKERS, Heap, Undefined, unwrap
from relaxjax.transforms import pipeline

F = TypeVar("F", bound=Callable[..., Any])


OPTIMISATIONS = (*pipeline.OPTIONAL, *context.STRATEGIES)   # what `off` may name


def _check_options(beta: Any, mode: str, max_iter: int, samples: int, off: frozenset[str]) -> None:
    if mode not in context.MODES:
        raise ValueError(f"mode must be one of {context.MODES}, got {mode!r}")
    unknown = sorted(set(off) - set(OPTIMISATIONS))
    if unknown:
        raise ValueError(f"off: no optimisation named {', '.join(map(repr, unknown))}; the names are "
                         f"{', '.join(OPTIMISATIONS)}")
    for name, value in (("max_iter", max_iter), ("samples", samples)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    _check_beta(beta)


def _check_beta(beta: Any) -> None:
    if isinstance(beta, numbers.Real) and not isinstance(beta, bool):
        if not beta > 0:
            raise ValueError(f"beta must be > 0, got {beta!r}")
        return
    dtype = getattr(beta, "dtype", None)
    if dtype is None or getattr(beta, "shape", None) != () or not jnp.issubdtype(dtype, jnp.floating):
        raise TypeError(f"beta must be a positive number or a scalar float array (a traced beta changes "
                        f"without recompiling), got {beta!r}")


def _check_arguments(fn: Callable, signature: inspect.Signature | None, args: tuple, kwargs: dict) -> None:
    """Arguments the function can take, and only numbers, numeric arrays, strings, None and containers
    of them: a TypeError naming the argument otherwise, before anything is traced."""
    if signature is None:   # no signature to check against
        return
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as err:
        raise TypeError(f"{fn.__qualname__}(): {err}") from None
    for name, value in bound.arguments.items():
        for path, leaf in jax.tree_util.tree_flatten_with_path(value)[0]:
            where = name + jax.tree_util.keystr(path)
            if isinstance(leaf, (str, numbers.Real)):   # bool and int are Real too; complex is not
                continue
            dtype = getattr(leaf, "dtype", None)
            if dtype is not None and np.dtype(dtype).kind in "biuf":
                continue
            what = f"{np.dtype(dtype)} array" if dtype is not None else f"a value of type {type(leaf).__name__}"
            raise TypeError(f"{fn.__qualname__}(): argument {where} is {what}; a relaxed function takes real "
                            f"numbers, bool, int or float arrays, and lists, tuples or dicts of them (strings, "
                            f"ints and None are passed as static constants)")


def _is_static_arg(x: Any) -> bool:
    return x is None or isinstance(x, (bool, int, str)) and not isinstance(x, np.generic)


def _to_array(x: Any) -> Any:
    """A call argument as JAX sees it: lists, tuples of numbers and NumPy arrays become arrays."""
    if isinstance(x, (list, tuple)):
        if x and _all_numbers(x):
            try:
                arr = np.asarray(x)
            except ValueError:   # ragged
                arr = None
            if arr is not None and arr.dtype != object:
                return jnp.asarray(arr)
        return type(x)(_to_array(v) for v in x)
    if isinstance(x, (float, np.ndarray, np.generic, complex)):
        return jnp.asarray(x)
    return x


def _all_numbers(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return all(_all_numbers(v) for v in x)
    return isinstance(x, (numbers.Number, np.generic))


def _to_output(x: Any) -> Any:
    if isinstance(x, (Undefined, Kept, Window, Heap)):
        x.fail()
    if isinstance(x, MARKERS):   # a probability, a count's expectation, an argmin's expected position
        return unwrap(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_to_output(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_output(v) for k, v in x.items()}
    if isinstance(x, (numbers.Number, np.ndarray, np.generic)):
        return jnp.asarray(x)
    return x


class RelaxedFunction:
    """A relaxed, jit-compiled version of a plain Python function (made by `relax`).

    Call it like the original function; `beta=` overrides the inverse temperature for one call (it is
    a traced argument: changing it never recompiles). In mode "sampled" a call also takes `key=`, the
    PRNG key of the draws. `.source` is the generated code.
    """

    def __init__(self, fn: Callable, beta: Any, mode: str, max_iter: int, dist: str | Distribution = "logistic",
                 samples: int = 1000, off: Iterable[str] = (), positions: str = "distribution"):
        off = frozenset([off] if isinstance(off, str) else off)
        _check_options(beta, mode, max_iter, samples, off)
        if positions not in positions_mod.MODES:
            raise ValueError(f"positions must be one of {positions_mod.MODES}, got {positions!r}")
        self.positions = positions
        self.dist = distributions.resolve(dist)
        reserved = ("beta", "key") if mode == "sampled" else ("beta",)
        for name in reserved:
            if name in _parameters(fn):
                raise ValueError(f"'{fn.__name__}' has a parameter named '{name}', which relaxjax reserves for "
                                 f"the {_RESERVED[name]} of a call; rename the parameter")
        self._fn, self._beta, self.mode, self.max_iter, self.samples = fn, beta, mode, max_iter, samples
        self._bound = (fn.__self__,) if inspect.ismethod(fn) else ()   # `relax(obj.method)`: obj is `self`
        self.off = off
        self._converted = convert(fn.__func__ if self._bound else fn, off)
        self._signature = _signature(fn)
        self.trace_count = 0
        self._jitted = jax.jit(self._traced, static_argnums=(0,))
        functools.update_wrapper(self, fn)

    @property
    def source(self) -> str:
        """The generated Python source that runs in place of the original function."""
        return self._converted.source

    @property
    def beta(self) -> Any:
        """The default inverse temperature."""
        return self._beta

    def _traced(self, static: tuple, dynamic: list, beta: Any, key: Any) -> Any:
        self.trace_count += 1
        treedef, static_leaves = static
        leaves, it = [], iter(dynamic)
        for s in static_leaves:
            leaves.append(next(it) if s is _DYNAMIC else s)
        args, kwargs = jax.tree_util.tree_unflatten(treedef, leaves)
        if self.mode == "straight_through":
            return straight_through(self._run(args, kwargs, beta, "hard"), self._run(args, kwargs, beta, "relaxed"))
        if self.mode == "sampled":
            draws = jax.vmap(lambda k: self._run(args, kwargs, beta, "sampled", k),
                             axis_name=sampling.AXIS)(jax.random.split(key, self.samples))
            return jax.tree_util.tree_map(_mean_of_samples, draws)
        return self._run(args, kwargs, beta, self.mode)

    def _run(self, args: tuple, kwargs: dict, beta: Any, mode: str, key: Any = None) -> Any:
        generated = self._converted.instantiate(self._fn.__func__ if self._bound else self._fn)
        provenance.forget()
        drawing = sampling.drawing(key) if mode == "sampled" else contextlib.nullcontext()
        try:
            with context.options(beta=beta, mode=mode, max_iter=self.max_iter, dist=self.dist, off=self.off,
                                 calls=_USER_CALLS, positions=self.positions), calling(self._fn), drawing:
                return _to_output(generated(*self._bound, *args, **kwargs))
        except AttributeError as err:
            clearer = _array_attribute_error(err)
            if clearer is None:
                _add_note(err, self._fn, args, kwargs)
                raise
            _add_note(clearer, self._fn, args, kwargs)
            raise clearer from err
        except Exception as err:
            _add_note(err, self._fn, args, kwargs)
            raise
        finally:
            provenance.forget()   # its records hold this trace's tracers

    def __call__(self, *args: Any, beta: Any = None, **kwargs: Any) -> Any:
        if beta is None:
            beta = self._beta
        else:
            _check_beta(beta)
        key = None
        if self.mode == "sampled":
            key = kwargs.pop("key", None)
            _check_key(key)
        _check_arguments(self._fn, self._signature, args, kwargs)
        args, kwargs = [_to_array(a) for a in args], {k: _to_array(v) for k, v in kwargs.items()}
        leaves, treedef = jax.tree_util.tree_flatten((tuple(args), kwargs))
        static = tuple(_DYNAMIC if not _is_static_arg(x) else x for x in leaves)
        dynamic = [x for x in leaves if not _is_static_arg(x)]
        if isinstance(beta, numbers.Real):   # weakly typed, so float32 programs stay float32
            beta = jnp.asarray(float(beta))
        try:
            return self._jitted((treedef, static), dynamic, beta, key)
        except jax.errors.JaxRuntimeError:   # a MaxIterWarning made an error inside a callback
            warning = unfinished.raised()
            if warning is None:
                raise
            raise warning from None

    def __repr__(self) -> str:
        samples = f" samples={self.samples}" if self.mode == "sampled" else ""
        return (f"<relaxed {self._fn.__qualname__} mode={self.mode!r} beta={self._beta!r} "
                f"dist={self.dist.name!r}{samples}>")


_USER_CALLS = UserCalls(RelaxedFunction)


def _mean_of_samples(x: Any) -> Any:
    """The estimate from the samples along axis 0: a count or truth value becomes a float mean."""
    dtype = x.dtype if jnp.issubdtype(x.dtype, jnp.floating) else jnp.result_type(float)
    return jnp.mean(x, axis=0, dtype=dtype)


_RESERVED = {"beta": "inverse temperature", "key": "PRNG key (mode='sampled')"}


def _check_key(key: Any) -> None:
    if key is None:
        raise TypeError("mode='sampled' draws its decisions at random: pass a PRNG key, "
                        "f(..., key=jax.random.key(0))")
    dtype = getattr(key, "dtype", None)
    if dtype is None or not (jnp.issubdtype(dtype, jax.dtypes.prng_key) or
                             (dtype == jnp.uint32 and getattr(key, "shape", None) == (2,))):
        raise TypeError(f"key must be a PRNG key (jax.random.key(seed) or jax.random.PRNGKey(seed)), got {key!r}")


class Explanation:
    """What `explain` found: `events`, one per `if`, loop and `while` that ran, in source order; each
    with `where` (file:line), `what`, `how` (every way it was traced) and, for a bounded loop,
    `running` (the probability still running after its last pass, each time it ran)."""

    def __init__(self, title: str, events: list[explain_mod.Event]):
        self.title, self.events = title, events

    def strategies(self) -> set[str]:
        """Every way a statement ran (names from `relaxjax.runtime.explain.STRATEGIES`: "scan", "stream",
        "vectorised", "relaxed", ...)."""
        return {s for e in self.events for s in e.strategies}

    def __str__(self) -> str:
        lines = [self.title]
        for e in self.events:
            lines.append(f"  {e.where}  {e.what}: {e.line()}")
            lines += [f"      {how}" for how in e.how]
            if e.running:
                lines.append(f"      still running after the last pass: {max(e.running):.3g} (largest over "
                             f"{len(e.running)} run{'s' if len(e.running) > 1 else ''})")
        if len(lines) == 1:
            lines.append("  no if, for or while ran on traced values")
        return "\n".join(lines)

    __repr__ = __str__


def explain(fn: Callable, *args: Any, **kwargs: Any) -> Explanation:
    """Run `fn` (a relaxed function, or a plain one relaxed with `relax`'s defaults) on these arguments
    (`beta=` too) and report, for every `if`, `for` and `while` in its source and the functions it
    calls, how it ran: in Python, exactly, or relaxed (and which variables a relaxed `if` merged), how
    each loop was lowered (unrolled, scanned, masked, bounded at `max_iter`), and for a bounded loop the
    probability still running after its last pass on these inputs."""
    relaxed = fn if isinstance(fn, RelaxedFunction) else relax(fn)
    fresh = RelaxedFunction(relaxed._fn, relaxed._beta, relaxed.mode, relaxed.max_iter, relaxed.dist,
                            relaxed.samples, relaxed.off, relaxed.positions)
    with explain_mod.recording() as recorder:
        jax.block_until_ready(fresh(*args, **kwargs))
        jax.effects_barrier()

    def order(e: explain_mod.Event) -> tuple:
        file, _, line = e.where.rpartition(":")
        return (file, int(line) if line.isdigit() else 0)

    title = (f"relaxjax.explain: {relaxed._fn.__qualname__}, mode={relaxed.mode!r}, "
             f"beta={kwargs.get('beta', relaxed.beta)!r}, dist={relaxed.dist.name!r}")
    return Explanation(title, sorted(recorder.events.values(), key=order))


def straight_through(hard: Any, relaxed: Any) -> Any:
    """The value of `hard` with the derivatives of `relaxed` only: `stop_gradient(hard) + (relaxed -
    stop_gradient(relaxed))`, whose value is `hard` exactly (the added term is 0, or 0 where `relaxed` is
    infinite). An integer or boolean result that the relaxed program makes a float (a count, a truth
    value) comes back as a float with the relaxed derivative; one that stays integer is `hard` as is."""
    hard_leaves, treedef = jax.tree_util.tree_flatten(hard)
    relaxed_leaves, relaxed_treedef = jax.tree_util.tree_flatten(relaxed)
    if treedef != relaxed_treedef:
        raise TypeError(f"straight_through: the hard program returns {treedef} and the relaxed one "
                        f"{relaxed_treedef}; both must return the same structure")

    def combine(h: Any, r: Any) -> Any:
        h, r = jnp.asarray(h), jnp.asarray(r)
        if not jnp.issubdtype(r.dtype, jnp.floating):
            return h
        if not jnp.issubdtype(h.dtype, jnp.floating):   # a count or a truth value, relaxed to a float
            h = h.astype(r.dtype)
        zero = jnp.where(jnp.isfinite(r), r - jax.lax.stop_gradient(r), 0.0)
        return jax.lax.stop_gradient(h) + zero.astype(h.dtype)

    return jax.tree_util.tree_unflatten(treedef, [combine(h, r) for h, r in zip(hard_leaves, relaxed_leaves)])


def _array_attribute_error(err: AttributeError) -> RelaxError | None:
    """A clearer error for a method or attribute of a list the user wrote (a JAX array while tracing),
    naming the line, or None for other attribute errors."""
    if not isinstance(getattr(err, "obj", None), jax.Array):
        return None
    where = traceback_location(err.__traceback__)
    return RelaxError(f"{where + ': ' if where else ''}a list or array inside a relaxed function is a JAX "
                      f"array, which has no attribute `.{err.name}`; relaxjax converts the list methods "
                      f"`append`, `extend`, `sort` and `reverse` written as statements, and `len`, `sum`, "
                      f"`min`, `max`, `sorted`, `x in a`; write other operations as a loop over the "
                      f"positions (`for k in range(len(a)): if a[k] == v: ...` for `a.index(v)`)")


def _add_note(err: Exception, fn: Callable, args: tuple, kwargs: dict) -> None:
    """Say where in the user's source an error from the traced program came from, and what it got."""
    def describe(x: Any) -> str:
        if hasattr(x, "shape") and hasattr(x, "dtype"):
            return f"{np.dtype(x.dtype).name}{list(x.shape)}"
        return type(x).__name__ if not isinstance(x, (int, str)) else repr(x)

    where = traceback_location(err.__traceback__)
    shown = [jax.tree_util.tree_map(describe, a) for a in args]
    shown += [f"{k}={jax.tree_util.tree_map(describe, v)}" for k, v in kwargs.items()]
    arguments = ", ".join(str(s) for s in shown).replace("'", "")
    err.add_note(f"relaxjax: while tracing {fn.__qualname__}({arguments})"
                 + (f", at {where}" if where and where not in str(err) else ""))


class _Dynamic:
    def __repr__(self) -> str:
        return "<dynamic>"


_DYNAMIC = _Dynamic()


def _signature(fn: Callable) -> inspect.Signature | None:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def _parameters(fn: Callable) -> set[str]:
    signature = _signature(fn)
    return set(signature.parameters) if signature is not None else set()


@overload
def relax(fn: F, *, beta: float = ..., mode: str = ..., max_iter: int = ...,
          dist: str | Distribution = ..., samples: int = ..., off: Iterable[str] = ...,
          positions: str = ...) -> RelaxedFunction: ...


@overload
def relax(fn: None = None, *, beta: float = ..., mode: str = ..., max_iter: int = ...,
          dist: str | Distribution = ..., samples: int = ..., off: Iterable[str] = ...,
          positions: str = ...) -> Callable[[F], RelaxedFunction]: ...


def relax(fn: Callable | None = None, *, beta: float = 10.0, mode: str = "relaxed",
          max_iter: int = 100, dist: str | Distribution = "logistic", samples: int = 1000,
          off: Iterable[str] = (), positions: str = "distribution") -> Any:
    """Convert a plain Python function into a relaxed, jit-compiled JAX function.

    Every comparison of floating values becomes a probability under noise of scale `1/beta` (`dist`:
    "logistic", "gaussian", "cauchy", "laplace" or a `relaxjax.Distribution`);
    `if` merges the states of both branches by that probability, `while` returns the state expected
    over its halting step (at most `max_iter` body runs), `min`/`max`/`abs` take their smooth forms.
    `mode="hard"` computes exactly what CPython computes; `mode="straight_through"` returns the hard
    result with the relaxed program's derivatives; `mode="sampled"` returns the mean of `samples` runs
    of the hard program whose every decision is drawn with its relaxed probability (the true
    expectation the relaxed program approximates; each call takes `key=`, a PRNG key). Usable as
    `@relax`, `@relax(beta=5.0)` or `relax(fn, mode="hard")`.

    `off` switches optimisations off by name (`relaxjax.api.OPTIMISATIONS`), for debugging: the
    program computes the same values the slower way. `positions` is how a variable assigned positions
    under soft tests (`best = i` in `if a[i] > a[best]:`) is held: "distribution" (the probability of
    each position it was assigned; positions never chosen weigh 0) or "expected" (its expected position,
    read with rounding weights: the continuous-relaxations paper's reading).
    """
    if fn is None:
        return lambda f: RelaxedFunction(f, beta, mode, max_iter, dist, samples, off, positions)
    if not callable(fn):
        raise TypeError(f"relax expects a function defined with `def`, got {fn!r} ({type(fn).__name__})")
    return RelaxedFunction(fn, beta, mode, max_iter, dist, samples, off, positions)
