"""The public API: decorator forms, arguments, composition with JAX transformations, caching,
re-tracing, generated source, and errors that point at the user's file and line."""
import inspect
import math
import traceback

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import relaxjax
from relaxjax import ConversionError, RelaxError, UndefinedVariableError, relax
from relaxjax.conversion import convert
from tests.corpus import bubble_swaps


def soft_relu_sum(a):
    total = 0.0
    for x in a:
        if x > 0:
            total += x
    return total


def zeros(n):
    return [0.0] * n


def test_decorator_forms():
    @relax
    def f(a):
        return max(a, 0.0)

    @relax(beta=5.0)
    def g(a):
        return max(a, 0.0)
    assert isinstance(f, relaxjax.RelaxedFunction) and g.beta == 5.0
    assert float(relax(soft_relu_sum, mode="hard")([1.0, -2.0, 3.0])) == 4.0
    assert float(f(2.0)) == pytest.approx(2.0, abs=1e-6)


def test_lists_and_numpy_arrays_are_converted_and_ints_stay_static():
    f = relax(soft_relu_sum, mode="hard")
    assert float(f(np.array([1.0, 2.0]))) == 3.0 and float(f([1.0, 2.0])) == 3.0
    out = relax(zeros)(3)   # n sizes a list: it must be static
    assert isinstance(out, list) and len(out) == 3 and isinstance(out[0], jax.Array)


def test_returns_jax_arrays_in_the_structure_of_the_result():
    a, swaps = relax(bubble_swaps, mode="hard")([3.0, 1.0, 2.0])
    assert isinstance(a, jax.Array) and isinstance(swaps, jax.Array)
    assert a.tolist() == [1.0, 2.0, 3.0] and float(swaps) == 2.0


def test_composes_with_jit_vmap_grad_and_hessian():
    f = relax(soft_relu_sum, beta=2.0)
    x = jnp.array([[0.5, -0.5], [1.0, 2.0]])
    batched = jax.jit(jax.vmap(f))(x)
    np.testing.assert_allclose(batched, [f(x[0]), f(x[1])], rtol=1e-6)
    g = jax.grad(f)(x[0])
    s = jax.nn.sigmoid(2.0 * x[0])
    np.testing.assert_allclose(g, s + x[0] * 2.0 * s * (1 - s), rtol=1e-5)
    h = jax.hessian(f)(x[0])
    assert h.shape == (2, 2) and np.all(np.isfinite(h)) and abs(h[0, 1]) < 1e-12


def test_conversion_is_cached_per_function():
    assert convert(soft_relu_sum) is convert(soft_relu_sum)
    assert relax(soft_relu_sum, beta=1.0)._converted is relax(soft_relu_sum, beta=3.0)._converted


def test_beta_changes_without_retracing_inside_a_jitted_training_step():
    f = relax(bubble_swaps)

    @jax.jit
    def step(x, beta):
        loss, grad = jax.value_and_grad(lambda v: f(v, beta=beta)[1])(x)
        return x - 0.1 * grad, loss

    x = jnp.array([3.0, 1.0, 2.0, 0.0])
    losses = []
    for beta in (1.0, 2.0, 4.0, 8.0):
        x, loss = step(x, jnp.asarray(beta))
        losses.append(float(loss))
    assert f.trace_count == 1 and step._cache_size() == 1
    assert len(set(losses)) == 4


def test_generated_source_is_readable():
    src = relax(soft_relu_sum).source
    assert "def soft_relu_sum(a):" in src and "rj__.for_stmt" in src and "rj__.gt(x, 0)" in src


def test_option_errors():
    with pytest.raises(ValueError, match="beta"):
        relax(soft_relu_sum, beta=0.0)
    with pytest.raises(ValueError, match="mode"):
        relax(soft_relu_sum, mode="soft")
    with pytest.raises(ValueError, match="max_iter"):
        relax(soft_relu_sum, max_iter=0)
    with pytest.raises(TypeError):
        relax(soft_relu_sum, temperature=1.0)
    with pytest.raises(ValueError, match="beta"):
        relax(soft_relu_sum)([1.0], beta=-1.0)


