"""Differential fuzzing: random programs (fuzz_programs) through CPython and through relaxjax.

For each program, on random inputs:
- hard: `relax(prog, mode="hard")` equals CPython, on inputs drawn from a coarse grid (many ties);
- gradient (float64 only): the relaxed gradient at beta = 1 matches central finite differences;
- limit: at beta = 1e4 the relaxed result equals the hard one, on inputs where every comparison CPython
  makes has a margin of at least 0.05 (no near-ties, so the relaxation must have converged).
A failing program is shrunk statement by statement while it fails the same check, and saved as a file
that reproduces it.
"""
from __future__ import annotations

import ast
import builtins
import dataclasses
import hashlib
import importlib.util
import math
import os
import re
import sys
import tempfile
import traceback
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from relaxjax import relax
from relaxjax.benchmarks import fuzz_programs
from relaxjax.benchmarks.fuzz_programs import Stmt

GRADIENT_BETA = 1.0
FD_STEPS = (1e-6, 1e-4, 1e-2)
LIMIT_BETA = 1e4
MARGIN = 0.05
INPUTS = 6


@dataclasses.dataclass
class Failure:
    """One program failing one check: what was expected and what relaxjax gave, on which input."""

    seed: int
    check: str
    message: str
    source: str
    inputs: tuple | None = None


def _float() -> np.dtype:
    return np.dtype(np.float64 if jax.config.jax_enable_x64 else np.float32)


