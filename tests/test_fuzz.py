"""Differential fuzzing in the normal suite: seeded random programs (relaxjax.benchmarks.fuzz_programs)
must agree with CPython in hard mode, approach it at large beta, and (float64) have the gradients of
finite differences. `relaxjax-bench fuzz --programs N` runs more and saves shrunk reproducers."""
import re
import sys
import tempfile

import jax
import pytest

from relaxjax.benchmarks import fuzz, fuzz_programs
from tests.helpers import x64

# 160 programs: 0-79 in float64 (hard mode and the large-beta limit), 100-179 in float32 (the suite's
# second pass); each program once, in one of the two
CHUNKS, PER_CHUNK = 4, 20
FIRST = 0 if x64() else 100
GRADIENT_EVERY = 10                  # 8 of the float64 ones also through the gradient check


@pytest.fixture(scope="module")
def directory():
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    with tempfile.TemporaryDirectory() as d:
        yield d
    sys.dont_write_bytecode = dont_write


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_programs_agree_with_cpython(chunk, directory):
    for seed in range(FIRST + chunk * PER_CHUNK, FIRST + (chunk + 1) * PER_CHUNK):
        checks = fuzz.CHECKS if seed % GRADIENT_EVERY == 0 else ("hard", "limit")
        failure = fuzz.check_program(seed, directory, checks)
        assert failure is None, (f"program {seed} fails the {failure.check} check: {failure.message}\n"
                                 f"{failure.source}")


def test_programs_are_deterministic_and_varied():
    sources = [fuzz_programs.program(seed) for seed in range(50)]
    assert sources == [fuzz_programs.program(seed) for seed in range(50)]
    assert len(set(sources)) == 50
    text = "".join(sources)
    for construct in ("elif ", "else:", "while ", "break", "continue", "return f0", "for e",
                      "min(c", "a[-1]", "abs(", "max(", " and ", " or ", "not ", " == ", " != ", " if ",
                      ") + (", " * (", "-(",   # these three: truth values in arithmetic
                      ") is ", "not a or ", "(a and ", "c1 = c1 + i",   # `is`, the list's truth, a loop variable after
                      ") != (", ") ^ (", " for g", " if g"):   # truth values compared; filtered generators
        assert construct in text, construct
    assert re.search(r"range\([^)]*\bi\d", text), "no range bound that depends on an enclosing loop"


def test_the_checks_catch_a_wrong_program(directory, monkeypatch):
    source = fuzz_programs.program(3)
    original = fuzz.cpython

    def off_by_one(src, inputs):   # CPython "computes" something else: the hard check must notice
        out, margin = original(src, inputs)
        return out + 1.0, margin

    monkeypatch.setattr(fuzz, "cpython", off_by_one)
    failure = fuzz.check_source(source, 3, directory, ("hard",))
    assert failure is not None and failure.check == "hard" and "differs from CPython" in failure.message


def test_a_failure_is_shrunk_and_saved_as_a_runnable_reproducer(directory, monkeypatch, tmp_path):
    def fails_if_it_swaps(src, seed, d, checks):   # a stand-in bug: any program with a swap "fails"
        return fuzz.Failure(seed, "hard", "swap", src, ((0.0, 1.0, [1.0, 2.0, 3.0]))) if "], a[" in src else None

    seed = next(s for s in range(100) if "], a[" in fuzz_programs.program(s))
    monkeypatch.setattr(fuzz, "check_source", fails_if_it_swaps)
    failure = fuzz.shrink(fails_if_it_swaps(fuzz_programs.program(seed), seed, directory, ()), directory)
    body = [line.strip() for line in failure.source.splitlines()[1:]]
    # the prologue, the swap (with the loop header its index needs, if any) and the return
    assert len(body) <= len(fuzz_programs.PROLOGUE) + 3 and "], a[" in body[-2]
    path = tmp_path / "repro.py"
    path.write_text(fuzz.reproducer(failure))
    import subprocess
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "CPython" in run.stdout and "hard" in run.stdout, run.stderr


def _returns_from_a_while_between_swaps(y, a):
    """Program 10005 of `relaxjax-bench fuzz`, reduced: relaxed at beta = 1e4 returned f1 = -2.3251
    where CPython returns -2.4171. The loop variable i2 was part of the relaxed `while`'s state, came out
    of the exit merges as a float expectation (p * i2 + (1 - p) * i2), and `a[i2 - 1]` at i2 = 0 became a
    soft index -1.0 clamped to position 0 instead of Python's a[-1]. Scans now hand back the values
    they pass through unchanged."""
    n = len(a)
    f1 = y
    for _ in range(n):
        a[-1], a[1] = a[1], a[-1]
        for i2 in range(n - 1):
            w3 = 0
            while w3 < 1 and f1 < 0.0:
                w3 += 1
                return f1, a
            f1 = a[i2 - 1] + 0.5
        for i4 in range(1, n):
            a[-1], a[i4] = a[i4], a[-1]
    return f1, a


def test_an_int_passed_through_a_relaxed_while_stays_an_int():
    import copy

    import numpy as np

    from relaxjax import relax
    args = (2.981956629161626, [2.237228406608411, -2.917141392676383, -2.825117053449783, 2.1653899383010753])
    want = _returns_from_a_while_between_swaps(*copy.deepcopy(args))[0]
    np.testing.assert_allclose(relax(_returns_from_a_while_between_swaps, mode="hard")(*args)[0], want, rtol=1e-6)
    np.testing.assert_allclose(relax(_returns_from_a_while_between_swaps, beta=1e4)(*args)[0], want, rtol=1e-6)


def _doubles_inside_a_while_that_runs_once(x, y, a):
    """Program 20104 of `relaxjax-bench fuzz`, reduced: the counter ends the `while` after one pass,
    but its scan runs `max_iter` steps, and each step doubled `f2` once per element from the state
    before: by step 93 it was infinite. Those steps carry no weight, yet inf times their zero
    cotangent made every gradient NaN. A scanned `while` now repeats its halting state once halted."""
    f2 = 0.0
    c0 = 0
    w1 = 0
    while w1 < 1 and x == 0.0:
        w1 += 1
        for e2 in a:
            f2 += f2 - x
            if not (a[1] == f2 * (c0 > y)):
                c0 = c0 + 1
    return f2, c0


def test_steps_after_a_while_halted_do_not_overflow_into_nan_gradients():
    import jax
    import jax.numpy as jnp
    import numpy as np

    from relaxjax import relax
    relaxed = relax(_doubles_inside_a_while_that_runs_once, beta=1.0)
    a = jnp.asarray(np.random.default_rng(0).uniform(-3, 3, 11))

    def total(x, y, a):
        f2, c0 = relaxed(x, y, a)
        return f2 + c0

    grads = jax.grad(total, argnums=(0, 1, 2))(2.93, 0.32, a)
    assert all(bool(jnp.all(jnp.isfinite(g))) for g in grads), grads


def _gradient_cut_at_y(x, y, a):   # the fuzzer's outputs: f0, f1, f2, c0, c1, a
    return x * jax.lax.stop_gradient(y), y, 0.0, 0, 0, a


@pytest.mark.skipif(not jax.config.jax_enable_x64, reason="the gradient check runs in float64")
def test_the_gradient_check_fails_a_gradient_that_no_step_confirms():
    inputs = [(0.5, 1.5, [1.0, -1.0, 0.5]), (-1.0, 2.0, [0.0, 1.0, 2.0])]
    found = fuzz.check_gradient(_gradient_cut_at_y, inputs, seed=0)
    assert found is not None and "differs from finite differences at every step" in found[0]