def test_source_not_available():
    namespace = {}
    exec("def made_by_exec(a):\n    return a\n", namespace)
    with pytest.raises(ConversionError, match="not available"):
        relax(namespace["made_by_exec"])
    with pytest.raises(ConversionError, match="def"):
        relax(lambda a: a)


def soft_bound(a):
    total = 0.0
    for i in range(a[0]):   # the line test_soft_loop_bound expects
        total += 1.0
    return total


def test_soft_loop_bound_is_an_error_at_the_users_line():
    line = inspect.getsourcelines(soft_bound)[1] + 2
    with pytest.raises(RelaxError, match=rf"test_api.py:{line}: a loop bound depends on soft"):
        relax(soft_bound)([2.0])


def maybe_defined(a):
    if a > 0:   # the line test_undefined expects
        b = 1.0
    return b


def use_maybe_defined(a):
    if a > 0:
        b = 1.0
    c = b + 1.0   # the line test_undefined expects
    return c


def test_variable_undefined_on_a_path_names_it_and_the_line():
    line = inspect.getsourcelines(maybe_defined)[1] + 1
    with pytest.raises(UndefinedVariableError, match=rf"variable 'b' .* after \S*test_api.py:{line}"):
        relax(maybe_defined)(1.0)
    line = inspect.getsourcelines(use_maybe_defined)[1] + 3
    with pytest.raises(UndefinedVariableError, match=rf"test_api.py:{line}: variable 'b'"):
        relax(use_maybe_defined)(1.0)


def bad_shapes(a):
    b = a + jnp.ones(3)   # the line test_errors_in_generated_code expects
    return b


def test_errors_inside_generated_code_are_reported_at_the_users_line():
    line = inspect.getsourcelines(bad_shapes)[1] + 1
    with pytest.raises(TypeError) as err:
        relax(bad_shapes)(jnp.ones(2))
    frames = traceback.extract_tb(err.value.__traceback__)
    assert any(f.filename == __file__ and f.lineno == line for f in frames)
    assert any("bad_shapes" == f.name for f in frames)


def uses_inf(w):
    d = math.inf
    for x in w:
        d = min(d, x)
    return d


def test_math_inf_as_initial_distance_is_exact_once_beaten():
    out = relax(uses_inf, beta=1e3)([2.0, 1.0])
    np.testing.assert_allclose(out, 1.0, atol=1e-6)
    g = jax.grad(relax(uses_inf, beta=2.0))(jnp.array([2.0, 1.0]))
    assert np.all(np.isfinite(g))


def reserved_beta(a, beta):
    return a


def test_parameter_named_beta_is_rejected():
    with pytest.raises(ValueError, match="beta"):
        relax(reserved_beta)


def traced_size(a, n):
    row = [0.0] * n   # the line test_traced_sizes expects
    return row


def traced_shape(a, n):
    z = jnp.zeros(n)   # the line test_traced_sizes expects
    return z


def has_try(a):
    try:   # the line test_unsupported expects
        b = a
    except ValueError:
        b = a
    return b


def test_sizes_that_depend_on_traced_data_name_the_line():
    for fn, pattern in ((traced_size, "length of a list"), (traced_shape, "concrete value")):
        line = inspect.getsourcelines(fn)[1] + 1
        with pytest.raises(RelaxError, match=rf"test_api.py:{line}: .*{pattern}"):
            relax(fn)(1.0, np.asarray(3))
    assert len(relax(traced_size)(1.0, 3)) == 3


def test_unsupported_construct_names_construct_file_and_line():
    line = inspect.getsourcelines(has_try)[1] + 1
    with pytest.raises(ConversionError, match=rf"test_api.py:{line}: `try` is not supported"):
        relax(has_try)