def load(source: str, directory: str) -> Callable:
    """`prog` from `source`, written to a file in `directory` and imported (relaxjax reads source files)."""
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    path = os.path.join(directory, f"fuzz_{digest}.py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(f"fuzz_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.prog


_ROUNDING = ("int", "round")
_SMOOTHED = ("min", "max", "abs")   # relaxed as smooth functions: they converge where their arguments are apart


class _Margins(ast.NodeTransformer):
    """Every comparison `l op r` becomes `__cmp(l, 'op', r, same)`, which records |l - r| (chains are
    split) unless `same`: an element compared with itself (`a[i] < a[j]` at `i == j`), or both sides
    written as integers (counters, loop indices, int literals), which relaxjax decides exactly in the limit.
    `is` comparisons stay as they are. `int()` / `round()` record the distance to their jump, `min` / `max`
    the distance from the chosen value to the next, `abs` the distance to 0."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _ROUNDING and len(node.args) == 1 and not node.keywords:
            return ast.Call(ast.Name("__rounding", ast.Load()), [ast.Constant(node.func.id), node.args[0]], [])
        if isinstance(node.func, ast.Name) and node.func.id in _SMOOTHED and node.args and not node.keywords:
            return ast.Call(ast.Name("__smoothed", ast.Load()), [ast.Constant(node.func.id), *node.args], [])
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        if not all(type(op).__name__ in _OPS for op in node.ops):
            return node
        parts, left = [], node.left
        for op, right in zip(node.ops, node.comparators):
            ints = ast.Constant(_integral(left) and _integral(right))
            parts.append(ast.Call(ast.Name("__cmp", ast.Load()),
                                  [left, ast.Constant(type(op).__name__), right, _same_element(left, right), ints], []))
            left = right
        return parts[0] if len(parts) == 1 else ast.BoolOp(ast.And(), parts)


_INTEGRAL_NAMES = re.compile(r"^(c\d|i\d+|w\d+|n)$")   # counters, loop indices, while counters, len(a)


def _integral(node: ast.AST) -> bool:
    """Whether an operand is written as an int in every run: a counter, a loop index or an int literal
    (CPython's `min(x, c0)` may be an int too, but relaxjax's is an expectation of floats)."""
    if isinstance(node, ast.Name):
        return bool(_INTEGRAL_NAMES.match(node.id))
    return isinstance(node, ast.Constant) and type(node.value) is int


def _same_element(left: ast.AST, right: ast.AST) -> ast.AST:
    """`__same(a, i, j)` for `a[i]` and `a[j]` (whether they are one element), else False."""
    if (isinstance(left, ast.Subscript) and isinstance(right, ast.Subscript) and isinstance(left.value, ast.Name)
            and isinstance(right.value, ast.Name) and left.value.id == right.value.id):
        return ast.Call(ast.Name("__same", ast.Load()), [left.value, left.slice, right.slice], [])
    return ast.Constant(False)


_OPS = {"Lt": lambda a, b: a < b, "LtE": lambda a, b: a <= b, "Gt": lambda a, b: a > b,
        "GtE": lambda a, b: a >= b, "Eq": lambda a, b: a == b, "NotEq": lambda a, b: a != b}


def cpython(source: str, inputs: tuple) -> tuple[np.ndarray, float]:
    """The program's flattened result in CPython (in the float type relaxjax uses) and the smallest
    |l - r| over the comparisons it made."""
    tree = ast.fix_missing_locations(_Margins().visit(ast.parse(source)))
    margins = [np.inf]

    def cmp(a, op, b, same, ints):   # a Python bool, as comparing Python floats gives (NumPy's bool_ adds by OR)
        if not same and not ints:   # integers tie for real: relaxjax decides them
            margins.append(abs(float(a) - float(b)))
        return bool(_OPS[op](a, b))

    def same(a, i, j):
        return i % len(a) == j % len(a)

    def rounding(name, v):   # int() / round() of a float jumps at integers (halves): the distance to one
        if not _integer(v):
            value = float(v)
            frac = abs(value) - math.floor(abs(value)) if name == "int" else value + 0.5 - math.floor(value + 0.5)
            margins.append(min(frac, 1.0 - frac) if name == "round" or abs(value) >= 1.0 else 1.0 - frac)
        return int(v) if name == "int" else round(v)

    def smoothed(name, *args):   # min / max: the distance from the chosen value to the next; abs: to 0
        values = list(args[0]) if len(args) == 1 and name != "abs" else list(args)
        if name == "abs":
            if float(values[0]) != 0.0:
                margins.append(abs(float(values[0])))
            return abs(values[0])
        chosen = (min if name == "min" else max)(float(v) for v in values)
        apart = [abs(float(v) - chosen) for v in values if float(v) != chosen]   # equal values: exact
        if apart:
            margins.append(min(apart))
        return (min if name == "min" else max)(*args)

    namespace: dict[str, Any] = {"__cmp": cmp, "__same": same, "__rounding": rounding, "__smoothed": smoothed}
    exec(compile(tree, "<fuzz>", "exec"), namespace)
    dtype = _float()
    x, y, a = inputs
    out = namespace["prog"](dtype.type(x), dtype.type(y), [dtype.type(v) for v in a])
    return _flat(out), min(margins)


def _integer(v: Any) -> bool:
    return isinstance(v, (int, np.integer, np.bool_))


def _flat(out: Any) -> np.ndarray:
    return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in jax.tree_util.tree_leaves(out)])


def _batch(inputs: list[tuple]) -> tuple:
    dtype = _float()
    return tuple(jnp.asarray(np.array([inp[k] for inp in inputs], dtype=dtype)) for k in range(3))


def _grid_inputs(rng: np.random.Generator, n: int) -> tuple:
    pick = lambda size=None: rng.integers(-6, 7, size) / 2.0   # noqa: E731  (-3 .. 3 by halves: ties)
    return float(pick()), float(pick()), [float(v) for v in pick(n)]


def _smooth_inputs(rng: np.random.Generator, n: int) -> tuple:
    return float(rng.uniform(-3, 3)), float(rng.uniform(-3, 3)), [float(v) for v in rng.uniform(-3, 3, n)]


def _close(got: np.ndarray, want: np.ndarray, tol: float) -> bool:
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=tol, atol=tol, equal_nan=True))


def check_hard(source: str, fn: Callable, inputs: list[tuple]) -> tuple[str, tuple] | None:
    """None if relaxjax in hard mode equals CPython on every input, else what differs, and where."""
    tol = 1e-12 if jax.config.jax_enable_x64 else 1e-5
    got = jax.vmap(relax(fn, mode="hard"))(*_batch(inputs))
    for k, inp in enumerate(inputs):
        want, _ = cpython(source, inp)
        have = _flat(jax.tree_util.tree_map(lambda v: v[k], got))
        if not _close(have, want, tol):
            return f"hard mode differs from CPython: relaxjax {have.tolist()}, CPython {want.tolist()}", inp
    return None


def check_gradient(fn: Callable, inputs: list[tuple], seed: int) -> tuple[str, tuple] | None:
    """None if the relaxed gradient (beta = 1) matches central finite differences on every input."""
    relaxed = relax(fn, beta=GRADIENT_BETA)
    n = len(inputs[0][2])
    weights = jnp.asarray(np.random.default_rng(seed).normal(size=5 + n))

    def loss(v):   # v = (x, y, *a)
        out = relaxed(v[0], v[1], v[2:])
        leaves = [jnp.ravel(leaf).astype(v.dtype) for leaf in jax.tree_util.tree_leaves(out)]
        return jnp.dot(weights, jnp.concatenate(leaves))

    points = jnp.asarray([[inp[0], inp[1], *inp[2]] for inp in inputs])
    values, grads = jax.vmap(jax.value_and_grad(loss))(points)
    eye = np.eye(points.shape[1])
    # Central differences at several steps: a small step loses digits where the values are huge (a loop
    # that doubles them 112 times reaches 1e23), a large one where they curve; the gradient must match one.
    fds = [(jax.vmap(jax.vmap(loss))(points[:, None, :] + h * eye[None])
            - jax.vmap(jax.vmap(loss))(points[:, None, :] - h * eye[None])) / (2 * h) for h in FD_STEPS]
    for k, inp in enumerate(inputs):
        if not (np.isfinite(values[k]) and np.all(np.isfinite(grads[k]))):
            return f"relaxed value or gradient not finite: {values[k]}, {grads[k].tolist()}", inp
        if not any(np.allclose(grads[k], fd[k], rtol=1e-4, atol=1e-5 * (1 + float(np.abs(fd[k]).max())))
                   for fd in fds):
            return (f"gradient differs from finite differences at every step {FD_STEPS}: relaxjax "
                    f"{np.asarray(grads[k]).tolist()}, finite differences (h = {FD_STEPS[0]}) "
                    f"{np.asarray(fds[0][k]).tolist()}"), inp
    return None


def check_limit(source: str, fn: Callable, inputs: list[tuple]) -> tuple[str, tuple] | None:
    """None if, at large beta, the relaxed result equals the hard one on the inputs without near-ties."""
    expected = [(inp, *cpython(source, inp)) for inp in inputs]
    clear = [(inp, want) for inp, want, margin in expected if margin >= MARGIN]
    if not clear:
        return None
    tol = 1e-9 if jax.config.jax_enable_x64 else 1e-4
    got = jax.vmap(relax(fn, beta=LIMIT_BETA))(*_batch([inp for inp, _ in clear]))
    for k, (inp, want) in enumerate(clear):
        have = _flat(jax.tree_util.tree_map(lambda v: v[k], got))
        if not _close(have, want, tol):
            return (f"relaxed (beta={LIMIT_BETA:g}) does not approach hard mode (no comparison closer than "
                    f"{MARGIN}): relaxjax {have.tolist()}, CPython {want.tolist()}"), inp
    return None


CHECKS = ("hard", "gradient", "limit")


def check_source(source: str, seed: int, directory: str, checks: tuple[str, ...] = CHECKS) -> Failure | None:
    """Run the checks on one program; the first failure, or None."""
    grid, smooth = _inputs(seed)
    try:
        fn = load(source, directory)
    except Exception as err:   # a generator bug, not a relaxjax one
        raise RuntimeError(f"program {seed} does not load:\n{source}") from err
    for check in checks:
        if check == "gradient" and not jax.config.jax_enable_x64:
            continue
        inputs = grid if check == "hard" else smooth
        try:
            if check == "hard":
                found = check_hard(source, fn, inputs)
            elif check == "gradient":
                found = check_gradient(fn, inputs, seed)
            else:
                found = check_limit(source, fn, inputs)
        except Exception:
            error = "".join(traceback.format_exception_only(*sys.exc_info()[:2])).split("\n-----")[0].strip()
            found = f"relaxjax raised {error}", inputs[0]
        if found is not None:
            return Failure(seed, check, found[0], source, found[1])
    return None


def check_program(seed: int, directory: str, checks: tuple[str, ...] = CHECKS) -> Failure | None:
    """Generate the program of `seed` and run the checks on it."""
    return check_source(fuzz_programs.program(seed), seed, directory, checks)


def _inputs(seed: int) -> tuple[list[tuple], list[tuple]]:
    """The inputs of program `seed`: some on a grid of halves (ties), some continuous."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 13))
    return [_grid_inputs(rng, n) for _ in range(INPUTS)], [_smooth_inputs(rng, n) for _ in range(INPUTS)]


def _valid(source: str, seed: int) -> bool:
    """Whether a smaller program is still one the generator could have made: every name it reads is
    bound somewhere (relaxjax traces branches CPython skips), and CPython runs it on all its inputs."""
    tree = ast.parse(source)
    bound = {a.arg for a in tree.body[0].args.args} | set(dir(builtins))
    bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if any(isinstance(n, ast.Name) and n.id not in bound for n in ast.walk(tree)):
        return False
    try:
        for inputs in _inputs(seed):
            for inp in inputs:
                cpython(source, inp)
        return True
    except Exception:
        return False


def shrink(failure: Failure, directory: str, max_tries: int = 300) -> Failure:
    """A smaller program failing the same check: statements removed, compound statements replaced by
    their bodies, `else` branches dropped, for as long as the failure stays."""
    body = fuzz_programs.Generator(failure.seed).program()
    if fuzz_programs.render(body) != failure.source:
        return failure
    tries = 0
    changed = True
    while changed and tries < max_tries:
        changed = False
        for candidate in _smaller(body):
            tries += 1
            source = fuzz_programs.render(candidate)
            if not _valid(source, failure.seed):
                continue
            smaller = check_source(source, failure.seed, directory, (failure.check,))
            if smaller is not None:
                body, failure, changed = candidate, smaller, True
                break
            if tries >= max_tries:
                break
    return failure


def _smaller(body: list[Stmt]):
    """Every program one step smaller than `body`."""
    for k, stmt in enumerate(body):
        rest = body[:k] + body[k + 1:]
        if not stmt.pinned:
            yield rest
        if stmt.body is not None:
            yield body[:k] + [s for s in stmt.body if not s.pinned] + body[k + 1:]
            if stmt.orelse:
                yield body[:k] + stmt.orelse + body[k + 1:]
                yield body[:k] + [dataclasses.replace(stmt, orelse=None)] + body[k + 1:]
            for inner in _smaller(stmt.body):
                if inner:
                    yield body[:k] + [dataclasses.replace(stmt, body=inner)] + body[k + 1:]
            for inner in _smaller(stmt.orelse or []):
                yield body[:k] + [dataclasses.replace(stmt, orelse=inner or None)] + body[k + 1:]


def reproducer(failure: Failure) -> str:
    """A file that shows the failure: the program, then the check that fails on it."""
    x64 = bool(jax.config.jax_enable_x64)
    comment = "\n".join("# " + line for line in failure.message.splitlines())
    return (f"# relaxjax-bench fuzz: program {failure.seed} fails the {failure.check!r} check "
            f"(x64 {'on' if x64 else 'off'}).\n{comment}\n"
            f"# Run: python {{this file}}\n\n"
            f"{failure.source}\n\n"
            f"if __name__ == '__main__':\n"
            f"    import copy\n"
            f"    import jax\n"
            f"    jax.config.update('jax_enable_x64', {x64})\n"
            f"    from relaxjax import relax\n"
            f"    args = {failure.inputs!r}\n"
            f"    print('CPython ', prog(*copy.deepcopy(args)))   # prog changes its list in place\n"
            f"    print('hard    ', relax(prog, mode='hard')(*args))\n"
            f"    print('relaxed ', relax(prog, beta={LIMIT_BETA if failure.check == 'limit' else GRADIENT_BETA})"
            f"(*args))\n")


def run(programs: int, seed: int = 0, out_dir: str = "fuzz-failures", do_shrink: bool = True,
        log: Callable[[str], None] = print) -> dict:
    """Fuzz `programs` programs from `seed` on; save each failure (shrunk) under `out_dir`."""
    failures = []
    with tempfile.TemporaryDirectory() as directory:
        sys.dont_write_bytecode = True
        for k, s in enumerate(range(seed, seed + programs)):
            failure = check_program(s, directory)
            if failure is not None:
                if do_shrink:
                    failure = shrink(failure, directory)
                os.makedirs(out_dir, exist_ok=True)
                path = os.path.join(out_dir, f"program_{s}_{failure.check}.py")
                with open(path, "w") as f:
                    f.write(reproducer(failure))
                failures.append({"seed": s, "check": failure.check, "file": path,
                                 "message": failure.message.splitlines()[0]})
                log(f"program {s}: fails {failure.check}: {failure.message.splitlines()[0][:160]} -> {path}")
            if (k + 1) % 25 == 0:
                log(f"{k + 1}/{programs} programs, {len(failures)} failing")
                jax.clear_caches()   # every program compiles its own functions
    checks = CHECKS if jax.config.jax_enable_x64 else tuple(c for c in CHECKS if c != "gradient")
    log(f"fuzz: {programs} programs (seeds {seed}..{seed + programs - 1}), checks {', '.join(checks)} "
        f"(x64 {'on' if jax.config.jax_enable_x64 else 'off'}): {len(failures)} failing")
    return {"programs": programs, "seed": seed, "x64": bool(jax.config.jax_enable_x64), "failures": failures}
