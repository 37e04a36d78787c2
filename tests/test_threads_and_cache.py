"""Conversion from several threads at once, and a cache that never serves one function's code for
another (same name in two modules; a name redefined in one module; a module reloaded after an edit)."""
import importlib
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from relaxjax import relax
from relaxjax.conversion import convert
from tests.corpus import CORPUS, bubble_swaps
from tests.helpers import flat


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_converting_and_tracing_from_many_threads_matches_one_thread():
    algorithms = CORPUS[:16]
    rng = np.random.default_rng(0)
    inputs = [alg.inputs(rng) for alg in algorithms]

    def run(k):
        alg = algorithms[k % len(algorithms)]
        mode = "hard" if k % 2 else "relaxed"
        f = relax(alg.fn, beta=3.0, mode=mode, max_iter=alg.max_iter)
        return flat(f(*inputs[k % len(algorithms)]))

    jobs = range(2 * len(algorithms))   # each algorithm twice at once, half of them in hard mode
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(run, jobs))
    alone = [run(k) for k in range(len(algorithms))]
    for k, got in zip(jobs, together):
        np.testing.assert_allclose(got, alone[k % len(algorithms)], rtol=1e-6, err_msg=f"job {k}")


def test_one_relaxed_function_called_from_many_threads_with_new_shapes():
    f = relax(bubble_swaps, beta=2.0)
    barrier = threading.Barrier(6)

    def run(n):
        barrier.wait()
        return flat(f(list(np.linspace(1.0, -1.0, n))))

    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(run, range(3, 9)))
    for n, got in zip(range(3, 9), together):
        np.testing.assert_allclose(got, flat(relax(bubble_swaps, beta=2.0)(list(np.linspace(1.0, -1.0, n)))),
                                   rtol=1e-6)


def test_same_name_in_two_modules(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for name, op in (("mod_plus", "+"), ("mod_times", "*")):
        (tmp_path / f"{name}.py").write_text(f"def f(a):\n    return a[0] {op} 3.0\n")
    plus, times = (_load(tmp_path / f"{n}.py", n).f for n in ("mod_plus", "mod_times"))
    assert float(relax(plus)([2.0])) == 5.0 and float(relax(times)([2.0])) == 6.0
    assert convert(plus) is not convert(times)


def test_a_name_redefined_in_one_module(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    (tmp_path / "mod_twice.py").write_text(textwrap.dedent("""
        def f(a):
            return a[0] + 1.0
        first = f
        def f(a):
            return a[0] * 10.0
    """))
    module = _load(tmp_path / "mod_twice.py", "mod_twice")
    assert float(relax(module.first)([2.0])) == 3.0 and float(relax(module.f)([2.0])) == 20.0


def test_a_module_edited_and_reloaded(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "mod_edited.py"
    path.write_text("def f(a):\n    return a[0] + 1.0\n")
    module = importlib.import_module("mod_edited")
    old = module.f
    assert float(relax(old)([2.0])) == 3.0
    path.write_text("def f(a):\n    if a[0] > 0.0:\n        return a[0] * 10.0\n    return a[0]\n")
    module = importlib.reload(module)
    assert float(relax(module.f, mode="hard")([2.0])) == 20.0
    assert float(relax(old)([2.0])) == 3.0   # converted before the edit: its own code, still


def test_a_function_whose_file_changed_since_import_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "mod_stale.py"
    path.write_text("def f(a):\n    return a[0] + 1.0\n")
    module = _load(path, "mod_stale")
    path.write_text("def f(a):\n    return a[0] + 2.0\n")   # edited, not reloaded
    with pytest.raises(Exception, match="changed since"):
        relax(module.f)
