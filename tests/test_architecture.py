"""The layout holds: the runtime imports no API, compiler or conversion, and nothing inside functions;
no module imports another in a circle; every runtime operator the passes emit exists. (That the compiler
imports no JAX and no runtime: tests/transforms/test_passes.py.)"""
import ast
import pathlib
import re

import pytest

from relaxjax import generated_names, runtime
from relaxjax.conversion import convert
from tests.corpus import CORPUS

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = {"relaxjax": ROOT / "relaxjax", "relaxjax.transforms": ROOT / "transforms",
            "relaxjax.benchmarks": ROOT / "benchmarks"}


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((package,) + parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: pathlib.Path, inside_functions: bool = False) -> list[tuple[str, int]]:
    """`(module, line)` of each import in the file: at module level, or (with `inside_functions`) only
    those inside a function. `from p import m` names `p.m` when `p.m` is a module of ours."""
    tree = ast.parse(path.read_text())
    nested = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              for n in ast.walk(f) if n is not f}
    found = []
    for node in ast.walk(tree):
        if (id(node) in nested) != inside_functions:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module,
                       node.lineno) for a in node.names]
    return found


def _ours(name: str) -> str | None:
    """The module of ours that an imported name lives in, or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("relaxjax.runtime")))
def test_the_runtime_imports_no_api_compiler_or_conversion_and_nothing_inside_functions(name):
    path = MODULES[name]
    assert not _imports(path, inside_functions=True), f"{path} imports inside a function"
    for module, line in _imports(path):
        assert module.startswith(("relaxjax.runtime", "relaxjax.generated_names")) or \
            module.split(".")[0] != "relaxjax", f"{path}:{line} imports {module}"


def test_no_import_circles():
    # an import inside a function closes a circle too, only later
    graph = {name: {_ours(m) for m, _ in _imports(path) + _imports(path, inside_functions=True)} - {None, name}
             for name, path in MODULES.items()}
    state: dict[str, str] = {}

    def visit(name, chain):
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                raise AssertionError("import circle: " + " -> ".join(chain[chain.index(other):] + [other]))
            if other not in state:
                visit(other, chain + [other])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_the_architecture_test_sees_a_circle_and_a_function_level_import(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import os\n\ndef f():\n    from relaxjax.api import relax\n")
    assert _imports(path) == [("os", 1)]
    assert _imports(path, inside_functions=True) == [("relaxjax.api", 4)]


def test_every_operator_the_passes_may_emit_exists_in_the_runtime():
    missing = [name for name in generated_names.OPERATORS if not callable(getattr(runtime, name, None))]
    assert not missing, missing
    with pytest.raises(KeyError):
        generated_names.op("no_such_operator")


def test_generated_code_calls_only_listed_operators():
    emitted = {name for alg in CORPUS
               for name in re.findall(rf"\b{generated_names.RUNTIME}\.(\w+)", convert(alg.fn).source)}
    assert emitted <= generated_names.OPERATORS, emitted - generated_names.OPERATORS
    assert {"for_stmt", "while_stmt", "if_stmt", "streamed", "independent", "if_outcome", "then"} <= emitted


def test_every_package_is_installed():
    """pyproject.toml lists its packages by hand: a new subpackage must be listed, or a plain
    `pip install .` leaves it out (an editable install would still find it)."""
    listed = set(re.findall(r'"([\w.]+)"', re.search(r"^packages = \[(.*?)\]", (ROOT / "pyproject.toml").read_text(),
                                                     flags=re.M).group(1)))
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert packages == listed, (packages - listed, listed - packages)
